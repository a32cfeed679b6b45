/**
 * Delivery health over a window, from hourly rollups kept as outcomes are recorded: counts by
 * outcome, attempts, and attempt latency as a small fixed-bucket histogram from which p50/p95
 * are estimated. Pure: the account object stores the hours and hands them here.
 */
import { z } from 'zod';

export const HOUR_MS = 3_600_000;

/**
 * Upper bounds (ms) of the latency buckets; one more bucket holds everything slower. The
 * account object's `stats_hourly` table has one column per bucket (lat_0 … lat_8).
 */
export const LATENCY_BOUNDS_MS = [100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000] as const;
export const LATENCY_BUCKETS = LATENCY_BOUNDS_MS.length + 1;

export const StatsWindow = z.enum(['24h', '7d']);
export type StatsWindow = z.infer<typeof StatsWindow>;

/** 24 h: 24 hourly points. 7 d: 7 daily points, each 24 hours ending on an hour boundary. */
export const WINDOWS: Record<StatsWindow, { hours: number; bucketHours: number }> = {
  '24h': { hours: 24, bucketHours: 1 },
  '7d': { hours: 168, bucketHours: 24 },
};

export function latencyBucket(ms: number): number {
  const index = LATENCY_BOUNDS_MS.findIndex((bound) => ms <= bound);
  return index === -1 ? LATENCY_BOUNDS_MS.length : index;
}

export const hourOf = (ms: number) => Math.floor(ms / HOUR_MS) * HOUR_MS;

/**
 * The `p` quantile (0–1) estimated from a histogram: the upper bound of the bucket that holds
 * it, so the estimate never understates. Beyond the last bound it is that bound; null without data.
 */
export function quantile(histogram: readonly number[], p: number): number | null {
  const total = histogram.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  const rank = Math.ceil(p * total);
  let seen = 0;
  for (let i = 0; i < histogram.length; i++) {
    seen += histogram[i]!;
    if (seen >= rank) return LATENCY_BOUNDS_MS[Math.min(i, LATENCY_BOUNDS_MS.length - 1)]!;
  }
  return LATENCY_BOUNDS_MS[LATENCY_BOUNDS_MS.length - 1]!;
}

/** One hour of one automation (or of several, summed). */
export interface HourStats {
  hour: number;
  succeeded: number;
  failed: number;
  cancelled: number;
  /** Not succeeded by their event's time + the automation's max age, so never sent late. */
  expired: number;
  retried: number;
  /** Events the automation's conditions filtered out: no delivery was made of them. */
  filtered: number;
  attempts: number;
  attempts_failed: number;
  latency: number[];
}

export interface WindowStats {
  window: StatsWindow;
  from: string;
  to: string;
  success_rate: number | null;
  counts: { succeeded: number; failed: number; cancelled: number; expired: number; retried: number; filtered: number; open: number };
  attempts: { total: number; failed: number };
  latency_ms: { p50: number | null; p95: number | null };
  series: { bucket: 'hour' | 'day'; points: { start: string; succeeded: number; failed: number; cancelled: number; expired: number; retried: number; filtered: number }[] };
}

/** The first hour a window covers: it ends with the hour that holds `now`. */
export function windowStart(window: StatsWindow, now: number): number {
  return hourOf(now) - (WINDOWS[window].hours - 1) * HOUR_MS;
}

/** The hours of several partitions as one account's: each hour's counts and buckets added up. */
export function sumHours(parts: readonly (readonly HourStats[])[]): HourStats[] {
  const byHour = new Map<number, HourStats>();
  for (const hours of parts) {
    for (const h of hours) {
      const into = byHour.get(h.hour);
      if (!into) {
        byHour.set(h.hour, { ...h, latency: [...h.latency] });
        continue;
      }
      into.succeeded += h.succeeded;
      into.failed += h.failed;
      into.cancelled += h.cancelled;
      into.expired += h.expired;
      into.retried += h.retried;
      into.filtered += h.filtered;
      into.attempts += h.attempts;
      into.attempts_failed += h.attempts_failed;
      h.latency.forEach((n, i) => (into.latency[i] = (into.latency[i] ?? 0) + n));
    }
  }
  return [...byHour.values()].sort((a, b) => a.hour - b.hour);
}

/** Rolls the window's hours up; `open` (deliveries waiting now) is a live count the caller adds. */
export function summarize(window: StatsWindow, hours: readonly HourStats[], open: number, now: number): WindowStats {
  const { hours: span, bucketHours } = WINDOWS[window];
  const from = windowStart(window, now);
  const points = Array.from({ length: span / bucketHours }, (_, i) => ({
    start: new Date(from + i * bucketHours * HOUR_MS).toISOString(), succeeded: 0, failed: 0, cancelled: 0, expired: 0, retried: 0, filtered: 0,
  }));
  const counts = { succeeded: 0, failed: 0, cancelled: 0, expired: 0, retried: 0, filtered: 0, open };
  const attempts = { total: 0, failed: 0 };
  const latency = new Array<number>(LATENCY_BUCKETS).fill(0);
  for (const h of hours) {
    const index = Math.floor((h.hour - from) / (bucketHours * HOUR_MS));
    const point = points[index];
    if (!point) continue;
    for (const key of ['succeeded', 'failed', 'cancelled', 'expired', 'retried', 'filtered'] as const) {
      point[key] += h[key];
      counts[key] += h[key];
    }
    attempts.total += h.attempts;
    attempts.failed += h.attempts_failed;
    h.latency.forEach((n, i) => (latency[i]! += n));
  }
  // An expired delivery was not delivered in time: it counts against the rate like a failure.
  const finished = counts.succeeded + counts.failed + counts.expired;
  return {
    window,
    from: new Date(from).toISOString(),
    to: new Date(from + span * HOUR_MS).toISOString(),
    success_rate: finished === 0 ? null : counts.succeeded / finished,
    counts,
    attempts,
    latency_ms: { p50: quantile(latency, 0.5), p95: quantile(latency, 0.95) },
    series: { bucket: bucketHours === 1 ? 'hour' : 'day', points },
  };
}
