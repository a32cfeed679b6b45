/**
 * The two gates a delivery passes, with no I/O: its origin's (scheme, host, port) and its
 * endpoint's (origin and path, not the query). The failure decides which one pauses: an HTTP
 * answer (5xx; 429/503 with Retry-After) pauses the endpoint, since the host answered and other
 * paths on it may be fine; a network error or timeout pauses the origin, since nothing there
 * answered. The concurrency cap, the lanes and the rate limit stay the origin's.
 */
import {
  laneFor as originLane,
  newGate,
  observe,
  resumed,
  stateOf,
  type DestinationState,
  type Gate,
  type Lane,
  type Observation,
  type PauseScope,
} from './destination-gate';
import type { Effect } from './delivery-effects';
import type { Random } from './jitter';

export interface GatePair {
  origin: Gate;
  endpoint: Gate;
}

/** What the account sees of a delivery's destination: the most restrictive of its two gates. */
export interface GateView {
  state: DestinationState;
  /** Which gate that state is: null while both are ok. */
  scope: PauseScope | null;
  until: number | null;
  reason: string | null;
}

const RANK: Record<DestinationState, number> = { ok: 0, probing: 1, paused: 2 };

export function viewOf(pair: GatePair, now: number): GateView {
  const views = (['endpoint', 'origin'] as const).map((scope): GateView => {
    const gate = pair[scope];
    const state = stateOf(gate, now);
    return { state, scope: state === 'ok' ? null : scope, until: state === 'paused' ? gate.pausedUntil : null, reason: state === 'ok' ? null : gate.reason };
  });
  // The worse state; of two pauses, the one that ends later (the delivery waits for both).
  return views.reduce((a, b) => (RANK[b.state] > RANK[a.state] || (b.state === 'paused' && a.state === 'paused' && b.until! > a.until!) ? b : a));
}

/** Deliveries already out: to the origin (the cap counts these) and to the endpoint. */
export interface InFlight {
  origin: number;
  endpoint: number;
}

/** Whether one more delivery may go now: never while paused; one at a time to a gate being probed; within the cap. */
export function admits(pair: GatePair, inFlight: InFlight, maxConcurrency: number, now: number): boolean {
  const origin = stateOf(pair.origin, now);
  const endpoint = stateOf(pair.endpoint, now);
  if (origin === 'paused' || endpoint === 'paused') return false;
  if (origin === 'probing' && inFlight.origin > 0) return false;
  if (endpoint === 'probing' && inFlight.endpoint > 0) return false;
  return inFlight.origin < maxConcurrency;
}

/** The lane: the origin's, and the slow one while either gate probes. */
export function laneFor(pair: GatePair, now: number, rateLimited: boolean): Lane {
  if (stateOf(pair.endpoint, now) !== 'ok') return 'slow';
  return originLane(pair.origin, now, rateLimited);
}

/**
 * Both gates after an attempt. Any HTTP answer shows the origin reachable (its run of network
 * failures ends); what the answer says about health belongs to the endpoint.
 */
export function observePair(pair: GatePair, observation: Observation, now: number, random: Random): GatePair {
  const reached: Observation = { kind: 'success', durationMs: observation.durationMs };
  switch (observation.kind) {
    case 'success':
      return { origin: observe(pair.origin, observation, now, random), endpoint: observe(pair.endpoint, observation, now, random) };
    case 'failure':
      if (observation.scope === 'origin') return { origin: observe(pair.origin, observation, now, random), endpoint: pair.endpoint };
      return { origin: observe(pair.origin, reached, now, random), endpoint: observe(pair.endpoint, observation, now, random) };
    case 'wait':
    case 'neutral':
      return { origin: observe(pair.origin, reached, now, random), endpoint: observe(pair.endpoint, observation, now, random) };
  }
}

/** An administrator's resume: whichever of the two is paused ends its pause and is probed. */
export const resumePair = (pair: GatePair, now: number): GatePair => ({ origin: resumed(pair.origin, now), endpoint: resumed(pair.endpoint, now) });

export const newPair = (): GatePair => ({ origin: newGate(), endpoint: newGate() });

/** Where a delivery's two gates are kept, and which automations send to its endpoint. */
export interface GateKeys {
  origin: string;
  /** Null when the endpoint is unknown (the automation was deleted): only the origin is kept. */
  endpoint: string | null;
  endpointAutomations: string[];
}

/** How a gate's state moved, for the operators' log: a new or longer pause, or back to normal. */
export function gateChange(before: Gate, after: Gate, now: number): 'paused' | 'resumed' | null {
  const was = stateOf(before, now);
  const is = stateOf(after, now);
  if (is === 'paused' && (was !== 'paused' || after.pausedUntil !== before.pausedUntil)) return 'paused';
  if (is === 'ok' && was !== 'ok') return 'resumed';
  return null;
}

/**
 * Saving the gates that changed; a pause that ended early (a resume, or a test send that got
 * through) also makes what it held due now instead of at its end.
 */
export function pairEffects(keys: GateKeys, before: GatePair, after: GatePair, now: number): Effect[] {
  const effects: Effect[] = [];
  for (const scope of ['origin', 'endpoint'] as const) {
    const key = keys[scope];
    if (key === null || before[scope] === after[scope]) continue;
    const [was, is] = [before[scope], after[scope]];
    effects.push({ kind: 'save_gate', key, destination: keys.origin, scope, gate: is, change: gateChange(was, is, now) });
    if (stateOf(was, now) === 'paused' && stateOf(is, now) !== 'paused') {
      effects.push({
        kind: 'resume_destination', destination: keys.origin, until: was.pausedUntil!,
        automationIds: scope === 'endpoint' ? keys.endpointAutomations : null,
      });
    }
  }
  return effects;
}
