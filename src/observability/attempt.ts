/**
 * What operators see of one delivery attempt: the same fields go to its log line and to its
 * Analytics Engine data point (attempt-dataset.ts). Only identifiers, the destination's origin,
 * numbers and classes: never a URL's path or query, a header, a secret, a body, or an error
 * message (a fetch error may quote the URL, query string and all).
 */
import type { AttemptResult } from '../domain/retry-policy';

export type AttemptOutcome = 'succeeded' | 'failed';

/** Why an attempt failed, `none` when it succeeded. The last four mean no request went out. */
export const ATTEMPT_ERROR_CLASSES = [
  'none',
  'timeout', // no answer within DELIVERY_TIMEOUT_MS
  'network', // the connection failed: DNS, refused, reset, TLS, a public-address refusal
  'http_3xx', // a redirect, which is never followed
  'http_4xx',
  'http_5xx',
  'http_other', // any other status
  'refused', // the target URL failed the send-time check
  'render', // the body could not be rendered, or came out larger than MAX_BODY_BYTES
  'config', // the signing secret could not be opened (SECRETS_KEY missing or wrong)
  'token', // the OAuth2 token endpoint gave no token (refused, failed, slow, or an answer without one)
] as const;
export type AttemptErrorClass = (typeof ATTEMPT_ERROR_CLASSES)[number];

export type NoRequestClass = Extract<AttemptErrorClass, 'refused' | 'render' | 'config' | 'token'>;

export interface AttemptVerdict {
  outcome: AttemptOutcome;
  errorClass: AttemptErrorClass;
}

/** The verdict on an attempt that sent a request: 2xx succeeds, as the retry policy says. */
export function verdictOf(result: AttemptResult): AttemptVerdict {
  if (result.kind === 'error') return { outcome: 'failed', errorClass: result.timedOut ? 'timeout' : 'network' };
  const { status } = result;
  if (status >= 200 && status < 300) return { outcome: 'succeeded', errorClass: 'none' };
  if (status >= 300 && status < 400) return { outcome: 'failed', errorClass: 'http_3xx' };
  if (status >= 400 && status < 500) return { outcome: 'failed', errorClass: 'http_4xx' };
  if (status >= 500 && status < 600) return { outcome: 'failed', errorClass: 'http_5xx' };
  return { outcome: 'failed', errorClass: 'http_other' };
}

/** The verdict on an attempt stopped before any request went out. */
export function stoppedBefore(errorClass: NoRequestClass): AttemptVerdict {
  return { outcome: 'failed', errorClass };
}

export interface AttemptRecord extends AttemptVerdict {
  accountId: string;
  automationId: string;
  deliveryId: string;
  /** The destination: its origin (scheme, host, port). Anything more is dropped. */
  destination: string;
  /** The queue the attempt came from. */
  lane: 'fast' | 'slow';
  /** The attempt's number in the delivery's whole life, as the delivery log numbers it. */
  attempt: number;
  /** Its number since the delivery was (re)opened, as the retry schedule counts. */
  scheduleAttempt: number;
  /** The response's status; null when none came (timeout, network error, no request). */
  statusCode: number | null;
  durationMs: number;
}

/** The record as flat, named fields: the log line's, and the columns' names (attempt-dataset.ts). */
export type AttemptFields = {
  account_id: string;
  automation_id: string;
  delivery_id: string;
  destination: string;
  lane: 'fast' | 'slow';
  attempt: number;
  schedule_attempt: number;
  status_code: number | null;
  duration_ms: number;
  outcome: AttemptOutcome;
  error_class: AttemptErrorClass;
};

export function attemptFields(record: AttemptRecord): AttemptFields {
  return {
    account_id: record.accountId,
    automation_id: record.automationId,
    delivery_id: record.deliveryId,
    destination: originOnly(record.destination),
    lane: record.lane,
    attempt: record.attempt,
    schedule_attempt: record.scheduleAttempt,
    status_code: record.statusCode,
    duration_ms: Math.round(record.durationMs),
    outcome: record.outcome,
    error_class: record.errorClass,
  };
}

/**
 * A destination's origin and nothing else. Destinations are origins already, but one made from
 * a URL that did not parse is that URL as written, which may carry a secret in its path or query.
 */
export function originOnly(destination: string): string {
  try {
    const origin = new URL(destination).origin;
    return origin === 'null' ? '(no origin)' : origin;
  } catch {
    return '(not a URL)';
  }
}
