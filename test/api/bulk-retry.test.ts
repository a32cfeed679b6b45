/**
 * POST /v1/deliveries/retry: every delivery the log's filters match is sent again (same
 * webhook-id, fresh schedule), oldest first, at most 10,000 a call, never an open one, across
 * every partition of the account. Checked against what the log itself lists for those filters.
 */
import { describe, expect, it } from 'vitest';
import { call, createAccount, createAutomation, expectError, OPERATOR, sinkRequests, sinkUrl, unique, waitForDelivery, waitForSink } from '../helpers';
import { inPlane, row, seedDeliveries, seedLog } from '../delivery/support';
import { newDeliveryId } from '../../src/crypto/ids';
import { planeKey } from '../../src/plane/client';

const H = 3_600_000;

async function failedLog() {
  const account = await createAccount();
  const [bucketA, bucketB] = [unique('b'), unique('b')];
  const a = await createAutomation(account, { url: sinkUrl(bucketA) });
  const b = await createAutomation(account, { url: sinkUrl(bucketB) });
  const seed = (automation: { id: string; url: string }, at: number, status: 'failed' | 'succeeded' = 'failed') => ({
    automation: automation.id, status, at, attemptCount: 4, lastError: 'receiver answered 500', destination: new URL(automation.url).origin,
  });
  const now = Date.now();
  // a: 3 failed in the last hour, 1 failed 5 hours ago, 1 succeeded; b: 2 failed in the last hour.
  const ids = await seedLog(account, [
    seed(a, now - 5 * H), seed(a, now - 30 * 60_000), seed(a, now - 20 * 60_000), seed(a, now - 10 * 60_000), seed(a, now - 15 * 60_000, 'succeeded'),
    seed(b, now - 25 * 60_000), seed(b, now - 5 * 60_000),
  ]);
  return { account, a, b, bucketA, bucketB, ids, now };
}

const listed = async (token: string, query: string) => (await call(`/v1/deliveries?${query}`, { token })).body;
const retry = (token: string, body: unknown) => call('/v1/deliveries/retry', { token, body });

describe('POST /v1/deliveries/retry', () => {
  it('sends again exactly what the log lists for the same filters: a task, failed, the last hour', async () => {
    const { account, a, bucketA, bucketB, ids } = await failedLog();
    const since = new Date(Date.now() - H).toISOString();
    const shown = await listed(account.admin, `automation_id=${a.id}&status=failed&since=${encodeURIComponent(since)}`);
    expect(shown.total).toBe(3);
    const result = await retry(account.admin, { automation_id: a.id, status: 'failed', since });
    expect(result.status, JSON.stringify(result.body)).toBe(202);
    expect(result.body).toEqual({ retried: shown.total, skipped: 0, more: false, next_since: null });
    const requests = await waitForSink(bucketA, 3);
    expect(new Set(requests.map((r) => r.headers['webhook-id']))).toEqual(new Set(shown.data.map((d: { id: string }) => d.id)));
    for (const d of shown.data) expect(await waitForDelivery(account, d.id, ['succeeded'])).toMatchObject({ attempt_count: 5 });
    // The old failure, the success and the other task's failures were left alone.
    expect(await row(ids[0]!, account.id)).toMatchObject({ status: 'failed', attempt_count: 4, dispatch_token: null });
    expect(await row(ids[4]!, account.id)).toMatchObject({ status: 'succeeded', attempt_count: 4 });
    expect(await sinkRequests(bucketB)).toEqual([]);
    expect((await listed(account.admin, `automation_id=${a.id}&status=failed&since=${encodeURIComponent(since)}`)).total).toBe(0);
    // Nothing failed is left there: a second call sends nothing.
    expect((await retry(account.admin, { automation_id: a.id, status: 'failed', since })).body).toMatchObject({ retried: 0 });
  });

  it('across tasks and by a business key; never an open delivery; tasks that are off are skipped', async () => {
    const account = await createAccount();
    const bucket = unique('b');
    const on = await createAutomation(account, { url: sinkUrl(bucket) });
    const off = await createAutomation(account, { url: sinkUrl(unique('b')) });
    // An open delivery of contact CT7 (stored and handed to the queue, not sent yet): never sent again by this.
    const pendingBucket = unique('b');
    await createAutomation(account, { url: sinkUrl(pendingBucket), trigger: 'contact_created', body: '{"c": "{{contact_id}}"}' });
    const [openId] = await seedDeliveries(account, { contact_id: 'CT7' }, Date.now(), 'contact_created');
    const now = Date.now();
    const [onFailed, offFailed] = await seedLog(account, [
      { automation: on.id, status: 'failed', at: now - 60_000, attemptCount: 4, destination: new URL(on.url).origin },
      { automation: off.id, status: 'failed', at: now - 50_000, attemptCount: 4, destination: new URL(off.url).origin },
    ]);
    await call(`/v1/automations/${off.id}`, { method: 'PATCH', token: account.admin, body: { enabled: false } });
    const everything = await retry(account.admin, { status: 'failed' });
    expect(everything.status).toBe(202);
    expect(everything.body).toEqual({ retried: 1, skipped: 1, more: false, next_since: null });
    expect(await waitForDelivery(account, onFailed!, ['succeeded'])).toMatchObject({ attempt_count: 5 });
    expect(await row(offFailed!, account.id)).toMatchObject({ status: 'failed', dispatch_token: null });
    expect(await row(openId!, account.id)).toMatchObject({ status: 'pending', attempt_count: 0 });

    // By business key: only the deliveries of events with that key.
    const byKey = await retry(account.admin, { status: 'failed', contact_id: 'CT7' });
    expect(byKey.body).toEqual({ retried: 0, skipped: 0, more: false, next_since: null });
    expect(await sinkRequests(pendingBucket)).toEqual([]);
  });

  it('matches expired deliveries but never sends one late: each is skipped and stays expired', async () => {
    const account = await createAccount();
    const bucket = unique('b');
    const task = await createAutomation(account, { url: sinkUrl(bucket) });
    const now = Date.now();
    const destination = new URL(task.url).origin;
    const [expiredA, expiredB, failed] = await seedLog(account, [
      { automation: task.id, status: 'expired', at: now - 60_000, lastError: 'too old', destination },
      { automation: task.id, status: 'expired', at: now - 50_000, lastError: 'too old', destination },
      { automation: task.id, status: 'failed', at: now - 40_000, attemptCount: 4, destination },
    ]);
    expect((await listed(account.admin, `status=expired&automation_id=${task.id}`)).total).toBe(2);
    const result = await retry(account.admin, { status: 'expired', automation_id: task.id });
    expect(result.status, JSON.stringify(result.body)).toBe(202);
    expect(result.body).toEqual({ retried: 0, skipped: 2, more: false, next_since: null });
    for (const id of [expiredA!, expiredB!]) expect(await row(id, account.id)).toMatchObject({ status: 'expired', dispatch_token: null });
    // The failed one is not of that status: untouched, and nothing was sent.
    expect(await row(failed!, account.id)).toMatchObject({ status: 'failed', attempt_count: 4 });
    expect(await sinkRequests(bucket)).toEqual([]);
  });

  it('stops at its limit, oldest first, and says where to go on from; across partitions', async () => {
    const account = await createAccount({ partitions: 2 });
    const bucket = unique('b');
    const automation = await createAutomation(account, { url: sinkUrl(bucket) });
    const now = Date.now();
    const failed = (at: number) => ({ automation: automation.id, status: 'failed' as const, at, attemptCount: 4, destination: new URL(automation.url).origin });
    // Three failures in partition 0 and two in partition 1, as each partition mints them.
    await seedLog(account, [0, 1, 2].map((i) => failed(now - 60_000 + i)));
    await inPlane(planeKey(account.id, 1), (_i, sql) => {
      for (const at of [now - 40_000, now - 30_000]) {
        sql.exec(
          `INSERT INTO deliveries (id, automation_id, event_id, destination, status, attempt_count, opened_at, created_at, updated_at)
           VALUES (?, ?, 'evt_seed', ?, 'failed', 4, ?, ?, ?)`,
          newDeliveryId(at, 1), automation.id, new URL(automation.url).origin, at, at, at,
        );
      }
    });
    expect((await listed(account.admin, `status=failed&automation_id=${automation.id}`)).total).toBe(5);
    // Asked directly, partition 0 with a limit of 2 takes the oldest two and points at the third.
    const first = await inPlane(planeKey(account.id, 0), (instance) => instance.retryMatching(planeKey(account.id, 0), { status: 'failed', automationId: automation.id }, 2));
    expect(first).toEqual({ retried: 2, skipped: 0, more: true, next_since: new Date(now - 60_000 + 2).toISOString() });
    // Through the API, from there: the third, and both of partition 1.
    const rest = await retry(account.admin, { status: 'failed', automation_id: automation.id, since: first.next_since });
    expect(rest.body).toEqual({ retried: 3, skipped: 0, more: false, next_since: null });
    await waitForSink(bucket, 5);
    expect((await listed(account.admin, `status=failed&automation_id=${automation.id}`)).total).toBe(0);
  });

  it('refuses what it cannot do with a clear 4xx, and sends nothing', async () => {
    const { account, a, bucketA } = await failedLog();
    expectError(await retry(account.admin, {}), 422, 'validation_failed');
    const open = expectError(await retry(account.admin, { status: 'retrying' }), 422, 'validation_failed');
    expect(open.details[0]!.path).toBe('status');
    // Only failed and expired: never succeeded or cancelled ones.
    for (const status of ['succeeded', 'cancelled', 'pending']) {
      expect(expectError(await retry(account.admin, { status }), 422, 'validation_failed').details[0]!.path).toBe('status');
    }
    const keys = expectError(await retry(account.admin, { status: 'failed', call_id: 'A', agent_id: 'B' }), 422, 'validation_failed');
    expect(keys.details.map((d) => d.path).sort()).toEqual(['agent_id', 'call_id']);
    const range = expectError(await retry(account.admin, {
      status: 'failed', since: new Date().toISOString(), until: new Date(Date.now() - H).toISOString(),
    }), 422, 'validation_failed');
    expect(range.details[0]!.path).toBe('until');
    expectError(await retry(account.admin, { status: 'failed', since: 'yesterday' }), 422, 'validation_failed');
    expectError(await retry(account.admin, { status: 'failed', automation: a.id }), 422, 'validation_failed');
    expectError(await call('/v1/deliveries/retry', { token: account.admin, rawBody: '{"status": ' }), 400, 'invalid_json');
    expectError(await retry(account.events, { status: 'failed' }), 403, 'forbidden');
    await call(`/v1/accounts/${account.id}/http-notifier`, { method: 'PUT', token: OPERATOR, body: { enabled: false } });
    expectError(await retry(account.admin, { status: 'failed' }), 403, 'integration_disabled');
    expect(await sinkRequests(bucketA)).toEqual([]);
  });
});
