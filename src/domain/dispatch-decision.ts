/**
 * What the account object does with a due delivery when it dispatches, with no I/O: the order
 * of the checks is the rule. Cancel what may no longer be sent, expire what is past its max age,
 * give up past the retry window,
 * keep per-call order, wait out a paused destination (no attempt used), respect the
 * destination's concurrency cap and the automation's pace, then send in the destination's lane.
 */
import type { Effect } from './delivery-effects';
import {
  cancellationFor,
  closeUnsent,
  dispatched,
  EXPIRED_REASON,
  GIVE_UP_REASONS,
  isExpired,
  retryWindowMs,
  type AutomationCondition,
  type DeliveryRef,
} from './delivery-lifecycle';
import { waitsFor } from './ordering';
import { rateAdmits, type Lane, type PauseScope } from './destination-gate';
import { admits, laneFor, viewOf, type GatePair, type InFlight } from './gate-pair';

/** A rate-limited delivery is handed over at most this long before its paced time. */
export const RATE_HORIZON_MS = 2_000;

export const WINDOW_ENDED = GIVE_UP_REASONS.windowEnded;

export interface DispatchInput {
  condition: AutomationCondition;
  isTest: boolean;
  openedAt: number;
  /** Past this it is never sent (max_age_seconds); null: no limit. */
  expiresAt: number | null;
  schedule: readonly number[];
  /** Per-call ordering: the earlier open delivery this one must wait for, if any. */
  blocker: string | null;
  /** The origin's gate and the endpoint's. */
  gates: GatePair;
  inFlight: InFlight;
  maxConcurrency: number;
  ratePerSecond: number | null;
  /** The rate limit's theoretical arrival time for the automation's next request. */
  pacedAt: number | undefined;
  now: number;
}

export type DispatchDecision =
  | { kind: 'cancel'; reason: string }
  | { kind: 'give_up'; reason: string }
  | { kind: 'expire'; reason: string }
  | { kind: 'wait_for'; blocker: string }
  | { kind: 'postpone'; until: number; scope: PauseScope }
  | { kind: 'hold' }
  | { kind: 'pace'; wakeAt: number }
  | { kind: 'send'; lane: Lane };

export function decideDispatch(d: DispatchInput): DispatchDecision {
  const cancel = cancellationFor(d.condition, d.isTest);
  if (cancel !== null) return { kind: 'cancel', reason: cancel };
  if (isExpired(d, d.now)) return { kind: 'expire', reason: EXPIRED_REASON };
  if (d.now > d.openedAt + retryWindowMs(d.schedule)) return { kind: 'give_up', reason: WINDOW_ENDED };
  if (d.blocker !== null) return { kind: 'wait_for', blocker: d.blocker };
  // A test send goes through a pause (within the cap): its success is how an administrator
  // shows the receiver fixed, and ends the pause.
  const view = viewOf(d.gates, d.now);
  if (view.state === 'paused' && !d.isTest) return { kind: 'postpone', until: view.until!, scope: view.scope! };
  const admitted = d.isTest ? d.inFlight.origin < d.maxConcurrency : admits(d.gates, d.inFlight, d.maxConcurrency, d.now);
  if (!admitted) return { kind: 'hold' };
  if (d.ratePerSecond !== null && !rateAdmits(d.pacedAt, d.now + RATE_HORIZON_MS)) {
    return { kind: 'pace', wakeAt: d.pacedAt! - RATE_HORIZON_MS };
  }
  return { kind: 'send', lane: laneFor(d.gates, d.now, d.ratePerSecond !== null) };
}

/** Where a delivery goes: its origin, and the automations sending to its endpoint (what an endpoint's pause holds). */
export interface Destination {
  destination: string;
  endpointAutomations: string[];
}

/**
 * The decision's effects. `token` is the fresh dispatch token a send would carry; a postpone
 * moves every due delivery the pause holds, so a pass asks for it once per paused gate.
 */
export function dispatchEffects(decision: DispatchDecision, d: DeliveryRef & Destination, token: string, now: number): Effect[] {
  switch (decision.kind) {
    case 'cancel':
    case 'give_up':
    case 'expire':
      return closeUnsent(d, decision.kind, decision.reason, now);
    case 'wait_for':
      return waitsFor(d.id, decision.blocker);
    case 'postpone':
      // Waiting out a pause uses no attempt: the destination's deliveries are simply due later.
      return [{
        kind: 'postpone_destination', destination: d.destination, until: decision.until,
        automationIds: decision.scope === 'endpoint' ? d.endpointAutomations : null,
      }];
    case 'hold': // a report that frees a slot dispatches again
    case 'pace': // the pass wakes when the pace allows
      return [];
    case 'send':
      return dispatched(d.id, token, d.destination, decision.lane, now);
  }
}
