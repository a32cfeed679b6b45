import { describe, expect, it } from 'vitest';
import { HOUR_MS, LATENCY_BUCKETS, latencyBucket, quantile, summarize, type HourStats } from '../../src/domain/delivery-stats';

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
    const day = summarize('24h', hours, 4, now);
    expect(day.from).toBe(new Date(current - 23 * HOUR_MS).toISOString());
    expect(day.series.points).toHaveLength(24);
    expect(day.series.points[0]).toMatchObject({ failed: 1 });
    expect(day.series.points[23]).toMatchObject({ succeeded: 2 });
    expect(day.counts).toEqual({ succeeded: 2, failed: 1, cancelled: 0, expired: 0, retried: 0, filtered: 0, open: 4 });
    expect(day.success_rate).toBeCloseTo(2 / 3);
    expect(day.latency_ms).toEqual({ p50: 250, p95: 250 });

    const week = summarize('7d', hours, 0, now);
    expect(week.series.bucket).toBe('day');
    expect(week.series.points.map((p) => p.succeeded + p.failed + p.cancelled)).toEqual([1, 0, 0, 0, 0, 5, 3]);
    expect(week.counts).toMatchObject({ succeeded: 7, failed: 1, cancelled: 1 });
  });
});
