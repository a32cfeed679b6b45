/** Steps several sections share. Each account's webhooks go to a sink bucket named after it. */
import { callEndedData, SAMPLE_BODY, TRIGGER } from '../lib/fixtures.mjs';
import { measureLoad } from '../lib/load.mjs';

/** An account with `count` automations on the trigger, all delivering to the bucket `account.bucket`. */
export async function accountWithAutomations(ctx, id, count, bodyOf = () => SAMPLE_BODY) {
  const account = { ...(await ctx.api.createAccount(id)) };
  account.bucket = account.id;
  for (let i = 0; i < count; i++) await ctx.api.createAutomation(account, ctx.sink.url(account.bucket), bodyOf(i));
  return account;
}

/** Closed-loop load on POST /v1/events for one account (the same event body each time; ids are minted by the API). */
export async function measureEventLoad(ctx, account, durationSec) {
  return measureLoad({
    url: `${ctx.url}/v1/events`,
    method: 'POST',
    headers: { authorization: `Bearer ${account.events}`, 'content-type': 'application/json' },
    body: JSON.stringify({ type: TRIGGER, data: callEndedData(1) }),
    connections: ctx.profile.connections,
    durationSec,
  });
}

/** Waits (bounded) until `bucket` has received `expected` webhooks; returns how many arrived. */
export async function drain(ctx, bucket, expected) {
  await ctx.sink.waitFor(bucket, expected, ctx.profile.drainTimeoutMs);
  return ctx.sink.arrivals(bucket).length;
}
