// Small progressive enhancements; every page works without them.
(function () {
  "use strict";
  // Move focus to an error summary so screen-reader users hear what went wrong after a submit.
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector(".error-summary");
    if (summary) { summary.focus(); }
    // A print button only where printing can be started from the page; without script the browser's menu works.
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
  });
})();
