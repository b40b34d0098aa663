// The review page keeps its place. A button that posts the form and brings the page back
// (take or dismiss a hit, add or remove a finding: marked data-keep-place) names in its
// formaction's #fragment the element to come back to; before the form goes, note where
// that element stands in the window, and once the page is back (after the browser went to
// the fragment, which is all there is without JavaScript) scroll so it stands there again.
// A message above or a finding added or removed below then moves nothing the eye was on.
(function () {
  "use strict";

  var KEY = "review-place";
  var form = document.querySelector("[data-review-form]");
  if (!form) return;

  function read() {
    try {
      var saved = window.sessionStorage.getItem(KEY);
      window.sessionStorage.removeItem(KEY);
      return saved ? JSON.parse(saved) : null;
    } catch (error) {
      return null; // storage switched off or garbled: the fragment alone
    }
  }

  // "instant": Bootstrap makes the page scroll smoothly, and a glide from the fragment
  // would end anywhere but where the advisor was.
  function restore(place) {
    var element = place.id ? document.getElementById(place.id) : null;
    var y = place.y;
    if (element && typeof place.top === "number") {
      y = window.scrollY + element.getBoundingClientRect().top - place.top;
    }
    if (typeof y === "number") window.scrollTo({ top: y, behavior: "instant" });
  }

  var place = read();
  if (place) {
    restore(place);
    if (document.readyState !== "complete") {
      window.addEventListener("load", function () {
        restore(place);
      });
    }
  }

  form.addEventListener("submit", function (event) {
    var button = event.submitter;
    if (!button || !button.hasAttribute("data-keep-place")) return;
    var target = (button.getAttribute("formaction") || "").split("#")[1] || "";
    var element = target ? document.getElementById(target) : null;
    var noted = { id: target, y: Math.round(window.scrollY) };
    if (element) noted.top = element.getBoundingClientRect().top;
    try {
      window.sessionStorage.setItem(KEY, JSON.stringify(noted));
    } catch (error) {
      // storage switched off: the fragment alone
    }
  });
})();
