// Reserveringen: a print button (the lists have a print stylesheet; Ctrl+P does the same).
(function () {
  'use strict';
  document.addEventListener('click', function (event) {
    var button = event.target instanceof Element ? event.target.closest('[data-print]') : null;
    if (button) { window.print(); }
  });
})();
