/**
 * What one reported attempt changes, with no I/O: the attempt in the log and the rollups, the
 * delivery's new state (succeeded, retrying, failed), the destination's gate, the automation's
 * health, the notices it earns, and whether the automation is turned off (410 Gone at once, or
 * failing for days). The rules are the lifecycle's, the gate's and the health's; this module
 * puts them in their order for one attempt.
 */
import { disabledCause, healthy, observeAttempt, type Health } from './automation-health';
import type { DisabledCause, NoticeData } from './causes';
import type { Effect } from './delivery-effects';
import { afterAttempt, settle, type DeliveryRef, type LifecycleState } from './delivery-lifecycle';
import { markedSlow, observationOf, type Gate } from './destination-gate';
import { observePair, pairEffects, type GateKeys, type GatePair } from './gate-pair';
import { releaseWaitersOf } from './ordering';
import type { Random } from './jitter';
import type { AttemptResult } from './retry-policy';
import type { SentRequest } from './sent-request';

export interface ReportedAttempt {
  attempt: number;
  attemptNumber: number;
  startedAt: number;
  durationMs: number;
  statusCode: number | null;
  /** What went wrong, for the log; null on success. */
  error: string | null;
  responseBody: string | null;
  result: AttemptResult;
  /** A failure found before any request (refused target, unrenderable body): not retried. */
  final: boolean;
  /** The request as sent (body bounded, see sent-request.ts); null when none went out. */
  request: SentRequest | null;
}

export interface AttemptOutcomeInput {
  delivery: LifecycleState & DeliveryRef & { destination: string };
  report: ReportedAttempt;
  /** The delivery's automation as the object knows it; null once deleted. */
  automation: { raw: boolean } | null;
  /** The delivery's origin and endpoint gates, and where they are kept. */
  gates: GatePair;
  keys: GateKeys;
  health: Health;
  /** The delivery's `delivery.exhausted` notices not yet closed (it failed, and was sent again). */
  openNotices: readonly string[];
  /** Already turned off by an earlier attempt of the same report: not again. */
  alreadyDisabled: boolean;
  schedule: readonly number[];
  autoDisableAfterMs: number;
  now: number;
  /** Jitter for the retry delay and a pause (see jitter.ts). */
  random: Random;
}

/**
 * A fast-lane send stopped at its budget (see FAST_LANE_BUDGET_MS): the delivery goes back to
 * the scheduler without using the attempt its claim counted, and its origin is marked slow, so
 * it goes again at once in the slow lane. The receiver may have had the request: it can arrive
 * twice, with the same webhook-id.
 */
export function movedToSlowLane(d: Pick<LifecycleState, 'attemptCount'> & { id: string }, origin: { key: string; gate: Gate }, now: number): Effect[] {
  return [
    { kind: 'update_delivery', id: d.id, patch: { dispatchToken: null, dispatchedAt: null, leaseUntil: null, attemptCount: d.attemptCount - 1, updatedAt: now } },
    { kind: 'save_gate', key: origin.key, destination: origin.key, scope: 'origin', gate: markedSlow(origin.gate, now), change: null },
  ];
}

export function attemptOutcome(i: AttemptOutcomeInput): Effect[] {
  const { delivery: d, report: r, now } = i;
  const outcome = afterAttempt(d, r.attemptNumber, r.result, i.schedule, now, i.random, r.final);
  const effects: Effect[] = [
    {
      kind: 'insert_attempt',
      attempt: {
        deliveryId: d.id, attempt: r.attempt, startedAt: r.startedAt, durationMs: r.durationMs,
        statusCode: r.statusCode, error: r.error, responseBody: r.responseBody, request: r.request,
      },
    },
  ];
  // The operations webhook's own deliveries stay out of the account's stats.
  if (!d.isTest && !i.automation?.raw) {
    effects.push({
      kind: 'count_attempt', automationId: d.automationId, at: r.startedAt,
      failed: outcome.status !== 'succeeded', latencyMs: r.request ? r.durationMs : null,
    });
  }
  const reason = outcome.status === 'failed' || outcome.status === 'expired' ? outcome.reason : null;
  const lastError = reason ? [r.error, reason].filter(Boolean).join('; ') : r.error;
  effects.push(...settle(d, {
    status: outcome.status, lastStatusCode: r.statusCode, lastError,
    nextAttemptAt: outcome.status === 'retrying' ? outcome.nextAttemptAt : null,
  }, now));
  // A simulated call's next webhook waits only until this one has been sent, not for its retries
  // (per-call ordering, when on, still holds it back at dispatch until this one is final).
  if (d.isTest && outcome.status === 'retrying') effects.push(...releaseWaitersOf(d.id));
  // A failure before any request (a refused target, a token endpoint that gave no token) says
  // nothing about the destination.
  if (!r.final && r.request !== null) {
    const gates = observePair(i.gates, observationOf(r.result, r.durationMs, now), now, i.random);
    effects.push(...pairEffects(i.keys, i.gates, gates, now));
  }

  // Test sends and the operations webhook itself say nothing about an automation's health.
  if (d.isTest || !i.automation || i.automation.raw) return effects;
  // Notices carry data; their words are written when they are read (causes.ts).
  const notice = (data: NoticeData): Effect => ({ kind: 'notice', notice: { automationId: d.automationId, deliveryId: d.id, data } });
  const disable = (cause: DisabledCause): Effect => ({ kind: 'disable_automation', automationId: d.automationId, cause });
  let disabled = i.alreadyDisabled;
  if (outcome.status === 'failed' && outcome.disableAutomation) {
    const cause: DisabledCause = { kind: 'gone', at: new Date(now).toISOString(), delivery_id: d.id };
    disabled = true;
    effects.push(disable(cause), notice({ type: 'automation.disabled', cause }));
  } else if (outcome.status === 'failed') {
    effects.push(notice({ type: 'delivery.exhausted', last_error: lastError, last_status_code: r.statusCode }));
  } else if (outcome.status === 'succeeded' && (d.attemptCount - d.attemptBase > 1 || i.openNotices.length > 0)) {
    // A success after failures, in this schedule or before it was sent again, closes what they opened.
    effects.push(notice({ type: 'delivery.recovered', attempt: r.attempt, closes: [...i.openNotices] }));
  }

  const observed = observeAttempt(i.health, outcome.status === 'succeeded', now, i.autoDisableAfterMs);
  effects.push({ kind: 'save_health', automationId: d.automationId, health: observed.health });
  for (const change of observed.changes) {
    if (change === 'failing') {
      effects.push(
        { kind: 'set_failing', automationId: d.automationId, since: observed.health.streakStartedAt },
        notice({ type: 'automation.failing', since: new Date(observed.health.streakStartedAt!).toISOString() }),
      );
    } else if (change === 'recovered') {
      effects.push({ kind: 'set_failing', automationId: d.automationId, since: null });
    } else if (!disabled) {
      const cause = disabledCause(observed.health, now);
      disabled = true;
      effects.push(
        disable(cause),
        { kind: 'save_health', automationId: d.automationId, health: healthy() },
        notice({ type: 'automation.disabled', cause }),
      );
    }
  }
  return effects;
}
