/**
 * Offsets → human line/column numbers for problem reports.
 *
 * Conventions (shared by JSON and XML reports so a UI can treat them alike):
 * - lines and columns are 1-based;
 * - `\n`, `\r\n` and a lone `\r` each end a line (templates pasted from Windows or old Mac
 *   editors must not report off-by-one lines);
 * - columns count UTF-16 code units, the unit of JavaScript string indices and of the
 *   browser editors (textarea, CodeMirror, Monaco) the UI hands positions to. An emoji
 *   therefore advances the column by 2.
 */
export interface TextPosition {
  line: number;
  column: number;
}

const LINE_FEED = 10;
const CARRIAGE_RETURN = 13;

export function positionAt(text: string, offset: number): TextPosition {
  const end = Math.max(0, Math.min(offset, text.length));
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code === LINE_FEED) {
      line++;
      lineStart = i + 1;
    } else if (code === CARRIAGE_RETURN && text.charCodeAt(i + 1) !== LINE_FEED) {
      // A `\r` directly followed by `\n` is counted once, by the `\n`.
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}
