/**
 * A strict RFC 8259 JSON scanner that keeps what a template needs and V8's JSON.parse
 * throws away: the exact offset of the first syntax error (reported to the author as
 * line/column), the offset of every string (to place placeholder problems), object
 * members in source order, and number literals verbatim (no float rounding of ids).
 */

import { controlCharacterMessage, describe, PLACEHOLDER_AT_START } from './strict-json-messages';

export type JsonNode = JsonString | JsonLiteral | JsonArray | JsonObject;
/** `offset` is the position of the opening quote in the source. */
export interface JsonString { kind: 'string'; value: string; offset: number }
/** Numbers, true, false and null, exactly as written (already checked against the grammar). */
export interface JsonLiteral { kind: 'literal'; text: string }
export interface JsonArray { kind: 'array'; items: JsonNode[] }
export interface JsonObject { kind: 'object'; members: { key: JsonString; value: JsonNode }[] }

export interface JsonSyntaxError { offset: number; message: string }
export type JsonParseResult = { ok: true; root: JsonNode } | { ok: false; error: JsonSyntaxError };

/** Deeper nesting is refused rather than risking a stack overflow in the recursive scanner. */
export const MAX_JSON_NESTING = 200;

export function parseStrictJson(text: string): JsonParseResult {
  try {
    return { ok: true, root: new StrictJsonScanner(text).document() };
  } catch (error) {
    if (error instanceof ScanFailure) return { ok: false, error: { offset: error.offset, message: error.message } };
    throw error;
  }
}

class ScanFailure {
  constructor(
    readonly offset: number,
    readonly message: string,
  ) {}
}

const ESCAPED_CHARACTERS: Readonly<Record<string, string>> = {
  '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t',
};

class StrictJsonScanner {
  private pos = 0;

  constructor(private readonly text: string) {}

  document(): JsonNode {
    // RFC 8259 §8.1 lets parsers ignore a byte order mark; editors on Windows add one.
    if (this.text.charCodeAt(0) === 0xfeff) this.pos = 1;
    this.skipWhitespace();
    if (this.pos >= this.text.length) throw new ScanFailure(this.pos, 'the body is empty: expected a JSON value such as { ... }');
    const root = this.value(0);
    this.skipWhitespace();
    if (this.pos < this.text.length) {
      const found = this.text.charAt(this.pos);
      const looksLikeBareMembers = root.kind === 'string' && found === ':';
      throw this.structural(
        looksLikeBareMembers
          ? "unexpected ':' after the JSON value: the body looks like object members without the enclosing { }"
          : `unexpected ${describe(found)} after the end of the JSON value`,
      );
    }
    return root;
  }

  private value(depth: number): JsonNode {
    const ch = this.text.charAt(this.pos);
    if (ch === '{') return this.object(depth + 1);
    if (ch === '[') return this.array(depth + 1);
    if (ch === '"') return this.string();
    if (ch === '-' || isDigit(ch)) return this.number();
    if (/[A-Za-z_$]/.test(ch)) return this.word();
    if (ch === '') throw this.structural('unexpected end of input: expected a JSON value');
    if (ch === "'") throw this.structural("strings must be enclosed in double quotes (\"), not single quotes");
    if (ch === '/') throw this.structural('comments are not allowed in JSON');
    throw this.structural(`unexpected ${describe(ch)}: expected a JSON value`);
  }

  private object(depth: number): JsonObject {
    this.checkDepth(depth);
    this.pos++; // {
    const members: JsonObject['members'] = [];
    this.skipWhitespace();
    if (this.text.charAt(this.pos) === '}') {
      this.pos++;
      return { kind: 'object', members };
    }
    for (;;) {
      const ch = this.text.charAt(this.pos);
      if (ch !== '"') {
        if (ch === '') throw this.structural('unexpected end of input: expected a property name in double quotes');
        if (ch === "'") throw this.structural("property names must be enclosed in double quotes (\"), not single quotes");
        throw this.structural(`expected a property name in double quotes, found ${describe(ch)}`);
      }
      const key = this.string();
      this.skipWhitespace();
      if (this.text.charAt(this.pos) !== ':') throw this.structural("expected ':' after property name");
      this.pos++;
      this.skipWhitespace();
      members.push({ key, value: this.value(depth) });
      this.skipWhitespace();
      const next = this.text.charAt(this.pos);
      if (next === '}') {
        this.pos++;
        return { kind: 'object', members };
      }
      if (next !== ',') {
        throw this.structural(next === '' ? "unexpected end of input: expected ',' or '}' after property value" : "expected ',' or '}' after property value");
      }
      const commaOffset = this.pos++;
      this.skipWhitespace();
      if (this.text.charAt(this.pos) === '}') throw new ScanFailure(commaOffset, "trailing comma before '}' is not allowed");
    }
  }

  private array(depth: number): JsonArray {
    this.checkDepth(depth);
    this.pos++; // [
    const items: JsonNode[] = [];
    this.skipWhitespace();
    if (this.text.charAt(this.pos) === ']') {
      this.pos++;
      return { kind: 'array', items };
    }
    for (;;) {
      items.push(this.value(depth));
      this.skipWhitespace();
      const next = this.text.charAt(this.pos);
      if (next === ']') {
        this.pos++;
        return { kind: 'array', items };
      }
      if (next !== ',') {
        throw this.structural(next === '' ? "unexpected end of input: expected ',' or ']' after array element" : "expected ',' or ']' after array element");
      }
      const commaOffset = this.pos++;
      this.skipWhitespace();
      if (this.text.charAt(this.pos) === ']') throw new ScanFailure(commaOffset, "trailing comma before ']' is not allowed");
    }
  }

  private string(): JsonString {
    const start = this.pos++;
    const text = this.text;
    let value = '';
    let chunkStart = this.pos;
    for (;;) {
      if (this.pos >= text.length) throw new ScanFailure(start, 'unterminated string: missing closing \'"\'');
      const code = text.charCodeAt(this.pos);
      if (code === 0x22) {
        value += text.slice(chunkStart, this.pos++);
        return { kind: 'string', value, offset: start };
      }
      if (code === 0x5c) {
        value += text.slice(chunkStart, this.pos) + this.escapeSequence();
        chunkStart = this.pos;
      } else if (code < 0x20) {
        throw new ScanFailure(this.pos, controlCharacterMessage(code));
      } else {
        this.pos++;
      }
    }
  }

  /** Decodes the escape sequence at `pos` (a backslash) and moves past it. */
  private escapeSequence(): string {
    const backslash = this.pos;
    const letter = this.text.charAt(backslash + 1);
    if (letter === '') throw new ScanFailure(backslash, 'unterminated string: missing closing \'"\'');
    const simple = ESCAPED_CHARACTERS[letter];
    if (simple !== undefined) {
      this.pos += 2;
      return simple;
    }
    if (letter === 'u') {
      const hex = this.text.slice(backslash + 2, backslash + 6);
      if (!/^[0-9A-Fa-f]{4}$/.test(hex)) {
        throw new ScanFailure(backslash, 'invalid unicode escape: \\u must be followed by 4 hexadecimal digits');
      }
      this.pos += 6;
      return String.fromCharCode(parseInt(hex, 16));
    }
    throw new ScanFailure(
      backslash,
      `invalid escape sequence '\\${letter}' in string (allowed: \\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)`,
    );
  }

  private number(): JsonLiteral {
    const start = this.pos;
    if (this.text.charAt(this.pos) === '-') this.pos++;
    const first = this.text.charAt(this.pos);
    if (first === '0') {
      this.pos++;
      if (isDigit(this.text.charAt(this.pos))) throw new ScanFailure(start, 'numbers must not have leading zeros');
    } else if (isDigit(first)) {
      this.skipDigits();
    } else {
      throw new ScanFailure(this.pos, "expected a digit after '-'");
    }
    if (this.text.charAt(this.pos) === '.') {
      this.pos++;
      if (!isDigit(this.text.charAt(this.pos))) throw new ScanFailure(this.pos, 'expected a digit after the decimal point');
      this.skipDigits();
    }
    const exponent = this.text.charAt(this.pos);
    if (exponent === 'e' || exponent === 'E') {
      this.pos++;
      const sign = this.text.charAt(this.pos);
      if (sign === '+' || sign === '-') this.pos++;
      if (!isDigit(this.text.charAt(this.pos))) throw new ScanFailure(this.pos, 'expected a digit in the exponent');
      this.skipDigits();
    }
    return { kind: 'literal', text: this.text.slice(start, this.pos) };
  }

  private word(): JsonLiteral {
    const start = this.pos;
    const word = /^[A-Za-z_$][\w$]*/.exec(this.text.slice(start, start + 64))?.[0] ?? '';
    if (word === 'true' || word === 'false' || word === 'null') {
      this.pos += word.length;
      return { kind: 'literal', text: word };
    }
    throw new ScanFailure(start, `unexpected word '${word}': expected a JSON value (text must be in double quotes; literals are true, false and null)`);
  }

  private skipDigits(): void {
    while (isDigit(this.text.charAt(this.pos))) this.pos++;
  }

  private skipWhitespace(): void {
    for (;;) {
      const code = this.text.charCodeAt(this.pos);
      if (code !== 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) return;
      this.pos++;
    }
  }

  private checkDepth(depth: number): void {
    if (depth > MAX_JSON_NESTING) throw new ScanFailure(this.pos, `nesting is deeper than ${MAX_JSON_NESTING} levels`);
  }

  /**
   * A structural error at `pos`. Authors often write a placeholder where a JSON value goes
   * (`"n": {{count}}`); the scanner then stumbles on the second `{`, so point at the
   * placeholder itself and say where it belongs instead.
   */
  private structural(message: string): ScanFailure {
    for (const start of [this.pos - 1, this.pos]) {
      const placeholder = PLACEHOLDER_AT_START.exec(this.text.slice(Math.max(start, 0), start + 200));
      if (start >= 0 && placeholder) {
        return new ScanFailure(
          start,
          `placeholder ${placeholder[0]} is outside a JSON string: placeholders go inside strings, e.g. "${placeholder[0]}"`,
        );
      }
    }
    return new ScanFailure(this.pos, message);
  }
}

function isDigit(ch: string): boolean {
  return ch >= '0' && ch <= '9';
}
