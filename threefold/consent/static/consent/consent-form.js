// Progressive enhancement of the consent form: show the organisation only for purposes that name one, and the
// guardian's relationship only for a guardian's consent. A hidden control is disabled, so it is not submitted;
// a field showing an error is never hidden. Without this script every field is shown, with hints.
(function () {
  "use strict";
  function wire(form, radioName, controlId, shownFor) {
    var control = document.getElementById(controlId);
    var wrapper = control && control.closest(".field");
    if (!wrapper) { return; }
    function update() {
      var checked = form.querySelector('input[name="' + radioName + '"]:checked');
      var show = wrapper.classList.contains("field-error") || (checked !== null && shownFor.indexOf(checked.value) >= 0);
      wrapper.hidden = !show;
      control.disabled = !show;
    }
    form.querySelectorAll('input[name="' + radioName + '"]').forEach(function (radio) {
      radio.addEventListener("change", update);
    });
    update();
  }
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("[data-consent-form]");
    if (!form) { return; }
    wire(form, "purpose", "id_recipient", ["referral", "data_sharing"]);
    wire(form, "method", "id_guardian_relationship", ["guardian"]);
  });
})();
