import { describe, expect, it } from 'vitest';
import { afterAttempt } from '../../src/domain/delivery-lifecycle';
import { FIRST_PAUSE_MS, newGate, observe } from '../../src/domain/destination-gate';
import { JITTER, MIDPOINT, spread } from '../../src/domain/jitter';
import { seededRandom } from '../../src/lib/random';

const T0 = 1_800_000_000_000;
const schedule = [300, 1800];
const opened = { openedAt: T0, expiresAt: null };
const failure = { kind: 'response', status: 500, retryAfter: null } as const;

describe('jitter', () => {
  it('spreads a value over ±20 %, the midpoint being the value itself', () => {
    expect(spread(1000, () => 0)).toBe(1000 * (1 - JITTER));
    expect(spread(1000, () => 0.999_999)).toBeCloseTo(1000 * (1 + JITTER), 2);
    expect(spread(1000, MIDPOINT)).toBe(1000);
  });

  it('a seeded source gives the same draws for the same seed, and others for another', () => {
    const draws = (seed: number) => Array.from({ length: 5 }, seededRandom(seed));
    expect(draws(42)).toEqual(draws(42));
    expect(draws(42)).not.toEqual(draws(43));
    for (const d of draws(7)) expect(d).toBeGreaterThanOrEqual(0);
    for (const d of draws(7)) expect(d).toBeLessThan(1);
  });

  it('spreads the retries of deliveries that failed together over 40 % of the delay', () => {
    const random = seededRandom(1);
    const delays = Array.from({ length: 1000 }, () => {
      const outcome = afterAttempt(opened, 1, failure, schedule, T0, random);
      if (outcome.status !== 'retrying') throw new Error(outcome.status);
      return (outcome.nextAttemptAt - T0) / 300_000;
    });
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(0.8);
    expect(Math.max(...delays)).toBeLessThan(1.2);
    // Spread, not clustered: both ends of the range are used, and no second holds more than a few.
    expect(Math.min(...delays)).toBeLessThan(0.82);
    expect(Math.max(...delays)).toBeGreaterThan(1.18);
    const perSecond = new Map<number, number>();
    for (const d of delays) perSecond.set(Math.floor(d * 300), (perSecond.get(Math.floor(d * 300)) ?? 0) + 1);
    expect(Math.max(...perSecond.values())).toBeLessThan(20);
  });

  it('keeps a time the receiver asked for (Retry-After) as asked', () => {
    const asked = { kind: 'response', status: 503, retryAfter: '120' } as const;
    for (const draw of [0, 0.5, 0.999]) {
      expect(afterAttempt(opened, 1, asked, schedule, T0, () => draw)).toEqual({ status: 'retrying', nextAttemptAt: T0 + 120_000 });
    }
  });

  it('jitters a destination pause the same way', () => {
    const pausedFor = (draw: number) => {
      let gate = newGate();
      for (let i = 0; i < 5; i++) gate = observe(gate, { kind: 'failure', durationMs: 10, timedOut: false, reason: 'receiver answered 500', scope: 'endpoint' }, T0, () => draw);
      return gate.pausedUntil! - T0;
    };
    expect(pausedFor(0)).toBe(FIRST_PAUSE_MS * 0.8);
    expect(pausedFor(0.5)).toBe(FIRST_PAUSE_MS);
    expect(pausedFor(0.999_999)).toBeGreaterThan(FIRST_PAUSE_MS * 1.19);
  });
});
