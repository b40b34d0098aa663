// The rule-set form (templates/evaluation/ruleset_form.html): a part marked
// data-shown-by="<select id>" data-shown-for="value value" is shown only while that
// select holds one of those values, so an item shows the settings of its chosen scoring
// method alone. Without JavaScript the page shows those of the method it was sent with,
// and the "show the settings" buttons (data-js-hidden) ask the server for the others.
(function () {
  "use strict";

  document.querySelectorAll("[data-js-hidden]").forEach(function (element) {
    element.hidden = true;
  });

  document.querySelectorAll("[data-shown-by]").forEach(function (part) {
    var select = document.getElementById(part.dataset.shownBy);
    if (!select) return;
    var values = part.dataset.shownFor.split(" ");
    function update() {
      part.hidden = values.indexOf(select.value) < 0;
    }
    select.addEventListener("change", update);
    update();
  });
})();
