/** Steps several sections share. Each account's webhooks go to a sink bucket named after it. */
import { callEndedData, SAMPLE_BODY, TRIGGER } from '../lib/fixtures.mjs';
import { measureLoad } from '../lib/load.mjs';
import { settle, usageOf } from '../lib/plane.mjs';
import { percentile, sleep } from '../lib/stats.mjs';

/**
 * An account with `count` automations on the trigger, all delivering to the bucket
 * `account.bucket` (one destination). `options` are other automation fields.
 */
export async function accountWithAutomations(ctx, id, count, bodyOf = () => SAMPLE_BODY, options = {}) {
  const account = { ...(await ctx.api.createAccount(id)) };
  account.bucket = account.id;
  account.automations = [];
  for (let i = 0; i < count; i++) account.automations.push((await ctx.api.createAutomation(account, ctx.sink.url(account.bucket), bodyOf(i), options)).id);
  return account;
}

const eventRequest = (account) => ({
  method: 'POST',
  path: '/v1/events',
  headers: { authorization: `Bearer ${account.events}`, 'content-type': 'application/json' },
  body: JSON.stringify({ type: TRIGGER, data: callEndedData(1) }),
});

/**
 * Closed-loop load on POST /v1/events (the same event body each time; ids are minted by the
 * API). With several accounts, each connection cycles through them, so the load is spread
 * evenly over their account objects.
 */
export async function measureEventLoad(ctx, accounts, durationSec) {
  const list = Array.isArray(accounts) ? accounts : [accounts];
  const { method, headers, body } = eventRequest(list[0]);
  return measureLoad({
    url: `${ctx.url}/v1/events`,
    method,
    headers,
    body,
    ...(list.length > 1 ? { requests: list.map(eventRequest) } : {}),
    connections: ctx.profile.connections,
    durationSec,
  });
}

/**
 * Waits (bounded) until `account`'s bucket has received `expected` webhooks and its account
 * object has no open delivery left; returns how many arrived.
 */
export async function drain(ctx, account, expected) {
  await ctx.sink.waitFor(account.bucket, expected, ctx.profile.drainTimeoutMs);
  await settle(ctx.api, [account.id], ctx.profile.settleTimeoutMs);
  return ctx.sink.arrivals(account.bucket).length;
}

/**
 * After closed-loop load, where requests cut off at the end may still have been accepted:
 * waits (bounded) until the accounts' objects have no open delivery, what they stored stays
 * put, and the buckets received at least every delivery stored. Returns the deliveries the
 * objects stored (each automation here matches, so one per event and automation) and the
 * webhooks that arrived.
 */
export async function drainStored(ctx, accounts) {
  const deadline = performance.now() + ctx.profile.drainTimeoutMs;
  const arrived = () => accounts.reduce((n, a) => n + ctx.sink.arrivals(a.bucket).length, 0);
  let previous = -1;
  for (;;) {
    const usages = await Promise.all(accounts.map((a) => usageOf(ctx.api, a.id)));
    const stored = usages.reduce((n, u) => n + u.deliveries_stored, 0);
    const open = usages.reduce((n, u) => n + u.open_deliveries, 0);
    if ((open === 0 && stored === previous && arrived() >= stored) || performance.now() >= deadline) {
      return { deliveriesExpected: stored, deliveriesArrived: arrived() };
    }
    previous = stored;
    await sleep(100);
  }
}

/** Posts one event and returns when it was posted, or throws unless it was accepted. */
export async function postAccepted(ctx, account, data) {
  const result = await ctx.api.postEvent(account, data);
  if (result.status !== 202) throw new Error(`POST /v1/events answered ${result.status}: ${JSON.stringify(result.body)}`);
  return result;
}

/** p50 and p99 of post → arrival for the events of `posted` (marker → post time) that arrived. */
export function arrivalLatencies(sink, bucket, posted) {
  const latencies = sink.arrivals(bucket).filter((a) => posted.has(a.marker)).map((a) => a.t - posted.get(a.marker));
  return { latencies, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99) };
}
