// Mediatheek portal: progressive enhancements only; everything works without JavaScript.
(function () {
  'use strict';
})();
