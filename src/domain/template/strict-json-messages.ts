/** Wording of the strict JSON scanner's errors, kept apart from the scanning logic. */

/** A `{{name}}`, `{{{name}}}` or `{{#name}}`-like tag at the start of the text. */
export const PLACEHOLDER_AT_START = /^(?:\{\{\{\s*[\w.-]+\s*\}\}\}|\{\{\s*[#^/&]?\s*[\w.-]+\s*\}\})/;

export function controlCharacterMessage(code: number): string {
  if (code === 0x0a || code === 0x0d) {
    return 'line break inside a string: close the string with \'"\' before the line ends, or write \\n';
  }
  const hex = code.toString(16).toUpperCase().padStart(4, '0');
  return `unescaped control character U+${hex} inside a string: write it as ${code === 0x09 ? '\\t' : `\\u${hex}`}`;
}

/** Shows a character in a message; invisible ones by code point. */
export function describe(ch: string): string {
  const code = ch.codePointAt(0) ?? 0;
  if (code <= 0x20 || (code >= 0x7f && code <= 0xa0) || code === 0x2028 || code === 0x2029 || code === 0xfeff) {
    return `character U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  }
  return `'${ch}'`;
}
