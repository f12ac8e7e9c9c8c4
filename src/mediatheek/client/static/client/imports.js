// Student import: a progress indicator while a large file is read or applied (no inline scripts: CSP).
(function () {
  'use strict';

  function showBusy(scope, button) {
    var busy = scope.querySelector('[data-busy]') || document.querySelector('[data-busy]');
    if (busy) { busy.hidden = false; }
    if (button) {
      button.setAttribute('aria-disabled', 'true');
      // Disable after the submit has started, so the button's own name/value still goes along.
      window.setTimeout(function () { button.disabled = true; }, 0);
    }
  }

  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute('data-progress-form')) { return; }
    if (form.dataset.submitted === '1') { event.preventDefault(); return; }
    form.dataset.submitted = '1';
    showBusy(form, event.submitter || form.querySelector('button[type=submit]'));
  });

  document.addEventListener('click', function (event) {
    var link = event.target instanceof Element ? event.target.closest('[data-progress-link]') : null;
    if (!link) { return; }
    showBusy(document, null);
    link.setAttribute('aria-busy', 'true');
  });

  // The guards (mass deregistration, a superseded file): the apply button only works once every confirmation
  // that names it is ticked.
  document.querySelectorAll('[data-guard-confirm]').forEach(function (box) {
    var id = box.getAttribute('data-guard-confirm');
    var button = document.getElementById(id);
    if (!button) { return; }
    var sync = function () {
      var boxes = document.querySelectorAll('[data-guard-confirm="' + id + '"]');
      button.disabled = Array.prototype.some.call(boxes, function (other) { return !other.checked; });
    };
    box.addEventListener('change', sync);
    sync();
  });
})();
