import { describe, expect, it } from 'vitest';
import { retryWindowMs } from '../../src/domain/delivery-lifecycle';
import { newGate } from '../../src/domain/destination-gate';
import { decideDispatch, RATE_HORIZON_MS, WINDOW_ENDED, type DispatchInput } from '../../src/domain/dispatch-decision';

const T0 = 1_800_000_000_000;
const schedule = [1, 2, 3];
const input = (over: Partial<DispatchInput> = {}): DispatchInput => ({
  condition: 'active', isTest: false, openedAt: T0, schedule, blocker: null, gate: newGate(), inFlight: 0,
  maxConcurrency: 4, ratePerSecond: null, pacedAt: undefined, now: T0 + 1000, ...over,
});

describe('dispatch decision', () => {
  it('sends an admitted delivery in its destination’s lane', () => {
    expect(decideDispatch(input({ gate: { ...newGate(), latencyMs: 20 } }))).toEqual({ kind: 'send', lane: 'fast' });
    // A destination never heard from starts in the slow lane.
    expect(decideDispatch(input())).toEqual({ kind: 'send', lane: 'slow' });
    expect(decideDispatch(input({ ratePerSecond: 5 }))).toEqual({ kind: 'send', lane: 'slow' });
  });

  it('checks in order: cancel, retry window, per-call order, pause, cap, pace', () => {
    const paused = { ...newGate(), pausedUntil: T0 + 60_000, reason: 'x' };
    const everything = input({
      condition: 'disabled', now: T0 + retryWindowMs(schedule) + 1, blocker: 'dlv_earlier', gate: paused, inFlight: 9,
      ratePerSecond: 1, pacedAt: T0 + 999_999_999,
    });
    expect(decideDispatch(everything)).toMatchObject({ kind: 'cancel' });
    expect(decideDispatch({ ...everything, condition: 'active' })).toEqual({ kind: 'give_up', reason: WINDOW_ENDED });
    expect(decideDispatch({ ...everything, condition: 'active', now: T0 + 1000 })).toEqual({ kind: 'wait_for', blocker: 'dlv_earlier' });
    const open = { ...everything, condition: 'active' as const, now: T0 + 1000, blocker: null };
    expect(decideDispatch(open)).toEqual({ kind: 'postpone', until: T0 + 60_000 });
    expect(decideDispatch({ ...open, gate: newGate() })).toEqual({ kind: 'hold' });
    expect(decideDispatch({ ...open, gate: newGate(), inFlight: 0 })).toEqual({ kind: 'pace', wakeAt: T0 + 999_999_999 - RATE_HORIZON_MS });
  });

  it('a test send of a turned-off automation still goes; a probing destination takes one at a time', () => {
    expect(decideDispatch(input({ condition: 'disabled', isTest: true }))).toMatchObject({ kind: 'send' });
    const probing = { ...newGate(), pausedUntil: T0, consecutiveFailures: 5 };
    expect(decideDispatch(input({ gate: probing }))).toEqual({ kind: 'send', lane: 'slow' });
    expect(decideDispatch(input({ gate: probing, inFlight: 1 }))).toEqual({ kind: 'hold' });
  });
});
