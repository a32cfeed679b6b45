/**
 * Partitions: one account's data plane split over N account objects, so that one very large
 * contact center is not bound by one object's storage and request rate. With no I/O.
 *
 * An event goes to the partition of its business key — `call_id`, else `contact_id`,
 * `interaction_id`, `agent_id`, else its event id — so one call's events (their order and a
 * platform's retries of them) stay in one object. The operator may raise N, never lower it:
 * events already stored stay where they are, and a key is looked up in the partition it had
 * under each N the account has used (`history`).
 */
import { BUSINESS_KEYS, type BusinessKeys } from './business-keys';

export const MAX_PARTITIONS = 64;

export interface Partitioning {
  /** Partitions new events are spread over. */
  count: number;
  /** Every count the account has used, ascending (the last one is `count`). */
  history: readonly number[];
}

export const SINGLE: Partitioning = { count: 1, history: [1] };

/** The key that places an event: its first business key, else its id. */
export function partitionKeyOf(keys: BusinessKeys, eventId: string): string {
  for (const name of BUSINESS_KEYS) {
    const value = keys[name];
    if (value) return `${name}:${value}`;
  }
  return `event:${eventId}`;
}

/**
 * FNV-1a (32-bit) of the key's UTF-16 units: stable forever (it decides where stored events
 * are), fast, and even enough over call ids for N ≤ 64.
 */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

export function partitionOf(key: string, count: number): number {
  return count <= 1 ? 0 : fnv1a(key) % count;
}

/** The partitions that may hold events of this key: its partition under each count used. */
export function partitionsForKey(key: string, p: Partitioning): number[] {
  return [...new Set(p.history.map((count) => partitionOf(key, count)))].sort((a, b) => a - b);
}

export type Resize = { ok: Partitioning } | { conflict: string };

/** Raising applies to events posted from then on; lowering would strand stored events. */
export function resize(p: Partitioning, to: number): Resize {
  if (to < p.count) {
    return { conflict: `Partitions can only be raised: this account has ${p.count}, and events already stored in the others would be stranded` };
  }
  if (to === p.count) return { ok: p };
  return { ok: { count: to, history: [...p.history, to] } };
}

/** Reads the stored history (a JSON array of counts); anything unreadable is the single partition. */
export function partitioningOf(count: number, history: string | null | undefined): Partitioning {
  let parsed: unknown;
  try {
    parsed = JSON.parse(history ?? '[]');
  } catch {
    parsed = [];
  }
  const counts = Array.isArray(parsed) ? parsed.filter((n): n is number => Number.isInteger(n) && n >= 1 && n <= MAX_PARTITIONS) : [];
  const all = [...new Set([1, ...counts, count])].sort((a, b) => a - b);
  return { count, history: all.filter((n) => n <= count) };
}
