/**
 * The body textarea with a line-number gutter and a backdrop that marks problem spots and,
 * while a field is dragged over it, where it will land. The textarea stays a plain textarea
 * (native editing, undo, screen readers); the gutter and backdrop are aria-hidden decoration
 * that scrolls with it. Line and column follow the server's rules: \n, \r\n and a lone \r
 * each end a line, and columns count UTF-16 code units (what textarea offsets count).
 */
import { el, find } from './common';

const LINE_BREAK = /\r\n|\r|\n/;
/** The MIME type that marks a drag as one of the fields panel's (see fields-panel.ts). */
export const FIELD_DRAG_TYPE = 'application/x-notifier-field';

export interface Position { line: number; column: number }
/** A problem spot to mark: `length` characters from line/column (0 marks the line end). */
export interface Mark extends Position { length: number }
/** Where a drop lands, as line/column and as a text offset. */
export interface DropSpot extends Position { offset: number }

export interface BodyEditor {
  goTo(line: number, column: number, length?: number): void;
  insert(text: string, at?: number): Position;
  setMarks(marks: Mark[]): void;
  focus(): void;
}

export interface BodyEditorOptions {
  onDrop?: (placeholder: string, spot: DropSpot) => void;
}

export function positionAt(text: string, offset: number): Position {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 10 || (code === 13 && text.charCodeAt(i + 1) !== 10)) { line++; lineStart = i + 1; }
  }
  return { line, column: offset - lineStart + 1 };
}

export function offsetAt(text: string, line: number, column: number): { offset: number; lineEnd: number } {
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

export function createBodyEditor(textarea: HTMLTextAreaElement, options: BodyEditorOptions = {}): BodyEditor {
  const container = textarea.closest('.code-editor');
  if (!container) throw new Error('The body textarea is not inside a .code-editor');
  const editor: Element = container;
  const gutter = find(editor, '.code-gutter-inner', HTMLElement);
  const backdrop = find(editor, '.code-backdrop-inner', HTMLElement);
  let marks: Mark[] = [];
  /** Where a dragged field would be dropped, or null. */
  let dropSpot: Position | null = null;
  let renderedLineCount = -1;
  let renderedGutterKey = '';
  /** Until the user places the cursor, insertions go to the end of the body. */
  let cursorPlaced = false;

  function lines(): string[] {
    return textarea.value.split(LINE_BREAK);
  }

  function renderGutter(count: number): void {
    const errorLines = new Set(marks.map((mark) => mark.line));
    const key = count + ':' + Array.from(errorLines).join(',');
    if (key === renderedGutterKey) return;
    renderedGutterKey = key;
    const rows: HTMLElement[] = [];
    for (let n = 1; n <= count; n++) rows.push(el('div', { class: errorLines.has(n) ? 'is-error' : null }, String(n)));
    gutter.replaceChildren(...rows);
  }

  function renderLine(text: string, number: number): HTMLElement {
    const spots: (Mark & { drop?: true })[] = marks.filter((mark) => mark.line === number);
    const hasError = spots.length > 0;
    if (dropSpot && dropSpot.line === number) spots.push({ line: number, column: dropSpot.column, length: 0, drop: true });
    spots.sort((a, b) => a.column - b.column);
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
  function render(): void {
    const all = lines();
    renderGutter(all.length);
    const showing = marks.length > 0 || dropSpot !== null;
    if (showing || renderedLineCount !== 0) {
      backdrop.replaceChildren(...(showing ? all.map((text, i) => renderLine(text, i + 1)) : []));
      renderedLineCount = showing ? all.length : 0;
    }
    syncScroll();
  }

  // Setting style properties from script is CSSOM, which the CSP's style-src 'self' allows
  // (only style attributes in markup and inline <style> are refused).
  function syncScroll(): void {
    backdrop.style.transform = 'translate(' + -textarea.scrollLeft + 'px, ' + -textarea.scrollTop + 'px)';
    gutter.style.transform = 'translateY(' + -textarea.scrollTop + 'px)';
  }

  function lineHeight(): number {
    return parseFloat(getComputedStyle(textarea).lineHeight) || 20;
  }

  /** Selects a spot (one character, or the caret at a line end) and scrolls it into the middle. */
  function goTo(line: number, column: number, length?: number): void {
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
  function insert(text: string, at?: number): Position {
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
  function offsetFromPoint(clientX: number, clientY: number): DropSpot {
    const style = getComputedStyle(textarea);
    const rect = textarea.getBoundingClientRect();
    const x = clientX - rect.left - parseFloat(style.borderLeftWidth) - parseFloat(style.paddingLeft) + textarea.scrollLeft;
    const y = clientY - rect.top - parseFloat(style.borderTopWidth) - parseFloat(style.paddingTop) + textarea.scrollTop;
    const all = lines();
    const line = Math.max(1, Math.min(all.length, Math.floor(y / lineHeight()) + 1));
    const text = all[line - 1] ?? '';
    const width = textWidth(style);
    const tabWidth = width(' ') * (parseInt(style.tabSize, 10) || 2);
    let column = 1;
    let left = 0;
    while (column <= text.length) {
      const char = text.charAt(column - 1);
      const charWidth = char === '\t' ? tabWidth : width(char);
      if (x < left + charWidth / 2) break;
      left += charWidth;
      column++;
    }
    return { line, column, offset: offsetAt(textarea.value, line, column).offset };
  }

  /** Measures text in the textarea's font; without a 2D canvas, falls back to the monospace rule of thumb. */
  function textWidth(style: CSSStyleDeclaration): (text: string) => number {
    if (!measure) return (text) => text.length * parseFloat(style.fontSize) * 0.6;
    measure.font = style.fontStyle + ' ' + style.fontWeight + ' ' + style.fontSize + ' ' + style.fontFamily;
    return (text) => measure.measureText(text).width;
  }

  const isFieldDrag = (event: DragEvent): event is DragEvent & { dataTransfer: DataTransfer } =>
    event.dataTransfer !== null && Array.from(event.dataTransfer.types).includes(FIELD_DRAG_TYPE);

  function setDropSpot(spot: Position | null): void {
    if (dropSpot && spot && dropSpot.line === spot.line && dropSpot.column === spot.column) return;
    dropSpot = spot;
    editor.classList.toggle('is-drop-target', spot !== null);
    render();
  }

  textarea.addEventListener('dragover', (event) => {
    if (!isFieldDrag(event)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
    setDropSpot(offsetFromPoint(event.clientX, event.clientY));
  });
  textarea.addEventListener('dragleave', () => { setDropSpot(null); });
  textarea.addEventListener('drop', (event) => {
    // Other drops (text from elsewhere) keep the browser's own behaviour.
    if (!isFieldDrag(event)) return;
    event.preventDefault();
    const spot = offsetFromPoint(event.clientX, event.clientY);
    setDropSpot(null);
    const text = event.dataTransfer.getData('text/plain');
    insert(text, spot.offset);
    textarea.focus();
    textarea.setSelectionRange(spot.offset + text.length, spot.offset + text.length);
    options.onDrop?.(text, spot);
  });
  document.addEventListener('dragend', () => { setDropSpot(null); });

  function setMarks(next: Mark[]): void {
    marks = next;
    render();
  }

  for (const type of ['keyup', 'mouseup', 'select', 'input']) {
    textarea.addEventListener(type, () => { cursorPlaced = true; });
  }
  textarea.addEventListener('input', render);
  textarea.addEventListener('scroll', syncScroll);
  if (typeof ResizeObserver === 'function') new ResizeObserver(syncScroll).observe(textarea);
  render();

  return { goTo, insert, setMarks, focus: () => { textarea.focus(); } };
}
