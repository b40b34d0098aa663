// Behaviour the pages ask for with data-* attributes, since the Content-Security-Policy
// runs no inline handler (onclick=, onchange=): see advisor/security.py.
(function () {
  "use strict";

  // <select data-autosubmit>: choosing sends its form (the language switch).
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () {
      select.form.submit();
    });
  });

  // <button data-confirm="question">: sends its form only when the question is confirmed.
  document.querySelectorAll("button[data-confirm]").forEach(function (button) {
    button.addEventListener("click", function (event) {
      if (!window.confirm(button.dataset.confirm)) event.preventDefault();
    });
  });

  // <button data-print>: prints the page (the opinion letter).
  document.querySelectorAll("button[data-print]").forEach(function (button) {
    button.addEventListener("click", function () {
      window.print();
    });
  });
})();
