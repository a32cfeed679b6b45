/**
 * The one place the engine's decisions are written: each effect (src/domain/delivery-effects.ts)
 * becomes its SQL, in the order decided, inside the caller's transaction. Effects that leave the
 * object (queue messages, D1 writes) are returned to run once that transaction has committed.
 */
import { isOutside, type Effect, type OutsideEffect } from '../domain/delivery-effects';
import type { Gate, PauseScope } from '../domain/destination-gate';
import { boundedRequest } from '../domain/sent-request';
import type { AccountConfig } from './account-config';
import { logEvent } from '../observability/log';
import { recordNotice } from './notices';
import { updateDelivery } from './store/deliveries';
import { insertAttempt } from './store/delivery-log';
import { saveGate, saveHealth } from './store/gates';
import type { SentUrlIds } from './store/sent-urls';
import { releaseWaiters } from './store/ordering';
import { postponeDestination, resumeDestination } from './store/schedule';
import { countAttempt, countOutcome, uncountOutcome } from './store/stats';

/** What applying touches besides SQL: the object's in-memory gates, pacing and URL ids. */
export interface ApplyTarget {
  sql: SqlStorage;
  gates: Map<string, Gate>;
  pacing: Map<string, number>;
  urls: SentUrlIds;
  accountId: string;
  partition: number;
  config: AccountConfig | null;
}

export function apply(t: ApplyTarget, effects: readonly Effect[], now: number): OutsideEffect[] {
  const outside: OutsideEffect[] = [];
  for (const effect of effects) {
    if (isOutside(effect)) {
      outside.push(effect);
      continue;
    }
    switch (effect.kind) {
      case 'update_delivery':
        updateDelivery(t.sql, effect.id, effect.patch);
        break;
      case 'release_waiters':
        releaseWaiters(t.sql, effect.of);
        break;
      case 'count_outcome':
        countOutcome(t.sql, effect.automationId, effect.status, effect.at);
        break;
      case 'uncount_outcome':
        uncountOutcome(t.sql, effect.automationId, effect.status, effect.at);
        break;
      case 'count_attempt':
        countAttempt(t.sql, effect.automationId, effect.at, effect.failed, effect.latencyMs);
        break;
      case 'insert_attempt':
        // Bounded here too: the object keeps its log small whatever a consumer reports.
        insertAttempt(t.sql, { ...effect.attempt, request: effect.attempt.request ? boundedRequest(effect.attempt.request) : null }, t.urls);
        break;
      case 'postpone_destination':
        postponeDestination(t.sql, effect.destination, effect.automationIds, effect.until, now);
        break;
      case 'resume_destination':
        resumeDestination(t.sql, effect.destination, effect.automationIds, effect.until, now);
        break;
      case 'save_gate':
        t.gates.set(effect.key, effect.gate);
        saveGate(t.sql, effect.key, effect.gate);
        if (effect.change) logGateChange(t.accountId, effect.destination, effect.scope, effect.change, effect.gate);
        break;
      case 'save_health':
        saveHealth(t.sql, effect.automationId, effect.health);
        break;
      case 'notice':
        if (t.config) recordNotice(t.sql, t.config, t.accountId, t.partition, effect.notice, now);
        break;
      case 'pace':
        t.pacing.set(effect.automationId, effect.at);
        break;
    }
  }
  return outside;
}

/**
 * Operators see every pause and resume of a destination (an origin, never a path or query; the
 * scope says whether one endpoint of it or all of it). The gate's reason text is left out: a
 * network error's message can quote the whole target URL.
 */
function logGateChange(accountId: string, destination: string, scope: PauseScope, change: 'paused' | 'resumed', gate: Gate): void {
  logEvent(`destination ${change}`, {
    account_id: accountId, destination, scope,
    ...(change === 'paused'
      ? {
          until: gate.pausedUntil === null ? null : new Date(gate.pausedUntil).toISOString(),
          // A pause after failures in a row, or one the receiver asked for (429/503 with Retry-After).
          cause: gate.consecutiveFailures > 0 && gate.pauses > 0 ? 'failures' : 'retry_after',
          consecutive_failures: gate.consecutiveFailures,
          pauses_in_a_row: gate.pauses,
        }
      : {}),
  });
}
