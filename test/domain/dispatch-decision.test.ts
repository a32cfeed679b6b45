import { describe, expect, it } from 'vitest';
import { EXPIRED_REASON, retryWindowMs } from '../../src/domain/delivery-lifecycle';
import { newGate, type Gate } from '../../src/domain/destination-gate';
import { decideDispatch, RATE_HORIZON_MS, WINDOW_ENDED, type DispatchInput } from '../../src/domain/dispatch-decision';

const T0 = 1_800_000_000_000;
const schedule = [1, 2, 3];
const input = (over: Partial<DispatchInput> = {}): DispatchInput => ({
  condition: 'active', isTest: false, openedAt: T0, expiresAt: null, schedule, blocker: null, gates: { origin: newGate(), endpoint: newGate() },
  inFlight: { origin: 0, endpoint: 0 }, maxConcurrency: 4, ratePerSecond: null, pacedAt: undefined, now: T0 + 1000, ...over,
});
const originGate = (origin: Gate) => ({ origin, endpoint: newGate() });
const endpointGate = (endpoint: Gate) => ({ origin: newGate(), endpoint });

describe('dispatch decision', () => {
  it('sends an admitted delivery in its destination’s lane', () => {
    expect(decideDispatch(input({ gates: originGate({ ...newGate(), latencyMs: 20 }) }))).toEqual({ kind: 'send', lane: 'fast' });
    // A destination never heard from starts in the slow lane.
    expect(decideDispatch(input())).toEqual({ kind: 'send', lane: 'slow' });
    expect(decideDispatch(input({ ratePerSecond: 5 }))).toEqual({ kind: 'send', lane: 'slow' });
  });

  it('checks in order: cancel, retry window, per-call order, pause, cap, pace', () => {
    const paused = { ...newGate(), pausedUntil: T0 + 60_000, reason: 'x' };
    const everything = input({
      condition: 'disabled', now: T0 + retryWindowMs(schedule) + 1, blocker: 'dlv_earlier', gates: endpointGate(paused), inFlight: { origin: 9, endpoint: 9 },
      ratePerSecond: 1, pacedAt: T0 + 999_999_999,
    });
    expect(decideDispatch(everything)).toMatchObject({ kind: 'cancel' });
    // Past its max age it expires before anything else but a cancel is considered: never sent late.
    expect(decideDispatch({ ...everything, expiresAt: T0 })).toMatchObject({ kind: 'cancel' });
    expect(decideDispatch({ ...everything, condition: 'active', expiresAt: everything.now })).toEqual({ kind: 'expire', reason: EXPIRED_REASON });
    expect(decideDispatch({ ...everything, condition: 'active', expiresAt: everything.now + 1 })).toEqual({ kind: 'give_up', reason: WINDOW_ENDED });
    expect(decideDispatch({ ...everything, condition: 'active' })).toEqual({ kind: 'give_up', reason: WINDOW_ENDED });
    expect(decideDispatch({ ...everything, condition: 'active', now: T0 + 1000 })).toEqual({ kind: 'wait_for', blocker: 'dlv_earlier' });
    const open = { ...everything, condition: 'active' as const, now: T0 + 1000, blocker: null };
    expect(decideDispatch(open)).toEqual({ kind: 'postpone', until: T0 + 60_000, scope: 'endpoint' });
    expect(decideDispatch({ ...open, gates: originGate(paused) })).toEqual({ kind: 'postpone', until: T0 + 60_000, scope: 'origin' });
    // Both paused: the delivery waits for the later end.
    const later = { ...paused, pausedUntil: T0 + 90_000 };
    expect(decideDispatch({ ...open, gates: { origin: later, endpoint: paused } })).toEqual({ kind: 'postpone', until: T0 + 90_000, scope: 'origin' });
    expect(decideDispatch({ ...open, gates: originGate(newGate()) })).toEqual({ kind: 'hold' });
    expect(decideDispatch({ ...open, gates: originGate(newGate()), inFlight: { origin: 0, endpoint: 0 } })).toEqual({ kind: 'pace', wakeAt: T0 + 999_999_999 - RATE_HORIZON_MS });
  });

  it('a test send of a turned-off automation still goes; a probing gate takes one at a time', () => {
    expect(decideDispatch(input({ condition: 'disabled', isTest: true }))).toMatchObject({ kind: 'send' });
    const probing = { ...newGate(), pausedUntil: T0, consecutiveFailures: 5 };
    expect(decideDispatch(input({ gates: originGate(probing) }))).toEqual({ kind: 'send', lane: 'slow' });
    expect(decideDispatch(input({ gates: originGate(probing), inFlight: { origin: 1, endpoint: 0 } }))).toEqual({ kind: 'hold' });
    // A probed endpoint counts only its own deliveries out, not its origin's other paths'.
    expect(decideDispatch(input({ gates: endpointGate(probing), inFlight: { origin: 3, endpoint: 0 } }))).toEqual({ kind: 'send', lane: 'slow' });
    expect(decideDispatch(input({ gates: endpointGate(probing), inFlight: { origin: 3, endpoint: 1 } }))).toEqual({ kind: 'hold' });
  });

  it('a test send goes through a pause (its success ends it), within the cap', () => {
    const paused = { ...newGate(), pausedUntil: T0 + 60_000, reason: 'x' };
    expect(decideDispatch(input({ isTest: true, gates: endpointGate(paused) }))).toEqual({ kind: 'send', lane: 'slow' });
    expect(decideDispatch(input({ isTest: true, gates: originGate(paused), inFlight: { origin: 4, endpoint: 0 } }))).toEqual({ kind: 'hold' });
  });
});
