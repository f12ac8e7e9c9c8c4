// Catalogue screens: keep the focus in the scan field so a scanner (code + Enter) is all you need.
(function () {
  'use strict';
  function scanField() {
    return document.querySelector('form[data-scan-form] .scan-field');
  }
  document.addEventListener('DOMContentLoaded', function () {
    var field = scanField();
    if (field) { field.focus(); field.select(); }
  });
  // A stray Enter on an empty ISBN or stocktake field does nothing (the copy form may be empty: new barcode).
  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute('data-scan-form')) { return; }
    var field = form.querySelector('.scan-field');
    if (field && field.required && !field.value.trim()) { event.preventDefault(); }
  });
})();

// Adding copies by scanning (a title's page, form[data-copy-scan], htmx). The scan field never leaves the page and
// keeps the focus. At each Enter the form's values are taken as they are and the field is emptied at once, so the
// next scan can be typed while the first is still on its way; htmx queues the requests (hx-sync="this:queue all")
// and each carries the barcode taken at its own Enter (htmx:confirm comes before the queue: detail.etc.values).
(function () {
  'use strict';
  function copyForm(element) {
    return element instanceof HTMLFormElement && element.hasAttribute('data-copy-scan') ? element : null;
  }

  document.addEventListener('htmx:confirm', function (event) {
    var form = copyForm(event.detail.elt);
    if (!form) { return; }
    var etc = event.detail.etc;
    if (etc.values) { return; }  // a queued request now being sent: its values were taken at its Enter
    var values = {};
    new FormData(form).forEach(function (value, name) { values[name] = value; });
    etc.values = values;
    var field = form.querySelector('[name="barcode"]');
    if (field) { field.value = ''; }
  });

  function backToField(form) {
    var field = form.querySelector('[name="barcode"]');
    var active = document.activeElement;
    // After a click on the button, or when nothing has the focus; never away from a field the user went to.
    if (field && (!active || active === document.body || form.contains(active) && active.tagName === 'BUTTON')) {
      field.focus();
    }
  }

  // As at the desk: a scan while the focus is on no field (after a click on the page) goes to the barcode field.
  document.addEventListener('keydown', function (event) {
    var form = document.querySelector('form[data-copy-scan]');
    var target = event.target;
    if (!form || event.ctrlKey || event.altKey || event.metaKey || event.key.length !== 1) { return; }
    if (target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) { return; }
    var field = form.querySelector('[name="barcode"]');
    if (field) { field.focus(); }
  });

  document.addEventListener('htmx:afterRequest', function (event) {
    var form = copyForm(event.detail.elt);
    if (!form) { return; }
    var result = document.getElementById('copy-scan-result');
    if (result && !event.detail.successful) {
      // No answer or a server error: say so where the results appear, never silently.
      var failed = document.createElement('p');
      failed.className = 'scan-result scan-error';
      failed.textContent = result.dataset.failed || '';
      result.replaceChildren(failed);
    }
    backToField(form);
  });
})();
