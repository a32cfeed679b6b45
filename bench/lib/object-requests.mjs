/**
 * Requests the account objects received, as counted where they arrive (the bench runs the Worker
 * behind bench/workers/counted-objects.mjs). Counts only grow; a measurement takes the
 * difference around what it measures.
 */
import { planeKeyOf } from './plane.mjs';

/** Answered by the bench's wrapper module before the Worker's app; not a route of the Worker. */
export const COUNTS_PATH = '/__bench/object-requests';

/**
 * Calls the objects make to themselves are not counted; calls that are not requests of the data
 * plane are read apart: `usage` is the bench's own polling (waiting for deliveries to settle),
 * `alarm` the object waking itself (dispatch, retries, retention).
 */
export const NOT_REQUESTS = ['usage', 'alarm'];

/** Method → calls so far, summed over the account's `partitions` objects; and the gates' calls. */
export async function objectRequests(api, accountId, partitions) {
  const keys = Array.from({ length: partitions }, (_, p) => planeKeyOf(accountId, p));
  const { status, body } = await api.request('POST', COUNTS_PATH, undefined, { planes: keys });
  if (status !== 200) throw new Error(`${COUNTS_PATH} answered ${status}`);
  return { perObject: keys.map((key) => body.planes[key]), gates: body.gates };
}

/** after − before, per method (methods that did not move are left out). */
export function difference(before, after) {
  return Object.fromEntries(Object.entries(after).map(([m, n]) => [m, n - (before[m] ?? 0)]).filter(([, n]) => n !== 0));
}

export const total = (byMethod, except = []) => Object.entries(byMethod).reduce((n, [m, calls]) => (except.includes(m) ? n : n + calls), 0);
