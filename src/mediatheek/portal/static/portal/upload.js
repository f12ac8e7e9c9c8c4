// Upload leerlingbestand: a progress bar while a (large) file is sent. Without JavaScript the form posts normally.
(function () {
  'use strict';

  function bind(form) {
    form.addEventListener('submit', function (event) {
      if (!window.FormData || !window.XMLHttpRequest) { return; }
      event.preventDefault();
      var box = form.querySelector('[data-upload-progress]');
      var bar = box ? box.querySelector('progress') : null;
      var percent = box ? box.querySelector('[data-upload-percent]') : null;
      var button = form.querySelector('button[type=submit]');
      if (button) { button.disabled = true; }
      if (box) { box.hidden = false; }
      var xhr = new XMLHttpRequest();
      xhr.open('POST', form.getAttribute('action') || window.location.href);
      xhr.upload.addEventListener('progress', function (e) {
        if (!e.lengthComputable || !bar) { return; }
        var value = Math.round((e.loaded / e.total) * 100);
        bar.value = value;
        if (percent) { percent.textContent = value + '%'; }
      });
      xhr.addEventListener('load', function () {
        var target = xhr.responseURL || '';
        if (xhr.status < 400 && target && target.split('#')[0] !== window.location.href.split('#')[0]) {
          window.location.assign(target);  // success: the "Upload geslaagd" page
          return;
        }
        // The file was refused: show the page with the message in place.
        var doc = new DOMParser().parseFromString(xhr.responseText, 'text/html');
        var main = doc.getElementById('main');
        if (main) {
          document.getElementById('main').replaceWith(main);
          var again = main.querySelector('[data-upload-form]');
          if (again) { bind(again); }
          var error = main.querySelector('.field-error, .message-error');
          if (error) { error.setAttribute('tabindex', '-1'); error.focus(); }
        } else {
          document.open(); document.write(xhr.responseText); document.close();
        }
      });
      xhr.addEventListener('error', function () {
        if (button) { button.disabled = false; }
        if (box) { box.hidden = true; }
        window.alert(form.getAttribute('data-error-text') || 'Versturen mislukt; probeer het opnieuw.');
      });
      xhr.send(new FormData(form));
    });
  }

  document.querySelectorAll('[data-upload-form]').forEach(bind);
})();
