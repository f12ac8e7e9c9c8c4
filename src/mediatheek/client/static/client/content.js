// The leestip/weetje editor: Markdown buttons, and the book search's add and remove without reloading the page.
// Without JavaScript the same buttons submit the form and the server shows the editor again (reading.forms).
(function () {
  'use strict';

  function wrap(area, before, after, placeholder) {
    var start = area.selectionStart, end = area.selectionEnd, text = area.value;
    var chosen = text.slice(start, end) || placeholder;
    area.value = text.slice(0, start) + before + chosen + after + text.slice(end);
    area.setSelectionRange(start + before.length, start + before.length + chosen.length);
  }

  function listLines(area) {
    var text = area.value, end = area.selectionEnd;
    var lineStart = text.lastIndexOf('\n', area.selectionStart - 1) + 1;
    var listed = text.slice(lineStart, end).split('\n').map(function (line) {
      return /^\s*- /.test(line) ? line : '- ' + line;
    }).join('\n');
    area.value = text.slice(0, lineStart) + listed + text.slice(end);
    area.setSelectionRange(lineStart + listed.length, lineStart + listed.length);
  }

  function markdown(button) {
    var area = document.getElementById(button.closest('[data-markdown-toolbar]').dataset.markdownToolbar);
    var kind = button.dataset.markdown, placeholder = button.dataset.placeholder || '';
    if (kind === 'bold') { wrap(area, '**', '**', placeholder); }
    else if (kind === 'italic') { wrap(area, '*', '*', placeholder); }
    else if (kind === 'link') { wrap(area, '[', '](https://)', placeholder); }
    else if (kind === 'list') { listLines(area); }
    area.focus();
  }

  function showEmpty() {
    var empty = document.querySelector('[data-no-titles]');
    var list = document.querySelector('[data-picked-titles]');
    if (empty && list) { empty.hidden = list.children.length > 0; }
  }

  function addTitle(button) {
    var list = document.querySelector('[data-picked-titles]');
    var taken = Array.prototype.some.call(list.querySelectorAll('input[name="titles"]'), function (input) {
      return input.value === button.value;
    });
    if (!taken) {
      var row = document.querySelector('[data-picked-template]').content.firstElementChild.cloneNode(true);
      row.querySelector('input[name="titles"]').value = button.value;
      row.querySelector('[data-remove-title]').value = button.value;
      row.querySelector('[data-title-name]').textContent = button.dataset.label;
      row.querySelector('[data-title-label]').textContent = ' ' + button.dataset.label;
      list.appendChild(row);
    }
    button.closest('li').remove();
    showEmpty();
    document.querySelector('[data-title-search]').focus();
  }

  document.addEventListener('click', function (event) {
    var target = event.target instanceof Element ? event.target : null;
    var button = target && target.closest('[data-markdown], [data-add-title], [data-remove-title]');
    if (!button) { return; }
    event.preventDefault();
    if (button.hasAttribute('data-markdown')) { markdown(button); }
    else if (button.hasAttribute('data-add-title')) { addTitle(button); }
    else {
      button.closest('li').remove();
      showEmpty();
      document.querySelector('[data-title-search]').focus();
    }
  });

  // Enter in the book search looks books up (it would otherwise save the form).
  document.addEventListener('keydown', function (event) {
    var field = event.target;
    if (event.key === 'Enter' && field instanceof HTMLInputElement && field.hasAttribute('data-title-search')) {
      event.preventDefault();
      if (window.htmx) { window.htmx.trigger(field, 'lookup'); }
    }
  });

  document.addEventListener('DOMContentLoaded', function () {
    document.querySelectorAll('[data-markdown-toolbar]').forEach(function (bar) { bar.hidden = false; });
  });
})();
