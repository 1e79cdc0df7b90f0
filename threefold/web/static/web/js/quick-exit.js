// Quick exit: one click, or Escape pressed twice within a second, leaves for a neutral site and replaces the
// current history entry so the Back button does not return here. Works without any other script.
(function () {
  "use strict";
  var target = document.body.getAttribute("data-quick-exit-url") || "https://www.wikipedia.org/";
  function leave() {
    document.title = "";
    document.body.hidden = true; // hide the page at once, before the new one arrives
    try { window.history.replaceState(null, "", "/"); } catch (e) { /* ignore */ }
    window.location.replace(target);
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-quick-exit]");
    if (button) { event.preventDefault(); leave(); }
  });
  var lastEscape = 0;
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    var now = Date.now();
    if (now - lastEscape < 1000) { leave(); }
    lastEscape = now;
  });
})();
