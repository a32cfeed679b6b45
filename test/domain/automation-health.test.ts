import { describe, expect, it } from 'vitest';
import { FAILING_AFTER_MS, healthy, observeAttempt } from '../../src/domain/automation-health';

const H = 3_600_000;
const T0 = Date.parse('2026-11-02T10:00:00Z');
const FIVE_DAYS = 120 * H;

describe('automation health', () => {
  it('a failure starts a streak; a success ends it', () => {
    const first = observeAttempt(healthy(), false, T0, FIVE_DAYS);
    expect(first).toEqual({ health: { streakStartedAt: T0, failureDays: ['2026-11-02'], failingSince: null }, changes: [] });
    expect(observeAttempt(first.health, true, T0 + H, FIVE_DAYS)).toEqual({ health: healthy(), changes: [] });
  });

  it('is failing after 24 hours of nothing but failures, said once', () => {
    let h = observeAttempt(healthy(), false, T0, FIVE_DAYS).health;
    expect(observeAttempt(h, false, T0 + FAILING_AFTER_MS - 1, FIVE_DAYS).changes).toEqual([]);
    const failing = observeAttempt(h, false, T0 + FAILING_AFTER_MS, FIVE_DAYS);
    expect(failing.changes).toEqual(['failing']);
    h = failing.health;
    expect(h.failingSince).toBe(T0 + FAILING_AFTER_MS);
    expect(observeAttempt(h, false, T0 + 30 * H, FIVE_DAYS).changes).toEqual([]);
    expect(observeAttempt(h, true, T0 + 30 * H, FIVE_DAYS).changes).toEqual(['recovered']);
  });

  it('turns off after the configured hours, but only with failures on two separate days', () => {
    // A streak that has lasted long enough but whose failures all fell on one day (a burst, then silence).
    const oneDay = { streakStartedAt: T0, failureDays: ['2026-11-02'], failingSince: T0 + FAILING_AFTER_MS };
    const sameDay = observeAttempt(oneDay, false, Date.parse('2026-11-02T23:59:00Z') + FIVE_DAYS, FIVE_DAYS);
    expect(sameDay.changes).toEqual(['disable']); // that attempt is on a later day: now two days
    const stillOneDay = observeAttempt({ ...oneDay, failureDays: [] }, false, T0 + FIVE_DAYS, FIVE_DAYS);
    expect(stillOneDay.health.failureDays).toHaveLength(1);
    expect(stillOneDay.changes).toEqual([]);
    const twoDays = { streakStartedAt: T0, failureDays: ['2026-11-02', '2026-11-03'], failingSince: T0 + FAILING_AFTER_MS };
    expect(observeAttempt(twoDays, false, T0 + FIVE_DAYS - 1, FIVE_DAYS).changes).toEqual([]);
    expect(observeAttempt(twoDays, false, T0 + FIVE_DAYS, FIVE_DAYS).changes).toEqual(['disable']);
  });
});
