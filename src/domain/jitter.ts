/**
 * Jitter on retry delays and destination pauses. Without it, after an outage every delivery
 * of a destination was scheduled for the same second, and the receiver that just came back met
 * them all at once. Each scheduled delay and each pause is spread ±20 % around its nominal
 * length (as Svix does), so a crowd that failed together comes back over 40 % of the delay.
 * A time the receiver asked for (Retry-After) is kept as asked.
 */
import type { Random } from '../lib/random';

export type { Random };

export const JITTER = 0.2;

/** `value` spread uniformly over [1 − JITTER, 1 + JITTER) of itself. */
export function spread(value: number, random: Random): number {
  return value * (1 - JITTER + 2 * JITTER * random());
}

/** The middle of every spread: nominal delays (for tests that check exact schedules). */
export const MIDPOINT: Random = () => 0.5;
