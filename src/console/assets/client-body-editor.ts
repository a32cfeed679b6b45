/**
 * Browser module body-editor.js: the body textarea with a line-number gutter and a backdrop
 * that marks problem spots and, while a field is dragged over it, where it will land. The
 * textarea stays a plain textarea (native editing, undo, screen readers); the gutter and
 * backdrop are aria-hidden decoration that scrolls with it. Line and column follow the server's rules: \n, \r\n and a lone \r each end
 * a line, and columns count UTF-16 code units (what textarea offsets count).
 */
export const BODY_EDITOR_JS = String.raw`
import { el } from './common.js';

const LINE_BREAK = /\r\n|\r|\n/;

export function positionAt(text, offset) {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 10 || (code === 13 && text.charCodeAt(i + 1) !== 10)) { line++; lineStart = i + 1; }
  }
  return { line, column: offset - lineStart + 1 };
}

export function offsetAt(text, line, column) {
  let current = 1;
  let i = 0;
  while (current < line && i < text.length) {
    const code = text.charCodeAt(i);
    if (code === 10 || (code === 13 && text.charCodeAt(i + 1) !== 10)) current++;
    i++;
  }
  let lineEnd = i;
  while (lineEnd < text.length && text.charCodeAt(lineEnd) !== 10 && text.charCodeAt(lineEnd) !== 13) lineEnd++;
  return { offset: Math.min(i + Math.max(column - 1, 0), lineEnd), lineEnd };
}

export function createBodyEditor(textarea, options) {
  options = options || {};
  const editor = textarea.closest('.code-editor');
  const gutter = editor.querySelector('.code-gutter-inner');
  const backdrop = editor.querySelector('.code-backdrop-inner');
  /** Problem spots to mark: { line, column, length }. */
  let marks = [];
  /** Where a dragged field would be dropped: { line, column } or null. */
  let dropSpot = null;
  let renderedLineCount = -1;
  let renderedGutterKey = '';
  /** Until the user places the cursor, insertions go to the end of the body. */
  let cursorPlaced = false;

  function lines() {
    return textarea.value.split(LINE_BREAK);
  }

  function renderGutter(count) {
    const errorLines = new Set(marks.map(function (mark) { return mark.line; }));
    const key = count + ':' + Array.from(errorLines).join(',');
    if (key === renderedGutterKey) return;
    renderedGutterKey = key;
    const rows = [];
    for (let n = 1; n <= count; n++) rows.push(el('div', { class: errorLines.has(n) ? 'is-error' : null }, String(n)));
    gutter.replaceChildren(...rows);
  }

  function renderLine(text, number) {
    const spots = marks.filter(function (mark) { return mark.line === number; });
    const hasError = spots.length > 0;
    if (dropSpot && dropSpot.line === number) spots.push({ line: number, column: dropSpot.column, length: 0, drop: true });
    spots.sort(function (a, b) { return a.column - b.column; });
    const row = el('div', { class: hasError ? 'is-error' : null });
    let position = 0;
    for (const spot of spots) {
      const start = Math.min(Math.max(spot.column - 1, position), text.length);
      const end = Math.min(start + spot.length, text.length);
      row.append(text.slice(position, start));
      if (spot.drop) row.append(el('span', { class: 'drop-caret' }));
      else row.append(end > start ? el('mark', {}, text.slice(start, end)) : el('mark', { class: 'is-end' }));
      position = end;
    }
    row.append(text.slice(position));
    return row;
  }

  /** The backdrop mirrors the text only when it has something to show, so typing stays cheap. */
  function render() {
    const all = lines();
    renderGutter(all.length);
    const showing = marks.length > 0 || dropSpot !== null;
    if (showing || renderedLineCount !== 0) {
      backdrop.replaceChildren(...(showing ? all.map(function (text, i) { return renderLine(text, i + 1); }) : []));
      renderedLineCount = showing ? all.length : 0;
    }
    syncScroll();
  }

  function syncScroll() {
    backdrop.style.transform = 'translate(' + -textarea.scrollLeft + 'px, ' + -textarea.scrollTop + 'px)';
    gutter.style.transform = 'translateY(' + -textarea.scrollTop + 'px)';
  }

  function lineHeight() {
    return parseFloat(getComputedStyle(textarea).lineHeight) || 20;
  }

  /** Selects a spot (one character, or the caret at a line end) and scrolls it into the middle. */
  function goTo(line, column, length) {
    const text = textarea.value;
    const spot = offsetAt(text, line, column);
    const end = Math.min(spot.offset + (length || 1), spot.lineEnd);
    textarea.focus();
    textarea.setSelectionRange(spot.offset, end);
    cursorPlaced = true;
    textarea.scrollTop = Math.max(0, (line - 1) * lineHeight() - textarea.clientHeight / 2);
    syncScroll();
  }

  /** Inserts text at the cursor (or over the selection), or at the given offset; returns where it went. */
  function insert(text, at) {
    const start = at !== undefined ? at : cursorPlaced ? textarea.selectionStart : textarea.value.length;
    const end = at !== undefined ? at : cursorPlaced ? textarea.selectionEnd : textarea.value.length;
    textarea.setRangeText(text, start, end, 'end');
    cursorPlaced = true;
    textarea.dispatchEvent(new Event('input', { bubbles: true }));
    return positionAt(textarea.value, start);
  }

  // ---- dropping fields: where the pointer is, computed from the monospace grid ----

  const measure = document.createElement('canvas').getContext('2d');

  /** The text offset under a pointer position (lines never wrap; the font is monospace). */
  function offsetFromPoint(clientX, clientY) {
    const style = getComputedStyle(textarea);
    const rect = textarea.getBoundingClientRect();
    const x = clientX - rect.left - parseFloat(style.borderLeftWidth) - parseFloat(style.paddingLeft) + textarea.scrollLeft;
    const y = clientY - rect.top - parseFloat(style.borderTopWidth) - parseFloat(style.paddingTop) + textarea.scrollTop;
    const all = lines();
    const line = Math.max(1, Math.min(all.length, Math.floor(y / lineHeight()) + 1));
    const text = all[line - 1];
    measure.font = style.fontStyle + ' ' + style.fontWeight + ' ' + style.fontSize + ' ' + style.fontFamily;
    const tabWidth = measure.measureText(' ').width * (parseInt(style.tabSize, 10) || 2);
    let column = 1;
    let left = 0;
    while (column <= text.length) {
      const width = text.charAt(column - 1) === '	' ? tabWidth : measure.measureText(text.charAt(column - 1)).width;
      if (x < left + width / 2) break;
      left += width;
      column++;
    }
    return { line: line, column: column, offset: offsetAt(textarea.value, line, column).offset };
  }

  const isFieldDrag = function (event) {
    return event.dataTransfer && Array.from(event.dataTransfer.types).includes('application/x-notifier-field');
  };

  function setDropSpot(spot) {
    if (dropSpot && spot && dropSpot.line === spot.line && dropSpot.column === spot.column) return;
    dropSpot = spot;
    editor.classList.toggle('is-drop-target', spot !== null);
    render();
  }

  textarea.addEventListener('dragover', function (event) {
    if (!isFieldDrag(event)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
    setDropSpot(offsetFromPoint(event.clientX, event.clientY));
  });
  textarea.addEventListener('dragleave', function () { setDropSpot(null); });
  textarea.addEventListener('drop', function (event) {
    // Other drops (text from elsewhere) keep the browser's own behaviour.
    if (!isFieldDrag(event)) return;
    event.preventDefault();
    const spot = offsetFromPoint(event.clientX, event.clientY);
    setDropSpot(null);
    const text = event.dataTransfer.getData('text/plain');
    insert(text, spot.offset);
    textarea.focus();
    textarea.setSelectionRange(spot.offset + text.length, spot.offset + text.length);
    if (options.onDrop) options.onDrop(text, spot);
  });
  document.addEventListener('dragend', function () { setDropSpot(null); });

  function setMarks(next) {
    marks = next;
    render();
  }

  for (const type of ['keyup', 'mouseup', 'select', 'input']) {
    textarea.addEventListener(type, function () { cursorPlaced = true; });
  }
  textarea.addEventListener('input', render);
  textarea.addEventListener('scroll', syncScroll);
  if (typeof ResizeObserver === 'function') new ResizeObserver(syncScroll).observe(textarea);
  render();

  return { goTo, insert, setMarks, focus: function () { textarea.focus(); } };
}
`;
