/**
 * The delivery lifecycle: its statuses and every transition, with no I/O. The account's
 * Durable Object stores what these functions decide; the queue consumer only sends.
 *
 *   pending ──claim──► (being sent) ──outcome──► succeeded | retrying | failed
 *   retrying ──claim──► …                        (retrying waits for next_attempt_at)
 *   pending | retrying ──cancel──► cancelled     (automation deleted or off, integration off)
 *   pending | retrying ──give up──► failed       (retry window over, dead-lettered)
 *   succeeded | failed | cancelled ──reopen──► pending   (manual retry, fresh schedule)
 */
import { decide, type AttemptResult } from './retry-policy';
import type { DeliveryStatus } from './vocabulary';

export type { DeliveryStatus };

export const isOpen = (status: DeliveryStatus): boolean => status === 'pending' || status === 'retrying';

/** The part of a delivery the lifecycle reads. Times are epoch milliseconds. */
export interface LifecycleState {
  status: DeliveryStatus;
  /** Attempts made in the delivery's whole life (a claim counts one up front). */
  attemptCount: number;
  /** Attempts made before the latest reopen: the retry schedule counts from here. */
  attemptBase: number;
  /** When the delivery was created or last reopened: the retry window starts here. */
  openedAt: number;
  /** The queue message that may claim it, while one is out. */
  dispatchToken: string | null;
  /** Set while a consumer sends it. */
  leaseUntil: number | null;
  isTest: boolean;
}

/** What the delivery's automation looks like to the lifecycle when it is claimed. */
export type AutomationCondition = 'active' | 'disabled' | 'deleted' | 'integration_off';

/**
 * How long a delivery may stay open: the whole retry schedule plus an hour of grace (for
 * attempt durations and queue latency). Time spent waiting for a paused destination counts
 * against this window but uses up no attempt.
 */
export const WINDOW_GRACE_MS = 3_600_000;
export const retryWindowMs = (schedule: readonly number[]): number =>
  schedule.reduce((sum, s) => sum + s, 0) * 1000 + WINDOW_GRACE_MS;

export const CANCEL_REASONS: Record<Exclude<AutomationCondition, 'active'>, string> = {
  deleted: 'the automation was deleted before the delivery ran',
  disabled: 'the automation was turned off before the delivery ran',
  integration_off: 'HTTP Notifier was turned off for the account before the delivery ran',
};

/** Whether a delivery may still be sent given its automation; tests are sent even when it is off. */
export function cancellationFor(condition: AutomationCondition, isTest: boolean): string | null {
  if (condition === 'active') return null;
  if (condition === 'disabled' && isTest) return null;
  return CANCEL_REASONS[condition];
}

export type ClaimDecision =
  /** Not this message's to send: finished, superseded by a newer message, or being sent. */
  | { kind: 'drop' }
  | { kind: 'cancel'; reason: string }
  | { kind: 'give_up'; reason: string }
  /** The destination's gate is closed: hand the delivery back to the scheduler, no attempt used. */
  | { kind: 'defer' }
  | { kind: 'send'; attemptNumber: number; leaseUntil: number };

export interface ClaimInput {
  token: string;
  now: number;
  condition: AutomationCondition;
  gateAdmits: boolean;
  schedule: readonly number[];
  leaseMs: number;
}

export function claim(state: LifecycleState, input: ClaimInput): ClaimDecision {
  if (!isOpen(state.status) || state.dispatchToken !== input.token) return { kind: 'drop' };
  if (state.leaseUntil !== null && state.leaseUntil >= input.now) return { kind: 'drop' };
  const cancel = cancellationFor(input.condition, state.isTest);
  if (cancel) return { kind: 'cancel', reason: cancel };
  // The attempt about to be made, counted from the last reopen (a crashed consumer's claim
  // counted one that never reported, so the count can run past the schedule).
  const attemptNumber = state.attemptCount - state.attemptBase + 1;
  if (attemptNumber > input.schedule.length + 1) {
    return { kind: 'give_up', reason: 'gave up: every attempt was used (earlier attempts were interrupted)' };
  }
  if (input.now > state.openedAt + retryWindowMs(input.schedule)) {
    return { kind: 'give_up', reason: 'gave up: the retry window ended while the destination was paused' };
  }
  if (!input.gateAdmits) return { kind: 'defer' };
  return { kind: 'send', attemptNumber, leaseUntil: input.now + input.leaseMs };
}

export type Outcome =
  | { status: 'succeeded' }
  | { status: 'retrying'; nextAttemptAt: number }
  | { status: 'failed'; disableAutomation: boolean; reason: string | null };

/**
 * The state after an attempt. `final` marks failures found before any request (a refused
 * target, a body that cannot be rendered): retrying would only fail the same way.
 */
export function afterAttempt(
  state: Pick<LifecycleState, 'openedAt'>,
  attemptNumber: number,
  result: AttemptResult,
  schedule: readonly number[],
  now: number,
  final = false,
): Outcome {
  if (final) return { status: 'failed', disableAutomation: false, reason: null };
  const decision = decide(result, attemptNumber, schedule, now);
  if (decision.kind === 'succeeded') return { status: 'succeeded' };
  if (decision.kind === 'failed') return { status: 'failed', disableAutomation: decision.disableAutomation, reason: null };
  const nextAttemptAt = now + decision.delaySeconds * 1000;
  if (nextAttemptAt > state.openedAt + retryWindowMs(schedule)) {
    return { status: 'failed', disableAutomation: false, reason: 'gave up: the next attempt would fall after the retry window' };
  }
  return { status: 'retrying', nextAttemptAt };
}

export type ReopenDecision = { kind: 'reopen' } | { kind: 'conflict'; message: string };

/** A manual retry reopens a finished delivery with a fresh schedule and window. */
export function reopen(state: Pick<LifecycleState, 'status' | 'isTest'>, condition: AutomationCondition): ReopenDecision {
  if (isOpen(state.status)) {
    return { kind: 'conflict', message: `The delivery is already ${state.status}; it will be attempted when due` };
  }
  if (condition === 'deleted') return { kind: 'conflict', message: 'The automation of this delivery has been deleted' };
  if (condition === 'integration_off') return { kind: 'conflict', message: 'HTTP Notifier is turned off for this account' };
  if (condition === 'disabled' && !state.isTest) {
    return { kind: 'conflict', message: 'The automation of this delivery is turned off; turn it on to send again' };
  }
  return { kind: 'reopen' };
}

export const DEAD_LETTER_REASON = 'the delivery could not be processed (dead-lettered after repeated consumer errors)';

/** Dead letters close an open delivery unless a consumer holds it right now. */
export function mayGiveUp(state: Pick<LifecycleState, 'status' | 'leaseUntil'>, now: number): boolean {
  return isOpen(state.status) && (state.leaseUntil === null || state.leaseUntil < now);
}
