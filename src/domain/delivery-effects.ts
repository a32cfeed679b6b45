/**
 * What the delivery engine's decisions ask for, as data. Every decision (dispatch, claim, the
 * outcome of an attempt, a cancel, a reopen) is a pure function returning a list of these; the
 * account object's `apply` (src/plane/apply.ts) is the one place that writes them, in order,
 * inside the caller's transaction, and hands the effects that leave the object (queue messages,
 * D1 writes) to run once that transaction has committed.
 */
import type { DisabledCause, NoticeData } from './causes';
import type { Gate, Lane, PauseScope } from './destination-gate';
import type { Health } from './automation-health';
import type { SentRequest } from './sent-request';
import type { DeliveryStatus } from './vocabulary';

/**
 * The columns of a delivery that lifecycle transitions change. A key that is present is
 * written (null included); an absent key is left as it is.
 */
export interface DeliveryPatch {
  status?: DeliveryStatus;
  lastStatusCode?: number | null;
  lastError?: string | null;
  nextAttemptAt?: number | null;
  dispatchToken?: string | null;
  dispatchedAt?: number | null;
  lane?: Lane | null;
  leaseUntil?: number | null;
  waitingFor?: string | null;
  attemptCount?: number;
  attemptBase?: number;
  openedAt?: number;
  destination?: string;
  updatedAt?: number;
}

/** The attempt as the log keeps it (the request already bounded). */
export interface AttemptRecord {
  deliveryId: string;
  attempt: number;
  startedAt: number;
  durationMs: number;
  statusCode: number | null;
  error: string | null;
  responseBody: string | null;
  request: SentRequest | null;
}

/** A notice before it is stored and (with an operations webhook) sent: what it says is data, worded on read (causes.ts). */
export interface NoticeDraft {
  automationId: string | null;
  deliveryId: string | null;
  data: NoticeData;
}

export type Effect =
  | { kind: 'update_delivery'; id: string; patch: DeliveryPatch }
  /** Per-call ordering: deliveries that waited for this (now final) one may be considered again. */
  | { kind: 'release_waiters'; of: string }
  /** Adds a settled delivery's outcome to its automation's hourly rollup (test sends never come here). */
  | { kind: 'count_outcome'; automationId: string; status: DeliveryStatus; at: number }
  /** A reopened delivery's earlier final outcome leaves its hour's rollup (it is counted again when it settles). */
  | { kind: 'uncount_outcome'; automationId: string; status: DeliveryStatus; at: number }
  | { kind: 'count_attempt'; automationId: string; at: number; failed: boolean; latencyMs: number | null }
  | { kind: 'insert_attempt'; attempt: AttemptRecord }
  /**
   * Waiting out a pause: the due deliveries it holds become due when it ends (no attempt used):
   * the origin's, or only those of the automations sending to the paused endpoint.
   */
  | { kind: 'postpone_destination'; destination: string; until: number; automationIds: string[] | null }
  /** A pause ended early (resumed, or a test send succeeded): what it held is due now. */
  | { kind: 'resume_destination'; destination: string; until: number; automationIds: string[] | null }
  /** A gate kept under `key` (an origin, or an endpoint: see gate-pair.ts), on `destination`'s origin. */
  | { kind: 'save_gate'; key: string; destination: string; scope: PauseScope; gate: Gate; change: 'paused' | 'resumed' | null }
  | { kind: 'save_health'; automationId: string; health: Health }
  | { kind: 'notice'; notice: NoticeDraft }
  /** Rate-limit pacing: when the automation's next request may go (kept in memory only). */
  | { kind: 'pace'; automationId: string; at: number }
  /** Leaves the object once committed: */
  | { kind: 'enqueue'; lane: Lane; deliveryId: string; token: string }
  | { kind: 'disable_automation'; automationId: string; cause: DisabledCause }
  | { kind: 'set_failing'; automationId: string; since: number | null };

/** The effects that leave the object, run after the transaction that wrote the rest. */
export type OutsideEffect = Extract<Effect, { kind: 'enqueue' | 'disable_automation' | 'set_failing' }>;

export const isOutside = (effect: Effect): effect is OutsideEffect =>
  effect.kind === 'enqueue' || effect.kind === 'disable_automation' || effect.kind === 'set_failing';
