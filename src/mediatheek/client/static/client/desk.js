// The desk: keep the focus in the scan field, so a scanner (which types the code and Enter) is all you need.
(function () {
  'use strict';

  function scanField() {
    return document.querySelector('[data-scan-field]');
  }

  function focusScan() {
    var field = scanField();
    if (field) {
      field.value = '';
      field.focus();
    }
  }

  var audio = null;
  function beep(kind) {
    // A short tone per scan: high for lent/returned, low for a problem. Never required, never loud.
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      var osc = audio.createOscillator();
      var gain = audio.createGain();
      osc.frequency.value = kind === 'success' ? 880 : (kind === 'info' ? 660 : 220);
      gain.gain.value = 0.05;
      osc.connect(gain); gain.connect(audio.destination);
      osc.start(); osc.stop(audio.currentTime + (kind === 'success' ? 0.08 : 0.25));
    } catch (e) { /* no audio: fine */ }
  }

  // Typing while the focus is on no field (after a click on the page) goes to the scan field.
  document.addEventListener('keydown', function (event) {
    var target = event.target;
    var field = scanField();
    if (!field || event.ctrlKey || event.altKey || event.metaKey || event.key.length !== 1) { return; }
    if (target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) { return; }
    // Also from a focused button or link: the character lands in the scan field, not on the button.
    field.focus();
  });

  document.addEventListener('htmx:afterSwap', function () {
    focusScan();
    var feedback = document.querySelector('[data-feedback]');
    if (feedback && feedback.dataset.feedback) { beep(feedback.dataset.feedback); }
    // The panel (and its status region) was replaced: say the result in the region that stays on the page.
    var announcer = document.getElementById('desk-announcer');
    if (announcer && feedback) {
      announcer.textContent = '';
      window.setTimeout(function () { announcer.textContent = feedback.textContent.replace(/\s+/g, ' ').trim(); }, 50);
    }
  });

  // An empty scan (a stray Enter) does nothing.
  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (form instanceof HTMLFormElement && form.hasAttribute('data-scan-form')) {
      var field = form.querySelector('[data-scan-field]');
      if (field && !field.value.trim()) { event.preventDefault(); event.stopPropagation(); }
    }
  }, true);

  document.addEventListener('DOMContentLoaded', function () {
    var field = scanField();
    if (field && document.activeElement !== field && !document.querySelector('[autofocus]:not([data-scan-field])')) {
      field.focus();
    }
  });
})();
