/**
 * What an attempt stored of the request it sent: the URL, the headers exactly as set (the
 * signature included; secrets never travel in headers) and the body, cut to a bound so that a
 * delivery's log stays small however large the rendered bodies are.
 */

/** The most of a request body kept with an attempt, in UTF-8 bytes. */
export const SENT_BODY_LIMIT = 64 * 1024;

export interface SentRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
  /** The body was longer than SENT_BODY_LIMIT bytes and only its start is kept. */
  bodyTruncated: boolean;
}

/**
 * The first `limit` UTF-8 bytes of `text`, or fewer where the cut would split a character.
 * In stream mode the decoder holds back an incomplete final sequence instead of emitting U+FFFD.
 */
export function cutText(text: string, limit: number): { text: string; truncated: boolean } {
  // A UTF-16 unit is at most 3 bytes of UTF-8: a text that short fits without encoding it.
  if (text.length * 3 <= limit) return { text, truncated: false };
  const bytes = new TextEncoder().encode(text);
  if (bytes.length <= limit) return { text, truncated: false };
  return { text: new TextDecoder().decode(bytes.subarray(0, limit), { stream: true }), truncated: true };
}

/** The request as it is kept: the body bounded (a body cut before stays flagged), the rest as sent. */
export function boundedRequest(
  request: { method: string; url: string; headers: Record<string, string>; body: string; bodyTruncated?: boolean },
  limit = SENT_BODY_LIMIT,
): SentRequest {
  const body = cutText(request.body, limit);
  return { method: request.method, url: request.url, headers: request.headers, body: body.text, bodyTruncated: Boolean(request.bodyTruncated) || body.truncated };
}
