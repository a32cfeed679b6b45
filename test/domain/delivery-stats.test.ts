import { describe, expect, it } from 'vitest';
import { localDays, parseZone, startOfLocalDay } from '../../src/domain/calendar-days';
import { combinedStreak, HOUR_MS, LATENCY_BUCKETS, latencyBucket, quantile, summarize, type HourStats } from '../../src/domain/delivery-stats';

const hist = (counts: Record<number, number>) => Array.from({ length: LATENCY_BUCKETS }, (_, i) => counts[i] ?? 0);
const hour = (at: number, over: Partial<HourStats> = {}): HourStats => ({
  hour: at, succeeded: 0, failed: 0, cancelled: 0, expired: 0, retried: 0, filtered: 0, attempts: 0, attempts_failed: 0, latency: hist({}), ...over,
});

describe('delivery stats', () => {
  it('buckets latency and estimates quantiles by the bound of the bucket holding them', () => {
    expect([0, 100, 101, 30_000, 30_001].map(latencyBucket)).toEqual([0, 0, 1, 7, 8]);
    expect(quantile(hist({}), 0.5)).toBeNull();
    expect(quantile(hist({ 0: 50, 3: 45, 6: 5 }), 0.5)).toBe(100);
    expect(quantile(hist({ 0: 50, 3: 45, 6: 5 }), 0.95)).toBe(1_000);
    expect(quantile(hist({ 0: 50, 3: 44, 6: 6 }), 0.95)).toBe(10_000);
    expect(quantile(hist({ 8: 1 }), 0.5)).toBe(30_000);
  });

  it('24h: 24 hourly points ending with the current hour; 7d: 7 points of 24 hours; older hours left out', () => {
    const now = Date.UTC(2026, 0, 10, 15, 30);
    const current = Date.UTC(2026, 0, 10, 15);
    const hours = [
      hour(current, { succeeded: 2, attempts: 3, attempts_failed: 1, latency: hist({ 1: 3 }) }),
      hour(current - 23 * HOUR_MS, { failed: 1 }),
      hour(current - 24 * HOUR_MS, { succeeded: 5 }),
      hour(current - 167 * HOUR_MS, { cancelled: 1 }),
    ];
    const day = summarize('24h', hours, { open: 4, retrying: 0 }, now);
    expect(day.from).toBe(new Date(current - 23 * HOUR_MS).toISOString());
    expect(day.series.points).toHaveLength(24);
    expect(day.series.points[0]).toMatchObject({ failed: 1 });
    expect(day.series.points[23]).toMatchObject({ succeeded: 2 });
    expect(day.counts).toEqual({ succeeded: 2, failed: 1, cancelled: 0, expired: 0, retried: 0, filtered: 0, open: 4, retrying: 0 });
    expect(day.success_rate).toBeCloseTo(2 / 3);
    expect(day.latency_ms).toEqual({ p50: 250, p95: 250 });

    const week = summarize('7d', hours, { open: 0, retrying: 0 }, now);
    expect(week.series.bucket).toBe('day');
    // UTC calendar days: Jan 4 … Jan 10; the hour 167 h back (Jan 3, 16:00) is before the first.
    expect(week.series.points.map((p) => p.start.slice(0, 10))).toEqual(['2026-01-04', '2026-01-05', '2026-01-06', '2026-01-07', '2026-01-08', '2026-01-09', '2026-01-10']);
    expect(week.series.points.map((p) => p.succeeded + p.failed + p.cancelled)).toEqual([0, 0, 0, 0, 0, 6, 2]);
    expect(week.counts).toMatchObject({ succeeded: 7, failed: 1, cancelled: 0 });
    expect(week.to).toBe('2026-01-11T00:00:00.000Z');
  });

  it('7d buckets by the reader’s calendar days: today’s deliveries are today’s wherever the reader is', () => {
    // 00:30 on Jan 10 in Lisbon (UTC+0 in winter) but 19:30 on Jan 9 in New York, 06:00 on Jan 10 in Kolkata.
    const now = Date.UTC(2026, 0, 10, 0, 30);
    const hours = [hour(Date.UTC(2026, 0, 10, 0), { succeeded: 1 }), hour(Date.UTC(2026, 0, 9, 20), { failed: 1 })];
    const lastDay = (tz: string) => {
      const stats = summarize('7d', hours, { open: 0, retrying: 0 }, now, parseZone(tz)!);
      return { zone: stats.zone, start: stats.series.points.at(-1)!.start, last: stats.series.points.at(-1)!, to: stats.to };
    };
    expect(lastDay('Europe/Lisbon')).toMatchObject({ zone: 'Europe/Lisbon', start: '2026-01-10T00:00:00.000Z', last: { succeeded: 1, failed: 0 } });
    // In New York it is still Jan 9 (from 05:00 UTC): both hours are that day's.
    expect(lastDay('America/New_York')).toMatchObject({ start: '2026-01-09T05:00:00.000Z', last: { succeeded: 1, failed: 1 }, to: '2026-01-10T05:00:00.000Z' });
    // Kolkata's Jan 10 began at 18:30 UTC on Jan 9: the 20:00 hour is today's, and so is 00:00.
    expect(lastDay('+05:30')).toMatchObject({ start: '2026-01-09T18:30:00.000Z', last: { succeeded: 1, failed: 1 } });
    expect(lastDay('Asia/Kolkata').start).toBe('2026-01-09T18:30:00.000Z');
  });

  it('finds local midnights across daylight saving changes, and refuses zones that do not exist', () => {
    const lisbon = parseZone('Europe/Lisbon')!;
    // Clocks went forward on 2026-03-29 at 01:00 UTC: that day is 23 hours long.
    const { starts, end } = localDays(lisbon, Date.UTC(2026, 2, 30, 12), 3);
    expect(starts.map((s) => new Date(s).toISOString())).toEqual(['2026-03-28T00:00:00.000Z', '2026-03-29T00:00:00.000Z', '2026-03-29T23:00:00.000Z']);
    expect(new Date(end).toISOString()).toBe('2026-03-30T23:00:00.000Z');
    expect(new Date(startOfLocalDay(parseZone('-03:00')!, Date.UTC(2026, 0, 10, 2))).toISOString()).toBe('2026-01-09T03:00:00.000Z');
    expect(['Mars/Olympus', '+25:00', '+05:75', '../etc', ''].map(parseZone)).toEqual([null, null, null, null, null]);
    expect(parseZone('Z')!.name).toBe('UTC');
  });

  it('counts what is happening now: retrying deliveries lower the success rate and a task with only failing attempts is failing', () => {
    const now = Date.UTC(2026, 0, 10, 15, 30);
    const current = Date.UTC(2026, 0, 10, 15);
    const onlyFailing = summarize('24h', [hour(current, { retried: 33, attempts: 33, attempts_failed: 33 })], { open: 25, retrying: 25, failingSince: current }, now);
    expect(onlyFailing).toMatchObject({ state: 'failing', success_rate: 0, failing_since: new Date(current).toISOString(), counts: { retrying: 25, retried: 33 } });
    expect(onlyFailing.series.points.at(-1)).toMatchObject({ retried: 33 });
    // 100 succeeded elsewhere while 25 retry: not 100%.
    const account = summarize('24h', [hour(current, { succeeded: 100, retried: 33, attempts: 133, attempts_failed: 33 })], { open: 25, retrying: 25 }, now);
    expect(account).toMatchObject({ state: 'degraded', success_rate: 0.8 });
    expect(account).not.toHaveProperty('failing_since');
    expect(summarize('24h', [hour(current, { succeeded: 3, attempts: 3 })], { open: 0, retrying: 0, failingSince: null }, now).state).toBe('ok');
    expect(summarize('24h', [], { open: 0, retrying: 0 }, now)).toMatchObject({ state: 'idle', success_rate: null });
    // A task in a failure streak is failing even with earlier successes in the window.
    expect(summarize('24h', [hour(current, { succeeded: 3, retried: 1, attempts: 4, attempts_failed: 1 })], { open: 1, retrying: 1, failingSince: current }, now).state).toBe('failing');
  });

  it('counts expired deliveries like failed ones: against the success rate, and never healthy', () => {
    const now = Date.UTC(2026, 0, 10, 15, 30);
    const current = Date.UTC(2026, 0, 10, 15);
    const hours = [hour(current, { succeeded: 6, expired: 2 }), hour(current - HOUR_MS, { failed: 1 })];
    // succeeded ÷ (succeeded + failed + expired + retrying now) = 6 / (6 + 1 + 2 + 1).
    const day = summarize('24h', hours, { open: 1, retrying: 1 }, now);
    expect(day).toMatchObject({ state: 'degraded', success_rate: 0.6, counts: { succeeded: 6, failed: 1, expired: 2, retrying: 1 } });
    expect(day.series.points[23]).toMatchObject({ succeeded: 6, expired: 2 });
    expect(summarize('24h', [hour(current, { succeeded: 1, expired: 1 })], { open: 0, retrying: 0 }, now))
      .toMatchObject({ state: 'degraded', success_rate: 0.5 });
    // Only expired deliveries: nothing was delivered, so the window is failing, not idle.
    expect(summarize('24h', [hour(current, { expired: 3 })], { open: 0, retrying: 0 }, now)).toMatchObject({ state: 'failing', success_rate: 0 });
  });

  it('a streak over partitions: the latest start when all are failing, none when one succeeded last', () => {
    expect(combinedStreak([5, undefined, 9])).toBe(9);
    expect(combinedStreak([5, null])).toBeNull();
    expect(combinedStreak([undefined, undefined])).toBeNull();
  });
});
