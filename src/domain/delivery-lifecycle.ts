/**
 * The delivery lifecycle: its statuses and every transition, with no I/O. The account's
 * Durable Object stores what these functions decide; the queue consumer only sends.
 *
 *   pending ──claim──► (being sent) ──outcome──► succeeded | retrying | failed
 *   retrying ──claim──► …                        (retrying waits for next_attempt_at)
 *   pending | retrying ──cancel──► cancelled     (automation deleted or off, integration off)
 *   pending | retrying ──give up──► failed       (retry window over, dead-lettered)
 *   pending | retrying ──expire──► expired       (not succeeded by occurred_at + max_age_seconds)
 *   succeeded | failed | cancelled ──reopen──► pending   (manual retry, fresh schedule)
 */
import type { DeliveryPatch, Effect } from './delivery-effects';
import type { Lane } from './destination-gate';
import { releaseWaitersOf } from './ordering';
import type { Random } from './jitter';
import { decide, type AttemptResult } from './retry-policy';
import { OpenStatus, type DeliveryStatus } from './vocabulary';

export type { DeliveryStatus };

export const isOpen = (status: DeliveryStatus): boolean => (OpenStatus.options as readonly DeliveryStatus[]).includes(status);

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
  /** Never sent at or after this time (its event's occurred_at + the automation's max age); null: no limit. */
  expiresAt: number | null;
}

/**
 * When a new delivery stops being worth sending: its event's time plus the automation's
 * max_age_seconds. Test sends are exempt (an administrator trying a task wants to see it arrive).
 */
export function expiryOf(occurredAt: number, maxAgeSeconds: number | null, isTest: boolean): number | null {
  return maxAgeSeconds === null || isTest ? null : occurredAt + maxAgeSeconds * 1000;
}

/** Past its max age: a screen pop ten minutes late is worse than none, so it is never sent. */
export const isExpired = (state: Pick<LifecycleState, 'expiresAt'>, now: number): boolean =>
  state.expiresAt !== null && now >= state.expiresAt;

export const EXPIRED_REASON = "expired: not sent by its event's occurred_at + the automation's max_age_seconds";

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

/** Why an automation's deliveries may not be sent, said once for every rule that needs it. */
export const BLOCKED_BECAUSE: Record<Exclude<AutomationCondition, 'active'>, string> = {
  deleted: 'the automation was deleted',
  disabled: 'the automation was turned off',
  integration_off: 'HTTP Notifier was turned off for the account',
};

export const CANCEL_REASONS = Object.fromEntries(
  Object.entries(BLOCKED_BECAUSE).map(([condition, text]) => [condition, `${text} before the delivery ran`]),
) as Record<Exclude<AutomationCondition, 'active'>, string>;

/** Why the retry schedule ended without a success, when it was not the receiver's last answer. */
export const GIVE_UP_REASONS = {
  interrupted: 'gave up: every attempt was used (earlier attempts were interrupted)',
  windowEnded: 'gave up: the retry window ended while the destination was paused',
  pastWindow: 'gave up: the next attempt would fall after the retry window',
  deadLettered: 'the delivery could not be processed (dead-lettered after repeated consumer errors)',
} as const;

/** The condition that blocks sending, if any; test sends go even when their automation is off. */
export function blockedBy(condition: AutomationCondition, isTest: boolean): Exclude<AutomationCondition, 'active'> | null {
  if (condition === 'active') return null;
  if (condition === 'disabled' && isTest) return null;
  return condition;
}

/** Whether a delivery may still be sent given its automation; tests are sent even when it is off. */
export function cancellationFor(condition: AutomationCondition, isTest: boolean): string | null {
  const blocked = blockedBy(condition, isTest);
  return blocked === null ? null : CANCEL_REASONS[blocked];
}

export type ClaimDecision =
  /** Not this message's to send: finished, superseded by a newer message, or being sent. */
  | { kind: 'drop' }
  | { kind: 'cancel'; reason: string }
  | { kind: 'give_up'; reason: string }
  | { kind: 'expire'; reason: string }
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
  if (isExpired(state, input.now)) return { kind: 'expire', reason: EXPIRED_REASON };
  // The attempt about to be made, counted from the last reopen (a crashed consumer's claim
  // counted one that never reported, so the count can run past the schedule).
  const attemptNumber = state.attemptCount - state.attemptBase + 1;
  if (attemptNumber > input.schedule.length + 1) {
    return { kind: 'give_up', reason: GIVE_UP_REASONS.interrupted };
  }
  if (input.now > state.openedAt + retryWindowMs(input.schedule)) return { kind: 'give_up', reason: GIVE_UP_REASONS.windowEnded };
  if (!input.gateAdmits) return { kind: 'defer' };
  return { kind: 'send', attemptNumber, leaseUntil: input.now + input.leaseMs };
}

export type Outcome =
  | { status: 'succeeded' }
  | { status: 'retrying'; nextAttemptAt: number }
  | { status: 'failed'; disableAutomation: boolean; reason: string | null }
  | { status: 'expired'; reason: string };

/**
 * The state after an attempt. `final` marks failures found before any request (a refused
 * target, a body that cannot be rendered): retrying would only fail the same way.
 */
export function afterAttempt(
  state: Pick<LifecycleState, 'openedAt' | 'expiresAt'>,
  attemptNumber: number,
  result: AttemptResult,
  schedule: readonly number[],
  now: number,
  random: Random,
  final = false,
): Outcome {
  if (final) return { status: 'failed', disableAutomation: false, reason: null };
  const decision = decide(result, attemptNumber, schedule, now, random);
  if (decision.kind === 'succeeded') return { status: 'succeeded' };
  if (decision.kind === 'failed') return { status: 'failed', disableAutomation: decision.disableAutomation, reason: null };
  const nextAttemptAt = now + Math.round(decision.delaySeconds * 1000);
  if (nextAttemptAt > state.openedAt + retryWindowMs(schedule)) {
    return { status: 'failed', disableAutomation: false, reason: GIVE_UP_REASONS.pastWindow };
  }
  // A retry that could only go after the max age will never go: it ends now rather than waiting.
  if (isExpired(state, nextAttemptAt)) return { status: 'expired', reason: EXPIRED_REASON };
  return { status: 'retrying', nextAttemptAt };
}

export type ReopenDecision = { kind: 'reopen' } | { kind: 'conflict'; message: string };

/** A manual retry reopens a finished delivery with a fresh schedule and window. */
export function reopen(state: Pick<LifecycleState, 'status' | 'isTest'>, condition: AutomationCondition): ReopenDecision {
  if (isOpen(state.status)) {
    return { kind: 'conflict', message: `The delivery is already ${state.status}; it will be attempted when due` };
  }
  if (state.status === 'expired') {
    return { kind: 'conflict', message: "The delivery expired (its event is older than the automation's max_age_seconds); it is never sent late" };
  }
  if (condition === 'deleted') return { kind: 'conflict', message: 'The automation of this delivery has been deleted' };
  if (condition === 'integration_off') return { kind: 'conflict', message: 'HTTP Notifier is turned off for this account' };
  if (condition === 'disabled' && !state.isTest) {
    return { kind: 'conflict', message: 'The automation of this delivery is turned off; turn it on to send again' };
  }
  return { kind: 'reopen' };
}

export const DEAD_LETTER_REASON = GIVE_UP_REASONS.deadLettered;

/** Dead letters close an open delivery unless a consumer holds it right now. */
export function mayGiveUp(state: Pick<LifecycleState, 'status' | 'leaseUntil'>, now: number): boolean {
  return isOpen(state.status) && (state.leaseUntil === null || state.leaseUntil < now);
}

/** Only the consumer holding the current lease may report an attempt (a late duplicate may not). */
export function mayReport(state: Pick<LifecycleState, 'dispatchToken' | 'leaseUntil'>, token: string): boolean {
  return state.dispatchToken === token && state.leaseUntil !== null;
}

// ---- transitions: the columns each one writes ----------------------------------------------

/** What a transition needs to know of the delivery besides its lifecycle state. */
export interface DeliveryRef {
  id: string;
  automationId: string;
  isTest: boolean;
  /** When the delivery was created: its outcome is counted in that hour (see settle). */
  createdAt: number;
}

export interface Closing {
  status: DeliveryStatus;
  /** Kept as it was when absent or null (an outcome without an HTTP answer). */
  lastStatusCode?: number | null;
  lastError: string | null;
  /** When it is next due (retrying); null once final. */
  nextAttemptAt: number | null;
}

/**
 * A delivery settles after an attempt, a cancel or a give-up: its new state, its queue message
 * and lease released, and, once final, the deliveries that waited for it (per-call ordering)
 * may go. Every way a delivery settles comes here, so the hourly rollups miss none.
 *
 * A final outcome is counted in the hour the delivery was *created*, and taken back out when
 * the delivery is reopened (see `reopened`): a window's counts are then its deliveries by their
 * status now, which is exactly what the log lists for that window and status. A failed attempt
 * scheduled again (`retrying`) is about the attempt, so it is counted when it happens.
 */
export function settle(d: DeliveryRef, c: Closing, now: number): Effect[] {
  const patch: DeliveryPatch = {
    status: c.status, lastError: c.lastError, nextAttemptAt: c.nextAttemptAt,
    dispatchToken: null, dispatchedAt: null, leaseUntil: null, waitingFor: null, updatedAt: now,
    ...(c.lastStatusCode !== undefined && c.lastStatusCode !== null ? { lastStatusCode: c.lastStatusCode } : {}),
  };
  return [
    { kind: 'update_delivery', id: d.id, patch },
    ...(c.nextAttemptAt === null ? releaseWaitersOf(d.id) : []),
    // Test sends say nothing about an automation's health.
    ...(d.isTest ? [] : [{ kind: 'count_outcome', automationId: d.automationId, status: c.status, at: c.status === 'retrying' ? now : d.createdAt } as const]),
  ];
}

const UNSENT_STATUS = { cancel: 'cancelled', give_up: 'failed', expire: 'expired' } as const;

/** Closed without an attempt: cancelled (the automation may no longer send), failed (gave up) or expired (too old to send). */
export const closeUnsent = (d: DeliveryRef, kind: keyof typeof UNSENT_STATUS, reason: string, now: number): Effect[] =>
  settle(d, { status: UNSENT_STATUS[kind], lastError: reason, nextAttemptAt: null }, now);

/** Handed to a queue lane with a fresh token: only that message may claim it. */
export const dispatched = (id: string, token: string, destination: string, lane: Lane, now: number): Effect[] => [
  { kind: 'update_delivery', id, patch: { dispatchToken: token, dispatchedAt: now, destination, lane } },
  { kind: 'enqueue', lane, deliveryId: id, token },
];

/** Its queue message was not claimed in time: the same message (same token) goes again. */
export const redispatched = (id: string, token: string, lane: Lane, now: number): Effect[] => [
  { kind: 'update_delivery', id, patch: { dispatchedAt: now } },
  { kind: 'enqueue', lane, deliveryId: id, token },
];

/** Back with the scheduler, no attempt used (a closed gate, a lost enqueue, a lapsed lease). */
export const released = (id: string): Effect[] => [
  { kind: 'update_delivery', id, patch: { dispatchToken: null, dispatchedAt: null, leaseUntil: null } },
];

/** Claimed for sending: the lease, and the attempt counted up front so a crash mid-send still uses it. */
export const leased = (state: Pick<LifecycleState, 'attemptCount'> & { id: string }, leaseUntil: number, now: number): Effect[] => [
  { kind: 'update_delivery', id: state.id, patch: { leaseUntil, attemptCount: state.attemptCount + 1, updatedAt: now } },
];

/**
 * A manual retry or recovery: pending again with a fresh schedule and window, counted from here.
 * Its earlier outcome leaves the rollups (it is counted again when it settles), so a resent
 * failure that succeeds no longer counts as failed.
 */
export const reopened = (state: Pick<LifecycleState, 'attemptCount' | 'status'> & DeliveryRef, now: number): Effect[] => [
  ...(state.isTest || isOpen(state.status)
    ? []
    : [{ kind: 'uncount_outcome', automationId: state.automationId, status: state.status, at: state.createdAt } as const]),
  {
    kind: 'update_delivery',
    id: state.id,
    patch: {
      status: 'pending', attemptBase: state.attemptCount, openedAt: now, nextAttemptAt: now,
      dispatchToken: null, dispatchedAt: null, leaseUntil: null, updatedAt: now,
    },
  },
];
