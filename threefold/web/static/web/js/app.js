// Small progressive enhancements; every page works without them.
(function () {
  "use strict";
  // Move focus to an error summary so screen-reader users hear what went wrong after a submit.
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector(".error-summary");
    if (summary) { summary.focus(); }
  });
})();
