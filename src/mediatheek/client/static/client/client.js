// Mediatheek client: small progressive enhancements, no inline scripts (CSP).
(function () {
  'use strict';
  if ('serviceWorker' in navigator && document.body.dataset.sw) {
    navigator.serviceWorker.register(document.body.dataset.sw, { scope: '/client/' }).catch(function () {});
  }
  document.addEventListener('change', function (event) {
    var target = event.target;
    if (target instanceof HTMLSelectElement && target.hasAttribute('data-autosubmit') && target.form) {
      target.form.submit();
    }
  });
})();
