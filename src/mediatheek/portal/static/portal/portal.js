// Mediatheek portal: progressive enhancements only; everything works without JavaScript.
(function () {
  'use strict';
  // The search filters stay folded on a phone and open by themselves on a wider screen.
  function openWide() {
    if (!window.matchMedia('(min-width: 800px)').matches) return;
    document.querySelectorAll('details[data-open-wide]').forEach(function (box) { box.open = true; });
  }
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', openWide);
  } else {
    openWide();
  }
})();
