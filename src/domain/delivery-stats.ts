/**
 * Delivery health over a window, from hourly rollups kept as outcomes are recorded: counts by
 * outcome, attempts, and attempt latency as a small fixed-bucket histogram from which p50/p95
 * are estimated. Pure: the account object stores the hours and hands them here.
 */
import { z } from 'zod';
import { localDays, UTC_ZONE, type Zone } from './calendar-days';

export const HOUR_MS = 3_600_000;

/**
 * Upper bounds (ms) of the latency buckets; one more bucket holds everything slower. The
 * account object's `stats_hourly` table has one column per bucket (lat_0 … lat_8).
 */
export const LATENCY_BOUNDS_MS = [100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000] as const;
export const LATENCY_BUCKETS = LATENCY_BOUNDS_MS.length + 1;

export const StatsWindow = z.enum(['24h', '7d']);
export type StatsWindow = z.infer<typeof StatsWindow>;

/** 24 h: 24 hourly points. 7 d: 7 daily points, the reader's calendar days ending with today. */
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

/** Where a window stands, worst first: see `healthState`. */
export const HealthState = z.enum(['failing', 'degraded', 'ok', 'idle']);
export type HealthState = z.infer<typeof HealthState>;

/** What is happening now, beside the window's rollups: read live from the deliveries and the automation's health. */
export interface LiveCounts {
  /** Deliveries waiting to be sent (pending or retrying). */
  open: number;
  /** Of those, the ones whose last attempt failed and that wait to be tried again. */
  retrying: number;
  /** For one automation: the first failed attempt of the failure streak it is in (every attempt since failed); null when its latest attempt succeeded or none was made. */
  failingSince?: number | null;
}

export interface WindowStats {
  window: StatsWindow;
  /** The time zone the 7-day view's days are in ('UTC' unless the reader gave one). */
  zone: string;
  from: string;
  to: string;
  state: HealthState;
  success_rate: number | null;
  failing_since?: string | null;
  counts: { succeeded: number; failed: number; cancelled: number; expired: number; retried: number; filtered: number; open: number; retrying: number };
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

/**
 * The window's buckets: 24 hours ending with the current one, or the reader's 7 calendar days
 * ending with today. `firstHour` is the first hourly rollup to read. An hour is filed under
 * the day its start falls in, so in a zone a half or quarter hour off UTC the rollup holding
 * midnight goes to the day before.
 */
export function windowBuckets(window: StatsWindow, now: number, zone: Zone = UTC_ZONE): { starts: number[]; end: number; firstHour: number } {
  if (window === '24h') {
    const from = windowStart(window, now);
    const starts = Array.from({ length: 24 }, (_, i) => from + i * HOUR_MS);
    return { starts, end: from + 24 * HOUR_MS, firstHour: from };
  }
  const { starts, end } = localDays(zone, now, WINDOWS[window].hours / 24);
  return { starts, end, firstHour: Math.ceil(starts[0]! / HOUR_MS) * HOUR_MS };
}

/**
 * One automation's failure streak over partitions, each of which keeps its own: every attempt
 * since the latest start failed in every partition, so that is when it is failing since; a
 * partition whose latest attempt succeeded (null) means it is not failing. Partitions that never
 * saw an attempt (undefined) say nothing.
 */
export function combinedStreak(starts: readonly (number | null | undefined)[]): number | null {
  const known = starts.filter((s) => s !== undefined);
  if (known.length === 0 || known.some((s) => s === null)) return null;
  return Math.max(...(known as number[]));
}

/**
 * Where a window stands: `failing` when attempts failed and none succeeded (or, for one
 * automation, every attempt has failed since some time), `degraded` when anything failed, expired
 * or is waiting to be retried, `ok` when deliveries succeeded, else `idle`.
 */
export function healthState(counts: WindowStats['counts'], attempts: WindowStats['attempts'], failingSince: number | null | undefined): HealthState {
  const troubled = counts.failed + counts.expired + counts.retrying + counts.retried + attempts.failed > 0;
  if (troubled && (counts.succeeded === 0 || (failingSince ?? null) !== null)) return 'failing';
  if (troubled) return 'degraded';
  return counts.succeeded + counts.cancelled > 0 ? 'ok' : 'idle';
}

/**
 * Rolls the window's hours up, with what is happening now (`live`: deliveries waiting and
 * retrying, the automation's failure streak). The success rate counts deliveries retrying now
 * as not (yet) succeeded, so a receiver failing right now never shows as 100%, and expired ones
 * (never delivered in time) as failed.
 */
export function summarize(window: StatsWindow, hours: readonly HourStats[], live: LiveCounts, now: number, zone: Zone = UTC_ZONE): WindowStats {
  const { bucketHours } = WINDOWS[window];
  const { starts, end } = windowBuckets(window, now, zone);
  const from = starts[0]!;
  const points = starts.map((start) => ({
    start: new Date(start).toISOString(), succeeded: 0, failed: 0, cancelled: 0, expired: 0, retried: 0, filtered: 0,
  }));
  const counts = { succeeded: 0, failed: 0, cancelled: 0, expired: 0, retried: 0, filtered: 0, open: live.open, retrying: live.retrying };
  const attempts = { total: 0, failed: 0 };
  const latency = new Array<number>(LATENCY_BUCKETS).fill(0);
  for (const h of hours) {
    if (h.hour < from || h.hour >= end) continue;
    let index = starts.length - 1;
    while (index > 0 && starts[index]! > h.hour) index--;
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
  const judged = counts.succeeded + counts.failed + counts.expired + counts.retrying;
  return {
    window,
    zone: zone.name,
    from: new Date(from).toISOString(),
    to: new Date(end).toISOString(),
    state: healthState(counts, attempts, live.failingSince),
    success_rate: judged === 0 ? null : counts.succeeded / judged,
    ...(live.failingSince === undefined ? {} : { failing_since: live.failingSince === null ? null : new Date(live.failingSince).toISOString() }),
    counts,
    attempts,
    latency_ms: { p50: quantile(latency, 0.5), p95: quantile(latency, 0.95) },
    series: { bucket: bucketHours === 1 ? 'hour' : 'day', points },
  };
}
