/**
 * One gate, with no I/O: a circuit breaker, the lane it earns, and the rate limit's pace. The
 * account's Durable Object keeps a gate per origin (scheme, host, port: the concurrency cap,
 * lanes, and pauses for network errors and timeouts) and one per endpoint (origin and path:
 * pauses for HTTP answers); src/domain/gate-pair.ts puts the two together for a delivery.
 *
 * Breaker: `FAILURE_THRESHOLD` consecutive failures pause the gate for a cool-down that
 * doubles with each pause in a row (30 s … 10 min). When it ends the gate is probed with one
 * delivery at a time and reopens on the first success. A 429 or 503 with Retry-After pauses it
 * until then.
 *
 * Lanes: a destination uses the fast lane only once it has answered and while it stays healthy
 * and quick; new, probing, recently timed-out, slow and rate-limited ones use the slow lane.
 */
import { spread, type Random } from './jitter';
import { parseRetryAfter, type AttemptResult } from './retry-policy';
import { isSuccessStatus } from './success-status';

export const DESTINATION_STATES = ['ok', 'paused', 'probing'] as const;
export type DestinationState = (typeof DESTINATION_STATES)[number];
/** What a pause holds: one endpoint (an HTTP answer said so) or the whole origin (unreachable). */
export const PAUSE_SCOPES = ['endpoint', 'origin'] as const;
export type PauseScope = (typeof PAUSE_SCOPES)[number];
export type Lane = 'fast' | 'slow';

export const DEFAULT_MAX_CONCURRENCY = 4;
export const MAX_CONCURRENCY_LIMIT = 50;
export const FAILURE_THRESHOLD = 5;
export const FIRST_PAUSE_MS = 30_000;
export const MAX_PAUSE_MS = 600_000;
/** A destination that timed out this recently, or answers this slowly, uses the slow lane. */
export const SLOW_LANE_AFTER_TIMEOUT_MS = 300_000;
export const SLOW_LATENCY_MS = 500;
/**
 * How long a send in the fast lane may take before it is stopped and moved to the slow lane
 * (no attempt used; the origin is marked slow): a fast-lane batch waits for its slowest send, so
 * an endpoint that was quick and stops answering would otherwise hold it for the whole timeout.
 * Four times the origin's usual answer time, within these bounds: a destination in this lane
 * answers in under SLOW_LATENCY_MS on average, so at most twice that.
 */
export const FAST_LANE_BUDGET_MS = { min: 250, max: 1_000 } as const;
const BUDGET_LATENCIES = 4;

export function fastLaneBudgetMs(gate: Gate): number {
  return Math.min(FAST_LANE_BUDGET_MS.max, Math.max(FAST_LANE_BUDGET_MS.min, BUDGET_LATENCIES * (gate.latencyMs ?? SLOW_LATENCY_MS)));
}

export interface Gate {
  consecutiveFailures: number;
  /** Pauses in a row without a success in between (drives the cool-down's doubling). */
  pauses: number;
  pausedUntil: number | null;
  /** After a pause ends, until the next success: one delivery at a time. */
  probing: boolean;
  reason: string | null;
  /** Smoothed response time of recent attempts. */
  latencyMs: number | null;
  lastTimeoutAt: number | null;
}

export const newGate = (): Gate => ({
  consecutiveFailures: 0, pauses: 0, pausedUntil: null, probing: false, reason: null, latencyMs: null, lastTimeoutAt: null,
});

export function stateOf(gate: Gate, now: number): DestinationState {
  if (gate.pausedUntil !== null && gate.pausedUntil > now) return 'paused';
  // A pause that has run out is followed by probing, even if no probe was sent yet.
  return gate.probing || gate.pausedUntil !== null ? 'probing' : 'ok';
}

/** Whether one more delivery may go to the destination now, with `inFlight` already out. */
export function admits(gate: Gate, inFlight: number, maxConcurrency: number, now: number): boolean {
  const state = stateOf(gate, now);
  if (state === 'paused') return false;
  if (state === 'probing') return inFlight === 0;
  return inFlight < maxConcurrency;
}

export function laneFor(gate: Gate, now: number, rateLimited: boolean): Lane {
  if (rateLimited || stateOf(gate, now) !== 'ok') return 'slow';
  // A destination earns the fast lane by answering: one never heard from may not answer at all,
  // and a fast-lane batch waits for its slowest send (up to the delivery timeout).
  if (gate.latencyMs === null) return 'slow';
  if (gate.lastTimeoutAt !== null && now - gate.lastTimeoutAt < SLOW_LANE_AFTER_TIMEOUT_MS) return 'slow';
  if (gate.latencyMs !== null && gate.latencyMs >= SLOW_LATENCY_MS) return 'slow';
  return 'fast';
}

/** How an attempt went, as far as the destination's health is concerned. */
export type Observation =
  | { kind: 'success'; durationMs: number }
  /**
   * The destination is struggling: timeouts and network errors say so of the origin (nothing
   * there answers), 5xx of the endpoint (the host answered for that path).
   */
  | { kind: 'failure'; durationMs: number; timedOut: boolean; reason: string; scope: PauseScope }
  /** The receiver asked everyone to wait (429/503 with Retry-After). */
  | { kind: 'wait'; durationMs: number; until: number; reason: string }
  /** Other answers (4xx, 3xx, 410) say nothing about the destination's health. */
  | { kind: 'neutral'; durationMs: number };

const LATENCY_WEIGHT = 0.3;

/** Classifies an attempt's result for the gate. */
export function observationOf(result: AttemptResult, durationMs: number, now: number): Observation {
  if (result.kind === 'error') {
    return { kind: 'failure', durationMs, timedOut: result.timedOut === true, reason: result.message, scope: 'origin' };
  }
  const { status } = result;
  if (isSuccessStatus(status)) return { kind: 'success', durationMs };
  if ((status === 429 || status === 503) && result.retryAfter) {
    const seconds = parseRetryAfter(result.retryAfter, now);
    if (seconds !== null && seconds > 0) {
      return { kind: 'wait', durationMs, until: now + seconds * 1000, reason: `the receiver answered ${status} with Retry-After` };
    }
  }
  if (status >= 500) return { kind: 'failure', durationMs, timedOut: false, reason: `receiver answered ${status}`, scope: 'endpoint' };
  return { kind: 'neutral', durationMs };
}

/** The gate after an attempt; a pause's length is jittered (see jitter.ts), a Retry-After wait is not. */
export function observe(gate: Gate, observation: Observation, now: number, random: Random): Gate {
  const latencyMs = gate.latencyMs === null
    ? observation.durationMs
    : Math.round(gate.latencyMs * (1 - LATENCY_WEIGHT) + observation.durationMs * LATENCY_WEIGHT);
  switch (observation.kind) {
    case 'success':
      return { ...newGate(), latencyMs, lastTimeoutAt: gate.lastTimeoutAt };
    case 'neutral':
      return { ...gate, latencyMs };
    case 'wait':
      return { ...gate, latencyMs, pausedUntil: Math.max(observation.until, gate.pausedUntil ?? 0), probing: false, reason: observation.reason };
    case 'failure': {
      const failures = gate.consecutiveFailures + 1;
      const lastTimeoutAt = observation.timedOut ? now : gate.lastTimeoutAt;
      // A failed probe pauses again at once; otherwise the threshold decides.
      if (stateOf(gate, now) === 'probing' || failures >= FAILURE_THRESHOLD) {
        const pauses = gate.pauses + 1;
        const pauseMs = Math.round(spread(Math.min(FIRST_PAUSE_MS * 2 ** (pauses - 1), MAX_PAUSE_MS), random));
        return {
          consecutiveFailures: failures, pauses, pausedUntil: now + pauseMs, probing: false, latencyMs, lastTimeoutAt,
          reason: `${failures} failures in a row, the last: ${observation.reason}`,
        };
      }
      return { ...gate, consecutiveFailures: failures, latencyMs, lastTimeoutAt };
    }
  }
}

/**
 * Rate limit as a generic cell rate algorithm: `tat` is the theoretical time the next request
 * may go. One request per `1000 / perSecond` ms, no bursts beyond that.
 */
export function rateAdmits(tat: number | undefined, now: number): boolean {
  return tat === undefined || tat <= now;
}

export function rateAfterSend(tat: number | undefined, now: number, perSecond: number): number {
  return Math.max(tat ?? now, now) + 1000 / perSecond;
}

/** The destination a target URL belongs to: its origin (scheme, host, port). */
export function destinationOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

/**
 * The endpoint a target URL names: its origin and path, without the query (which usually
 * carries per-automation details, not a different service). Never equal to an origin, which has
 * no path, so both kinds of gate share one keyed store.
 */
export function endpointOf(url: string): string {
  try {
    const parsed = new URL(url);
    return parsed.origin + parsed.pathname;
  } catch {
    return url;
  }
}

/**
 * An administrator resumed the gate: the pause ends now and the next delivery probes; a failing
 * probe pauses again from the first length (the pauses in a row start over).
 */
export function resumed(gate: Gate, now: number): Gate {
  if (stateOf(gate, now) !== 'paused') return gate;
  return { ...gate, pausedUntil: null, probing: true, pauses: 0, consecutiveFailures: 0 };
}

/**
 * A send in the fast lane ran past its budget and was moved to the slow lane: the origin is
 * marked slow (as after a timeout), so its deliveries use the slow lane for a while.
 */
export const markedSlow = (gate: Gate, now: number): Gate => ({ ...gate, lastTimeoutAt: now });
