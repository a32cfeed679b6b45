import { spread, type Random } from './jitter';

/**
 * What to do after an attempt, following the Standard Webhooks guidance: 2xx succeeds;
 * 410 Gone means the receiver is gone for good (fail now and turn the automation off);
 * anything else — other statuses, 3xx (redirects are never followed), network errors and
 * timeouts — is retried on the schedule, honouring Retry-After on 429 and 503.
 */
import { isSuccessStatus } from './success-status';

export type AttemptResult =
  | { kind: 'response'; status: number; retryAfter: string | null }
  | { kind: 'error'; message: string; timedOut?: boolean };

export type Decision =
  | { kind: 'succeeded' }
  | { kind: 'retry'; delaySeconds: number }
  | { kind: 'failed'; disableAutomation: boolean };

/** A queue message can be delayed by at most 12 hours. */
export const MAX_DELAY_SECONDS = 43_200;

/**
 * `attemptNumber` counts from 1 since the delivery was (re)opened; a schedule of n delays
 * allows n + 1 attempts. A scheduled delay is jittered (see jitter.ts); Retry-After is not.
 */
export function decide(result: AttemptResult, attemptNumber: number, schedule: readonly number[], nowMs: number, random: Random): Decision {
  if (result.kind === 'response') {
    if (isSuccessStatus(result.status)) return { kind: 'succeeded' };
    if (result.status === 410) return { kind: 'failed', disableAutomation: true };
  }
  const scheduled = schedule[attemptNumber - 1];
  if (scheduled === undefined) return { kind: 'failed', disableAutomation: false };
  let delay = spread(scheduled, random);
  if (result.kind === 'response' && (result.status === 429 || result.status === 503) && result.retryAfter) {
    const asked = parseRetryAfter(result.retryAfter, nowMs);
    if (asked !== null) delay = asked;
  }
  return { kind: 'retry', delaySeconds: Math.min(Math.max(delay, 0), MAX_DELAY_SECONDS) };
}

/** Retry-After as delay-seconds or an HTTP date; null when it is neither. */
export function parseRetryAfter(value: string, nowMs: number): number | null {
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Math.min(Number(trimmed), MAX_DELAY_SECONDS);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return null;
  return Math.min(Math.max(Math.ceil((date - nowMs) / 1000), 0), MAX_DELAY_SECONDS);
}

export function describeStatus(status: number): string {
  if (status >= 300 && status < 400) return `receiver answered ${status} (redirects are not followed)`;
  if (status === 410) return 'receiver answered 410 Gone';
  return `receiver answered ${status}`;
}
