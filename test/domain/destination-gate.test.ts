import { MIDPOINT } from '../../src/domain/jitter';
import { describe, expect, it } from 'vitest';
import {
  admits,
  destinationOf,
  FAILURE_THRESHOLD,
  FIRST_PAUSE_MS,
  laneFor,
  MAX_PAUSE_MS,
  newGate,
  observationOf,
  observe,
  rateAdmits,
  rateAfterSend,
  SLOW_LANE_AFTER_TIMEOUT_MS,
  stateOf,
  type Gate,
} from '../../src/domain/destination-gate';

const T0 = 1_800_000_000_000;
const fail = (gate: Gate, now: number, timedOut = false) =>
  observe(gate, { kind: 'failure', durationMs: 10, timedOut, reason: 'receiver answered 500', scope: 'endpoint' }, now, MIDPOINT);

describe('destination gate', () => {
  it('caps deliveries in flight', () => {
    const gate = newGate();
    expect(admits(gate, 3, 4, T0)).toBe(true);
    expect(admits(gate, 4, 4, T0)).toBe(false);
  });

  it(`pauses after ${FAILURE_THRESHOLD} consecutive failures, then probes one at a time, and reopens on success`, () => {
    let gate = newGate();
    for (let i = 1; i < FAILURE_THRESHOLD; i++) gate = fail(gate, T0);
    expect(stateOf(gate, T0)).toBe('ok');
    gate = fail(gate, T0);
    expect(stateOf(gate, T0)).toBe('paused');
    expect(gate.pausedUntil).toBe(T0 + FIRST_PAUSE_MS);
    expect(gate.reason).toMatch(/5 failures in a row, the last: receiver answered 500/);
    expect(admits(gate, 0, 4, T0 + 1000)).toBe(false);
    const later = T0 + FIRST_PAUSE_MS;
    expect(stateOf(gate, later)).toBe('probing');
    expect(admits(gate, 0, 4, later)).toBe(true);
    expect(admits(gate, 1, 4, later)).toBe(false);
    const reopened = observe(gate, { kind: 'success', durationMs: 20 }, later, MIDPOINT);
    expect(stateOf(reopened, later)).toBe('ok');
    expect(reopened.consecutiveFailures).toBe(0);
  });

  it('a failed probe pauses again for twice as long, up to the maximum', () => {
    let gate = newGate();
    for (let i = 0; i < FAILURE_THRESHOLD; i++) gate = fail(gate, T0);
    let now = T0 + FIRST_PAUSE_MS;
    gate = fail(gate, now);
    expect(gate.pausedUntil).toBe(now + 2 * FIRST_PAUSE_MS);
    for (let i = 0; i < 10; i++) {
      now = gate.pausedUntil!;
      gate = fail(gate, now);
    }
    expect(gate.pausedUntil! - now).toBe(MAX_PAUSE_MS);
  });

  it('a success between failures resets the count; 4xx answers are neutral', () => {
    let gate = newGate();
    for (let i = 1; i < FAILURE_THRESHOLD; i++) gate = fail(gate, T0);
    gate = observe(gate, { kind: 'success', durationMs: 5 }, T0, MIDPOINT);
    gate = fail(gate, T0);
    expect(stateOf(gate, T0)).toBe('ok');
    expect(observationOf({ kind: 'response', status: 404, retryAfter: null }, 5, T0).kind).toBe('neutral');
    expect(observationOf({ kind: 'response', status: 410, retryAfter: null }, 5, T0).kind).toBe('neutral');
  });

  it('429 or 503 with Retry-After pauses the whole destination until then', () => {
    const observation = observationOf({ kind: 'response', status: 429, retryAfter: '30' }, 5, T0);
    expect(observation).toMatchObject({ kind: 'wait', until: T0 + 30_000 });
    const gate = observe(newGate(), observation, T0, MIDPOINT);
    expect(stateOf(gate, T0 + 29_000)).toBe('paused');
    expect(stateOf(gate, T0 + 30_000)).toBe('probing');
    expect(observationOf({ kind: 'response', status: 503, retryAfter: null }, 5, T0).kind).toBe('failure');
    expect(observationOf({ kind: 'error', message: 'timed out after 1 ms', timedOut: true }, 5, T0)).toMatchObject({ kind: 'failure', timedOut: true });
  });

  it('slow, recently timed-out, probing and rate-limited destinations use the slow lane', () => {
    const answered = observe(newGate(), { kind: 'success', durationMs: 20 }, T0, MIDPOINT);
    expect(laneFor(answered, T0, false)).toBe('fast');
    expect(laneFor(answered, T0, true)).toBe('slow');
    const timedOut = fail(answered, T0, true);
    expect(laneFor(timedOut, T0 + 1000, false)).toBe('slow');
    expect(laneFor(timedOut, T0 + SLOW_LANE_AFTER_TIMEOUT_MS + 1, false)).toBe('fast');
    let slow = newGate();
    for (let i = 0; i < 5; i++) slow = observe(slow, { kind: 'success', durationMs: 1000 }, T0, MIDPOINT);
    expect(laneFor(slow, T0, false)).toBe('slow');
  });

  it('a destination never heard from starts in the slow lane, and earns the fast lane by answering quickly', () => {
    // It may never answer: its first sends must not hold a fast-lane batch for the whole timeout.
    expect(laneFor(newGate(), T0, false)).toBe('slow');
    // Any answer counts, even one that says nothing about health (a 4xx): the time is known.
    expect(laneFor(observe(newGate(), { kind: 'neutral', durationMs: 30 }, T0, MIDPOINT), T0, false)).toBe('fast');
    expect(laneFor(observe(newGate(), { kind: 'success', durationMs: 900 }, T0, MIDPOINT), T0, false)).toBe('slow');
  });

  it('paces a rate limit at one request per interval', () => {
    expect(rateAdmits(undefined, T0)).toBe(true);
    const tat = rateAfterSend(undefined, T0, 4);
    expect(tat).toBe(T0 + 250);
    expect(rateAdmits(tat, T0 + 249)).toBe(false);
    expect(rateAdmits(tat, T0 + 250)).toBe(true);
    expect(rateAfterSend(tat, T0 + 1000, 4)).toBe(T0 + 1250);
  });

  it('a destination is the origin of the target', () => {
    expect(destinationOf('https://Example.com:443/a?b')).toBe('https://example.com');
    expect(destinationOf('http://127.0.0.1:8080/x')).toBe('http://127.0.0.1:8080');
  });
});
