// Quick exit: the "Quick exit" link, or Escape pressed twice within a second, leaves for a neutral site.
// It also
// - replaces the current history entry, so Back does not return to the page that was open;
// - signs out (a keep-alive POST of the footer's sign-out form), so earlier pages in the history ask for a sign-in;
// - hides, and leaves again, any page of this site that the browser shows from memory or its cache on Back.
// Loaded in <head> without `defer` so the last check runs before the page is painted. No inline script needed.
(function () {
  "use strict";
  var root = document.documentElement;
  var KEY = "threefold-quick-exit";
  var target = root.getAttribute("data-quick-exit-url") || "https://www.wikipedia.org/";

  function flagged() {
    try { return window.sessionStorage.getItem(KEY) === "1"; } catch (e) { return false; }
  }
  function setFlag(on) {
    try {
      if (on) { window.sessionStorage.setItem(KEY, "1"); } else { window.sessionStorage.removeItem(KEY); }
    } catch (e) { /* storage disabled: the sign-out still protects earlier pages */ }
  }
  function hide() { root.classList.add("quick-exited"); document.title = ""; }

  // Signs out, then calls `then` - at the latest after 400 ms, so a slow server never holds the person here.
  function signOut(then) {
    var form = document.querySelector("form[data-logout-form]");
    var done = false;
    function finish() { if (!done) { done = true; then(); } }
    if (!form || !window.fetch) { finish(); return; }
    window.setTimeout(finish, 400);
    try {
      window.fetch(form.action, {
        method: "POST", body: new FormData(form), credentials: "same-origin", keepalive: true, redirect: "manual"
      }).then(finish, finish);
    } catch (e) { finish(); }
  }

  var leaving = false;
  function leave() {
    if (leaving) { return; }
    leaving = true;
    hide();
    setFlag(true);
    try { window.history.replaceState(null, "", "/"); } catch (e) { /* ignore */ }
    signOut(function () { window.location.replace(target); });
  }

  function cameBack() {
    var entries = window.performance && performance.getEntriesByType ? performance.getEntriesByType("navigation") : [];
    return entries.length > 0 && entries[0].type === "back_forward";
  }

  // A page reached with Back/Forward after a quick exit (possibly from the HTTP cache) is never shown.
  if (flagged() && cameBack()) {
    hide();
    window.location.replace(target);
  } else if (flagged() && root.hasAttribute("data-signed-in")) {
    setFlag(false); // signed in again and browsing normally
  }
  // Pages restored from the back/forward cache do not run scripts again; they fire pageshow.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted && flagged()) { hide(); window.location.replace(target); }
  });

  document.addEventListener("click", function (event) {
    var trigger = event.target.closest && event.target.closest("[data-quick-exit]");
    if (trigger) { event.preventDefault(); leave(); }
  });
  var lastEscape = 0;
  document.addEventListener("keydown", function (event) {
    var trigger = event.target.closest && event.target.closest("[data-quick-exit]");
    if (trigger && (event.key === " " || event.key === "Spacebar")) { event.preventDefault(); leave(); return; }
    if (event.key !== "Escape" && event.key !== "Esc") { return; }
    var now = Date.now();
    if (now - lastEscape < 1000) { leave(); }
    lastEscape = now;
  });
})();
