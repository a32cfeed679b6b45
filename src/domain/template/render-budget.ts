/**
 * A cap on the size of a rendered body. A template under 64 KiB can repeat a placeholder
 * thousands of times, and one event value can be 100 KB or more, so the product is
 * unbounded (hundreds of MB, or a RangeError once a string passes V8's limit). Renderers
 * charge the budget as they produce text, so rendering stops soon after the cap instead
 * of building the whole string first.
 */

/** Default cap on a rendered body, in bytes of UTF-8. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

export class RenderedBodyTooLarge extends Error {
  override name = 'RenderedBodyTooLarge';
  constructor(readonly limitBytes: number) {
    super(`the rendered body would be larger than ${describeBytes(limitBytes)}`);
  }
}

/**
 * Counts UTF-16 code units, which is cheap while rendering: a unit is at least one byte of
 * UTF-8, so going over `limitBytes` units is certainly over the cap. The exact byte count
 * is only taken once, on the finished body (renderWithin).
 */
export class RenderBudget {
  used = 0;

  constructor(readonly limitBytes: number) {}

  /** Counts `units` more of output (negative gives some back); throws once over the cap. */
  charge(units: number): void {
    this.used += units;
    if (this.used > this.limitBytes) throw new RenderedBodyTooLarge(this.limitBytes);
  }

  /** Corrects what was charged since `before` to `length`, for text whose parts were charged along the way. */
  settle(before: number, length: number): void {
    this.charge(length - (this.used - before));
  }
}

/** Renders with a fresh budget and checks the finished body's exact UTF-8 size. */
export function renderWithin<V>(render: (values: V, budget: RenderBudget) => string, values: V, limitBytes: number): string {
  const body = render(values, new RenderBudget(limitBytes));
  if (overUtf8Bytes(body, limitBytes)) throw new RenderedBodyTooLarge(limitBytes);
  return body;
}

/**
 * Whether the text is over `limitBytes` in UTF-8, counted only when it could be: at most 3 bytes
 * per code unit (a surrogate pair is 4 bytes for 2 units), so most text is answered by its length.
 */
export function overUtf8Bytes(text: string, limitBytes: number): boolean {
  return text.length * 3 > limitBytes && utf8Length(text) > limitBytes;
}

export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      i++;
    } else bytes += 3; // lone surrogates are encoded as U+FFFD
  }
  return bytes;
}

export function describeBytes(bytes: number): string {
  if (bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}
