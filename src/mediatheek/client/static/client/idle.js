// The idle warning: before the server logs an idle session out (SESSION_IDLE_TIMEOUT), a dialog counts down
// ("Je wordt over 60 seconden uitgelogd.") with "Blijf ingelogd", which refreshes the session. When the count
// reaches zero the page logs out, so a shared PC left alone is not left logged in on screen.
// Tabs share the latest deadline through localStorage: an idle tab never logs out a tab that is being used.
(function () {
  'use strict';
  var dialog = document.getElementById('idle-warning');
  if (!dialog || !window.fetch) { return; }
  var STORE = 'mediatheek-idle-deadline';
  var timeout = parseInt(dialog.dataset.timeout, 10);
  var warning = parseInt(dialog.dataset.warning, 10);
  var text = dialog.querySelector('[data-idle-countdown]');
  var stay = dialog.querySelector('[data-idle-stay]');
  var stayForm = dialog.querySelector('[data-idle-stay-form]');
  var logoutForm = dialog.querySelector('[data-idle-logout]');
  // The server notes a request's time at most once a minute: after a request it has at least this long left.
  var SLACK = Math.min(60, Math.floor(timeout / 2));
  var deadline = 0;
  var timer = null;
  var previousFocus = null;

  function now() { return Date.now(); }
  function shared() {
    try { return parseInt(window.localStorage.getItem(STORE), 10) || 0; } catch (e) { return 0; }
  }
  function share(value) {
    try { window.localStorage.setItem(STORE, String(value)); } catch (e) { /* private mode: this tab only */ }
  }
  function extend(value, exact) {
    deadline = exact ? value : Math.max(deadline, value);
    if (deadline > shared() || exact) { share(deadline); }
    schedule();
  }
  function secondsLeft() { return Math.max(0, Math.ceil((deadline - now()) / 1000)); }
  function say(seconds) {
    var template = seconds === 1 ? dialog.dataset.textOne : dialog.dataset.textOther;
    text.textContent = template.replace('{n}', String(seconds));
  }
  function open() {
    if (!dialog.hidden) { return; }
    previousFocus = document.activeElement;
    say(secondsLeft());
    dialog.hidden = false;
    stay.focus();
  }
  function close() {
    if (dialog.hidden) { return; }
    dialog.hidden = true;
    if (previousFocus && previousFocus.focus) { previousFocus.focus(); }
  }
  function tick() {
    deadline = Math.max(deadline, shared());
    var left = secondsLeft();
    if (left <= 0) {
      logoutForm.submit();
      return;
    }
    if (left <= warning) {
      open();
      say(left);
      timer = window.setTimeout(tick, 1000);
    } else {
      close();
      timer = window.setTimeout(tick, Math.min((left - warning) * 1000, 60000));
    }
  }
  function schedule() {
    if (timer) { window.clearTimeout(timer); }
    tick();
  }
  function keepAlive() {
    var body = new FormData(stayForm);
    if (stay.disabled) { return; }
    // The user is here: no log-out while the answer is on its way.
    if (timer) { window.clearTimeout(timer); timer = null; }
    stay.disabled = true;
    window.fetch(stayForm.action, { method: 'POST', body: body, credentials: 'same-origin',
                                    headers: { 'Accept': 'application/json' } })
      .then(function (response) {
        if (!response.ok) { window.location.reload(); return null; }
        return response.json().catch(function () { return { seconds_left: timeout - SLACK }; });
      })
      .then(function (data) {
        stay.disabled = false;
        if (data) { close(); extend(now() + data.seconds_left * 1000, false); }
      })
      .catch(function () { stay.disabled = false; schedule(); });
  }

  stayForm.addEventListener('submit', function (event) { event.preventDefault(); keepAlive(); });
  document.addEventListener('keydown', function (event) {
    // While the warning is open, Escape means "I am here" too, and Tab stays on its one button.
    if (dialog.hidden) { return; }
    if (event.key === 'Escape') { event.preventDefault(); keepAlive(); }
    if (event.key === 'Tab') { event.preventDefault(); stay.focus(); }
  });
  // A request another way (htmx at the desk) also counts as being there.
  document.body.addEventListener('htmx:afterRequest', function () { extend(now() + (timeout - SLACK) * 1000, false); });
  window.addEventListener('storage', function (event) { if (event.key === STORE) { schedule(); } });

  extend(now() + parseInt(dialog.dataset.secondsLeft, 10) * 1000, true);
})();
