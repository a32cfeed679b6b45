/**
 * The time window of a recovery or a backfill, `[since, until)`, checked with no I/O: `since`
 * before `until` and at most `maxDays` back (older rows may already be purged, and a receiver
 * rarely wants them).
 */
const DAY_MS = 86_400_000;

export function windowProblems(since: number, until: number, now: number, maxDays: number): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  if (since < now - maxDays * DAY_MS) problems.push({ path: 'since', message: `at most ${maxDays} days ago` });
  if (since >= until) problems.push({ path: 'since', message: 'must be before until' });
  return problems;
}
