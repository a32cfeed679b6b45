/**
 * A dry run of conditions: how many of the account's most recent events of a trigger they
 * would have matched. Each partition evaluates its own newest events (`matchesConditions`)
 * and answers one small row per event; this combines those rows as one account's.
 */
import { z } from 'zod';

export const DRY_RUN_DEFAULT_LIMIT = 200;
export const DRY_RUN_MAX_LIMIT = 1_000;
/** Ids of matching events in the answer, newest first: enough to look a few up. */
export const DRY_RUN_SAMPLE = 10;

export const DryRunLimit = z.int().min(1).max(DRY_RUN_MAX_LIMIT);

/** One stored event as a partition judged it. */
export interface JudgedEvent {
  id: string;
  receivedAt: number;
  matched: boolean;
}

export interface DryRunResult {
  examined: number;
  matched: number;
  sample_event_ids: string[];
}

/** The newest `limit` events across the partitions' answers (each newest first), counted. */
export function combineDryRun(parts: readonly (readonly JudgedEvent[])[], limit: number): DryRunResult {
  const newest = parts
    .flat()
    .sort((a, b) => b.receivedAt - a.receivedAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
    .slice(0, limit);
  const matched = newest.filter((e) => e.matched);
  return { examined: newest.length, matched: matched.length, sample_event_ids: matched.slice(0, DRY_RUN_SAMPLE).map((e) => e.id) };
}
