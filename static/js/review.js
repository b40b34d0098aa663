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

  // The browser's own jump to the fragment glides (Bootstrap's smooth scrolling) and, on a
  // slow machine, can still be gliding after the page's load: it would carry the page away
  // from the place restored. While the page comes back the jump is made instant, and the
  // place is restored once more in the frame after the load.
  var place = read();
  if (place) {
    var root = document.documentElement;
    var behaviour = root.style.scrollBehavior;
    root.style.scrollBehavior = "auto";
    restore(place);
    var settle = function () {
      restore(place);
      window.requestAnimationFrame(function () {
        restore(place);
        root.style.scrollBehavior = behaviour;
      });
    };
    if (document.readyState === "complete") settle();
    else window.addEventListener("load", settle);
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
