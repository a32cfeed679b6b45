/**
 * What the account objects hold, asked through the API as an operator would:
 * `GET /v1/accounts/{id}` → `usage` (events and deliveries stored, open deliveries — pending or
 * retrying — and the object's SQLite storage bytes). Events and deliveries live only there.
 */
import { OPERATOR_TOKEN } from './runtime.mjs';
import { sleep } from './stats.mjs';

export async function usageOf(api, accountId) {
  const { status, body } = await api.request('GET', `/v1/accounts/${encodeURIComponent(accountId)}`, OPERATOR_TOKEN);
  if (status !== 200) throw new Error(`GET /v1/accounts/${accountId} answered ${status}: ${JSON.stringify(body)}`);
  return body.usage;
}

/**
 * Waits (bounded) until none of the accounts has an open delivery: the consumer reports each
 * outcome to the account object just after the receiver answers. Returns whether they settled
 * and the open deliveries left per account.
 */
export async function settle(api, accountIds, timeoutMs) {
  const deadline = performance.now() + timeoutMs;
  let open = {};
  for (;;) {
    open = Object.fromEntries(await Promise.all(accountIds.map(async (id) => [id, (await usageOf(api, id)).open_deliveries])));
    if (Object.values(open).every((n) => n === 0)) return { settled: true, open };
    if (performance.now() >= deadline) return { settled: false, open };
    await sleep(50);
  }
}

/** An account partition's object key, as src/plane/client.ts planeKey names it. */
export const planeKeyOf = (accountId, partition) => (partition === 0 ? accountId : `${accountId}/p${partition}`);
