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
