/**
 * One HTTP attempt: a signed POST that never follows redirects, bounded in time, reading
 * at most 1 KiB of the answer for the log.
 */
import { PRODUCT_NAME, PRODUCT_VERSION } from '../config';
import { maskAuthorization } from '../domain/destination-auth';
import { HOP_HEADER, HOP_VALUE } from '../domain/hop-header';
import { signatureHeader } from '../domain/signature';
import type { AttemptResult } from '../domain/retry-policy';
import { boundedRequest, type SentRequest } from '../domain/sent-request';

export const USER_AGENT = `${PRODUCT_NAME}/${PRODUCT_VERSION}`;
export const RESPONSE_BODY_LIMIT = 1024;

export interface OutboundWebhook {
  deliveryId: string;
  url: string;
  contentType: string;
  body: string;
  extraHeaders: Record<string, string>;
  secret: string;
  /** Secrets rotated out whose overlap has not ended: they sign too, after the current one. */
  previousSecrets?: string[];
  /** The Authorization value `auth` makes (Basic or Bearer); masked in the stored copy of the request. */
  authorization?: string | null;
  /** The envelope's headers (CloudEvents ce-*). */
  envelopeHeaders?: Record<string, string>;
  timeoutMs: number;
}

export interface SendOutcome {
  result: AttemptResult;
  startedAt: number;
  durationMs: number;
  statusCode: number | null;
  responseBody: string | null;
  /** What went out: the URL, the headers as set (signature included) and the body, bounded for the log. */
  request: SentRequest;
}

export async function buildHeaders(webhook: OutboundWebhook, nowMs: number): Promise<Headers> {
  const timestamp = Math.floor(nowMs / 1000);
  // Extra headers first, so that the product's own headers always win (they are also refused at save time).
  const headers = new Headers(webhook.extraHeaders);
  for (const [name, value] of Object.entries(webhook.envelopeHeaders ?? {})) headers.set(name, value);
  if (webhook.authorization) headers.set('authorization', webhook.authorization);
  headers.set('content-type', webhook.contentType);
  headers.set('user-agent', USER_AGENT);
  // Tells the events API this is one of our webhooks coming back (loop protection).
  headers.set(HOP_HEADER, HOP_VALUE);
  headers.set('webhook-id', webhook.deliveryId);
  headers.set('webhook-timestamp', String(timestamp));
  const secrets = [webhook.secret, ...(webhook.previousSecrets ?? [])];
  headers.set('webhook-signature', await signatureHeader(secrets, webhook.deliveryId, timestamp, webhook.body));
  return headers;
}

export async function sendWebhook(webhook: OutboundWebhook, now: () => number = Date.now): Promise<SendOutcome> {
  const startedAt = now();
  const headers = await buildHeaders(webhook, startedAt);
  const shown = Object.fromEntries(headers);
  // The log keeps the request as sent, but never the credentials auth put in it.
  if (webhook.authorization) shown.authorization = maskAuthorization(webhook.authorization);
  const request = boundedRequest({ method: 'POST', url: webhook.url, headers: shown, body: webhook.body });
  const signal = AbortSignal.timeout(webhook.timeoutMs);
  const finish = (result: AttemptResult, statusCode: number | null, responseBody: string | null): SendOutcome => ({
    result,
    startedAt,
    durationMs: Math.max(0, now() - startedAt),
    statusCode,
    responseBody,
    request,
  });
  let response: Response;
  try {
    response = await fetch(webhook.url, { method: 'POST', headers, body: webhook.body, redirect: 'manual', signal });
  } catch (error) {
    // A timeout tells the destination gate more than other errors: the destination is slow.
    const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
    return finish({ kind: 'error', message: describeFetchError(error, webhook.timeoutMs), timedOut }, null, null);
  }
  let responseBody: string | null = null;
  try {
    responseBody = await readPrefix(response, RESPONSE_BODY_LIMIT);
  } catch {
    // The status already tells the outcome; a body cut short by the timeout is only log detail.
  }
  return finish({ kind: 'response', status: response.status, retryAfter: response.headers.get('retry-after') }, response.status, responseBody);
}

/** Reads up to `limit` bytes of the body (fewer if that splits a character) and drops the rest without downloading it. */
async function readPrefix(response: Response, limit: number): Promise<string | null> {
  return response.body ? (await readStart(response, limit)).text : null;
}

/** The start of a body, at most `limit` bytes, and whether it reached the limit (`cut`: there may be more). */
export async function readStart(response: Response, limit: number): Promise<{ text: string; cut: boolean }> {
  if (!response.body) return { text: '', cut: false };
  // The usual small answer: unencoded with its length declared, so HTTP framing bounds what
  // arrayBuffer() can read to that length, and it is read in one step instead of chunk by chunk.
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (Number.isInteger(declared) && declared >= 0 && declared < limit && !response.headers.has('content-encoding')) {
    return { text: new TextDecoder().decode(await response.arrayBuffer()), cut: false };
  }
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (size < limit) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
  }
  if (size >= limit) await reader.cancel().catch(() => {});
  const bytes = new Uint8Array(Math.min(size, limit));
  let offset = 0;
  for (const chunk of chunks) {
    const part = chunk.subarray(0, bytes.length - offset);
    bytes.set(part, offset);
    offset += part.length;
    if (offset >= bytes.length) break;
  }
  // The cut can fall inside a multi-byte UTF-8 character. In stream mode the decoder holds back
  // an incomplete final sequence instead of emitting U+FFFD for it, so the kept text ends on a
  // character boundary. Only a cut body is decoded that way: a complete one keeps its own flaws.
  return { text: new TextDecoder().decode(bytes, { stream: size >= limit }), cut: size >= limit };
}

export function describeFetchError(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return `timed out after ${timeoutMs} ms`;
  }
  const message = error instanceof Error ? error.message : String(error);
  return `network error: ${message}`.slice(0, 500);
}
