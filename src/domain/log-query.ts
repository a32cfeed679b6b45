/**
 * Rules of the delivery log's query: the time window it may ask for, how far it counts, and
 * the time ranges the console offers. Pure: the API and the console both check with these.
 */

/**
 * Times the log accepts. Nothing was delivered before 2000, and ids carry their creation time
 * in 12 hex digits of milliseconds, so a time far in the future would not even be an id bound;
 * such a time is a typo (year 20240) and is refused rather than silently matching nothing.
 */
export const LOG_TIME_MIN = Date.UTC(2000, 0, 1);
export const LOG_TIME_MAX = Date.UTC(2100, 0, 1);

/**
 * Counts stop here: counting walks an index, so it costs at most this many entries per list
 * (a few milliseconds), and beyond it "10,000+" tells an administrator as much as the number.
 */
export const COUNT_CAP = 10_000;

export interface TimeRange {
  /** Created at or after (epoch ms). */
  since?: number;
  /** Created before (epoch ms). */
  until?: number;
}

export interface RangeProblem {
  path: 'since' | 'until';
  message: string;
}

const readable = (ms: number) => new Date(ms).toISOString();

/** What is wrong with a time range, field by field; empty when it may be used. */
export function timeRangeProblems(range: TimeRange): RangeProblem[] {
  const problems: RangeProblem[] = [];
  for (const path of ['since', 'until'] as const) {
    const at = range[path];
    if (at !== undefined && (!Number.isFinite(at) || at < LOG_TIME_MIN || at > LOG_TIME_MAX)) {
      problems.push({ path, message: `must be between ${readable(LOG_TIME_MIN)} and ${readable(LOG_TIME_MAX)}` });
    }
  }
  if (problems.length === 0 && range.since !== undefined && range.until !== undefined && range.since >= range.until) {
    problems.push({ path: 'until', message: `must be later than since (${readable(range.since)}): the range is [since, until)` });
  }
  return problems;
}

/** A count that stops at COUNT_CAP: the number, and whether more match. */
export interface CappedCount {
  count: number;
  capped: boolean;
}

/** Reads a count made with `LIMIT COUNT_CAP + 1`. */
export const capCount = (counted: number): CappedCount =>
  counted > COUNT_CAP ? { count: COUNT_CAP, capped: true } : { count: counted, capped: false };

/** The console's time range presets, newest deliveries back to this long ago. */
export const LOG_RANGES = {
  '1h': { label: 'Last hour', ms: 3_600_000 },
  '24h': { label: 'Last 24 hours', ms: 86_400_000 },
  '7d': { label: 'Last 7 days', ms: 7 * 86_400_000 },
  '30d': { label: 'Last 30 days', ms: 30 * 86_400_000 },
} as const;
export type LogRange = keyof typeof LOG_RANGES;

export const isLogRange = (value: string): value is LogRange => Object.hasOwn(LOG_RANGES, value);
