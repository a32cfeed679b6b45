/**
 * One page of the delivery log from the pages of an account's partitions, with no I/O. Ids
 * sort by creation time across partitions, so the merged page is the `limit` newest (or, for
 * the newer page, the `limit` oldest above the cursor) of what the partitions returned, and an
 * id is a cursor that works for every partition. Each partition returns its own page of the
 * same size with the same cursor, plus how many of its deliveries lie beyond that cursor; the
 * counts of the merged page follow from those (see `newerCount`).
 */
import { COUNT_CAP } from './log-query';

export interface PartitionPage<T extends { id: string }> {
  data: T[];
  next_cursor: string | null;
  prev_cursor: string | null;
  total: number;
  total_capped: boolean;
  /** Matching at or newer than `cursor`, or at or older than `endingBefore`; null past the cap. */
  cursor_count?: number | null;
}

export interface MergedPage<T extends { id: string }> {
  data: T[];
  next_cursor: string | null;
  prev_cursor: string | null;
  total: number;
  total_capped: boolean;
  newer_count: number | null;
}

export interface MergeRequest {
  limit: number;
  cursor?: string;
  endingBefore?: string;
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

/** A sum of counts each capped at COUNT_CAP, capped the same way; null when it cannot be known. */
function cappedSum(counts: (number | null | undefined)[]): number | null {
  if (counts.some((c) => c === null || c === undefined)) return null;
  const total = sum(counts as number[]);
  return total > COUNT_CAP ? null : total;
}

export function mergePages<T extends { id: string }>(pages: PartitionPage<T>[], req: MergeRequest): MergedPage<T> {
  const newerPage = req.endingBefore !== undefined;
  const all = pages.flatMap((p) => p.data);
  const shown = newerPage
    ? all.sort((a, b) => (a.id < b.id ? -1 : 1)).slice(0, req.limit).reverse()
    : all.sort((a, b) => (a.id < b.id ? 1 : -1)).slice(0, req.limit);
  const totalSum = sum(pages.map((p) => p.total));
  const totalCapped = pages.some((p) => p.total_capped) || totalSum > COUNT_CAP;
  const total = Math.min(totalSum, COUNT_CAP);
  const newest = shown[0];
  const oldest = shown[shown.length - 1];
  if (!newest || !oldest) return { data: shown, next_cursor: null, prev_cursor: null, total, total_capped: totalCapped, newer_count: null };

  const beyond = cappedSum(pages.map((p) => p.cursor_count));
  // Older than the page: a partition kept rows the merge did not show, or has more past its own
  // page; for the newer page, exactly the deliveries at or before `endingBefore`.
  const older = newerPage
    ? beyond === null || beyond > 0
    : pages.some((p) => p.next_cursor !== null || p.data.some((d) => d.id < oldest.id));
  const newer = newerPage
    ? pages.some((p) => p.prev_cursor !== null || p.data.some((d) => d.id > newest.id))
    : req.cursor !== undefined && (beyond === null || beyond > 0);
  return {
    data: shown,
    next_cursor: older ? oldest.id : null,
    prev_cursor: newer ? newest.id : null,
    total,
    total_capped: totalCapped,
    newer_count: newerCount(req, shown.length, beyond, totalCapped ? null : totalSum),
  };
}

/**
 * Deliveries newer than the merged page. Older page after cursor C: no delivery lies between C
 * and the page's newest (the merge took the newest below C), so it is the count at or above C.
 * Newer page before E: none lies between E and the page's newest either, so it is the total
 * less those at or below E and those shown. The first page has none.
 */
function newerCount(req: MergeRequest, shown: number, beyond: number | null, total: number | null): number | null {
  if (req.endingBefore !== undefined) return total === null || beyond === null ? null : total - beyond - shown;
  if (req.cursor !== undefined) return beyond;
  return 0;
}
