/** Small statistics helpers. */

/** Nearest-rank percentile of numbers (p in 0..100); NaN for no samples. */
export function percentile(values, p) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/** The middle value, or the mean of the two middle values for an even count; NaN for none. */
export function median(values) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** The median of the known values (null when none is): a measure some runs could not take. */
export function medianOf(values) {
  const known = values.filter((v) => v !== null && v !== undefined);
  return known.length ? median(known) : null;
}

export const round = (value, digits = 2) => (Number.isFinite(value) ? Number(value.toFixed(digits)) : value);

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
