// The ledger entry form: the outcome field is named for the kind of work chosen (a
// lecture has no review conclusion). Without this script the page shows one label for
// every kind and a hint naming what each kind writes there.
(function () {
  "use strict";

  document.querySelectorAll("[data-outcome-for]").forEach(function (box) {
    var kind = document.getElementById(box.dataset.outcomeFor);
    var label = box.querySelector("label");
    var hint = box.querySelector("[data-outcome-hint]");
    var words = JSON.parse(box.dataset.outcomeWords);
    if (!kind || !label) return;

    function show() {
      var chosen = words.kinds[kind.value] || words.any;
      label.textContent = chosen.label;
      if (hint) hint.textContent = chosen.hint;
    }

    kind.addEventListener("change", show);
    show();
  });
})();
