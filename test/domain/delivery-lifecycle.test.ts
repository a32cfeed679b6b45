import { describe, expect, it } from 'vitest';
import {
  afterAttempt,
  cancellationFor,
  claim,
  EXPIRED_REASON,
  expiryOf,
  isOpen,
  mayGiveUp,
  reopen,
  retryWindowMs,
  WINDOW_GRACE_MS,
  type LifecycleState,
} from '../../src/domain/delivery-lifecycle';
import { MIDPOINT } from '../../src/domain/jitter';

const schedule = [5, 300, 1800];
const T0 = 1_800_000_000_000;
const state = (over: Partial<LifecycleState> = {}): LifecycleState => ({
  status: 'pending', attemptCount: 0, attemptBase: 0, openedAt: T0, dispatchToken: 'tok', leaseUntil: null, isTest: false, expiresAt: null, ...over,
});
const claimInput = (over: Partial<Parameters<typeof claim>[1]> = {}) => ({
  token: 'tok', now: T0 + 1000, condition: 'active' as const, gateAdmits: true, schedule, leaseMs: 75_000, ...over,
});

describe('delivery lifecycle: claim', () => {
  it('sends an open delivery carrying the current token, counting the attempt from the last reopen', () => {
    expect(claim(state(), claimInput())).toEqual({ kind: 'send', attemptNumber: 1, leaseUntil: T0 + 76_000 });
    expect(claim(state({ status: 'retrying', attemptCount: 5, attemptBase: 3 }), claimInput())).toMatchObject({ kind: 'send', attemptNumber: 3 });
  });

  it('drops finished deliveries, stale tokens and deliveries leased by another consumer', () => {
    for (const status of ['succeeded', 'failed', 'cancelled'] as const) expect(claim(state({ status }), claimInput())).toEqual({ kind: 'drop' });
    expect(claim(state({ dispatchToken: 'newer' }), claimInput())).toEqual({ kind: 'drop' });
    expect(claim(state({ dispatchToken: null }), claimInput())).toEqual({ kind: 'drop' });
    expect(claim(state({ leaseUntil: T0 + 5000 }), claimInput())).toEqual({ kind: 'drop' });
    // A lapsed lease (crashed consumer) does not block a new claim.
    expect(claim(state({ leaseUntil: T0 }), claimInput())).toMatchObject({ kind: 'send' });
  });

  it('cancels when the automation is deleted or off, or the integration is off; tests ignore "off"', () => {
    expect(claim(state(), claimInput({ condition: 'deleted' }))).toEqual({ kind: 'cancel', reason: 'the automation was deleted before the delivery ran' });
    expect(claim(state(), claimInput({ condition: 'disabled' }))).toMatchObject({ kind: 'cancel' });
    expect(claim(state(), claimInput({ condition: 'integration_off' }))).toMatchObject({ kind: 'cancel', reason: expect.stringMatching(/turned off for the account/) });
    expect(claim(state({ isTest: true }), claimInput({ condition: 'disabled' }))).toMatchObject({ kind: 'send' });
    expect(claim(state({ isTest: true }), claimInput({ condition: 'deleted' }))).toMatchObject({ kind: 'cancel' });
  });

  it('gives up when interrupted attempts used the schedule up, or the retry window is over', () => {
    expect(claim(state({ attemptCount: 4 }), claimInput())).toMatchObject({ kind: 'give_up', reason: expect.stringMatching(/every attempt/) });
    expect(claim(state({ attemptCount: 3 }), claimInput())).toMatchObject({ kind: 'send', attemptNumber: 4 });
    const late = T0 + retryWindowMs(schedule) + 1;
    expect(claim(state(), claimInput({ now: late }))).toMatchObject({ kind: 'give_up', reason: expect.stringMatching(/retry window/) });
  });

  it('defers, without using an attempt, when the gate is closed', () => {
    expect(claim(state(), claimInput({ gateAdmits: false }))).toEqual({ kind: 'defer' });
  });
});

describe('delivery lifecycle: after an attempt', () => {
  const now = T0 + 10_000;
  it('2xx succeeds; 410 fails and turns the automation off', () => {
    expect(afterAttempt(state(), 1, { kind: 'response', status: 204, retryAfter: null }, schedule, now, MIDPOINT)).toEqual({ status: 'succeeded' });
    expect(afterAttempt(state(), 1, { kind: 'response', status: 410, retryAfter: null }, schedule, now, MIDPOINT)).toEqual({ status: 'failed', disableAutomation: true, reason: null });
  });

  it('retries on the schedule, then fails', () => {
    const error = { kind: 'error', message: 'timed out' } as const;
    expect(afterAttempt(state(), 1, error, schedule, now, MIDPOINT)).toEqual({ status: 'retrying', nextAttemptAt: now + 5000 });
    expect(afterAttempt(state(), 3, error, schedule, now, MIDPOINT)).toEqual({ status: 'retrying', nextAttemptAt: now + 1_800_000 });
    expect(afterAttempt(state(), 4, error, schedule, now, MIDPOINT)).toMatchObject({ status: 'failed', disableAutomation: false });
  });

  it('a retry that would fall after the retry window fails instead', () => {
    const lateNow = T0 + retryWindowMs(schedule) - 1000;
    expect(afterAttempt(state(), 1, { kind: 'response', status: 500, retryAfter: null }, schedule, lateNow, MIDPOINT))
      .toMatchObject({ status: 'failed', reason: expect.stringMatching(/after the retry window/) });
  });

  it('a failure found before sending is final', () => {
    expect(afterAttempt(state(), 1, { kind: 'error', message: 'refused' }, schedule, now, MIDPOINT, true)).toMatchObject({ status: 'failed' });
  });

  it('the window is the whole schedule plus the grace', () => {
    expect(retryWindowMs(schedule)).toBe(2105 * 1000 + WINDOW_GRACE_MS);
  });
});

describe('delivery lifecycle: reopen, cancel, give up', () => {
  it('reopens finished deliveries only, and only while the automation may send', () => {
    expect(reopen(state({ status: 'failed' }), 'active')).toEqual({ kind: 'reopen' });
    expect(reopen(state({ status: 'pending' }), 'active')).toMatchObject({ kind: 'conflict', message: expect.stringMatching(/already pending/) });
    expect(reopen(state({ status: 'succeeded' }), 'deleted')).toMatchObject({ kind: 'conflict', message: expect.stringMatching(/deleted/) });
    expect(reopen(state({ status: 'succeeded' }), 'disabled')).toMatchObject({ kind: 'conflict', message: expect.stringMatching(/turned off/) });
    expect(reopen(state({ status: 'succeeded', isTest: true }), 'disabled')).toEqual({ kind: 'reopen' });
  });

  it('cancellation and dead letters follow the same rules everywhere', () => {
    expect(cancellationFor('active', false)).toBeNull();
    expect(cancellationFor('disabled', true)).toBeNull();
    expect(isOpen('retrying')).toBe(true);
    expect(isOpen('cancelled')).toBe(false);
    expect(mayGiveUp(state(), T0)).toBe(true);
    expect(mayGiveUp(state({ leaseUntil: T0 + 1 }), T0)).toBe(false);
    expect(mayGiveUp(state({ status: 'succeeded' }), T0)).toBe(false);
  });
});

describe('delivery lifecycle: max age (expired)', () => {
  it('sets no expiry for test sends or automations without a max age', () => {
    expect(expiryOf(T0, 60, false)).toBe(T0 + 60_000);
    expect(expiryOf(T0, 60, true)).toBeNull();
    expect(expiryOf(T0, null, false)).toBeNull();
  });

  it('expires at claim once the max age is reached, and sends just before it', () => {
    expect(claim(state({ expiresAt: T0 + 1000 }), claimInput({ now: T0 + 1000 }))).toEqual({ kind: 'expire', reason: EXPIRED_REASON });
    expect(claim(state({ expiresAt: T0 + 1001 }), claimInput({ now: T0 + 1000 }))).toMatchObject({ kind: 'send' });
  });

  it('ends a failed attempt as expired when its retry could only go after the max age', () => {
    const failure = { kind: 'response', status: 500, retryAfter: null } as const;
    // Schedule [5, 300, …]: the first retry is due 5 s (±20 %) later.
    expect(afterAttempt({ openedAt: T0, expiresAt: T0 + 3_000 }, 1, failure, schedule, T0, MIDPOINT))
      .toEqual({ status: 'expired', reason: EXPIRED_REASON });
    expect(afterAttempt({ openedAt: T0, expiresAt: T0 + 10_000 }, 1, failure, schedule, T0, MIDPOINT))
      .toMatchObject({ status: 'retrying' });
  });

  it('never reopens an expired delivery', () => {
    expect(reopen({ status: 'expired', isTest: false }, 'active')).toMatchObject({ kind: 'conflict', message: expect.stringMatching(/expired/) });
  });
});
