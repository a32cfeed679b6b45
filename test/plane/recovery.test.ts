/**
 * Nothing accepted is lost: the account object's alarm sends again what a lost queue message or
 * a crashed consumer left behind, and purges what is past retention.
 */
import { runDurableObjectAlarm } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { PURGE_AGAIN_MS, PURGE_LIMIT, REDISPATCH_AFTER_MS } from '../../src/plane/scheduler';
import { createAccount, createAutomation, sinkRequests, sinkUrl, unique, waitForDelivery, waitForSink } from '../helpers';
import { inPlane, plane, row, seedDeliveries } from '../delivery/support';

async function seeded(query = '') {
  const account = await createAccount();
  const bucket = unique('b');
  await createAutomation(account, { url: sinkUrl(bucket, query) });
  const [id] = await seedDeliveries(account, { call_id: 'lost' });
  return { account, bucket, id: id! };
}

describe('account object: recovery', () => {
  it('a queue message that never arrives is sent again, with the same token, once it is overdue', async () => {
    const { account, bucket, id } = await seeded();
    // Seeded as dispatched but no message exists: as if the local queue was lost on a restart.
    await inPlane(account.id, (_i, sql) => {
      sql.exec('UPDATE deliveries SET dispatched_at = ? WHERE id = ?', Date.now() - REDISPATCH_AFTER_MS - 1000, id);
    });
    const before = await row(id);
    await inPlane(account.id, (instance) => instance.alarm());
    const [request] = await waitForSink(bucket);
    expect(request!.headers['webhook-id']).toBe(id);
    expect(JSON.parse(request!.body).data.call_id).toBe('lost');
    expect((await waitForDelivery(account, id, ['succeeded'])).attempt_count).toBe(1);
    expect(before!.dispatch_token).toBe(`seed-${id}`);
  });

  it('leaves alone messages that are not overdue yet', async () => {
    const { account, bucket, id } = await seeded();
    await inPlane(account.id, (instance) => instance.alarm());
    await new Promise((r) => setTimeout(r, 1500));
    expect(await sinkRequests(bucket)).toEqual([]);
    expect(await row(id)).toMatchObject({ status: 'pending', dispatch_token: `seed-${id}` });
  });

  it('a delivery whose consumer died mid-send (lease ran out) is sent again; the lost attempt counts', async () => {
    const { account, bucket, id } = await seeded();
    await plane(account.id).claim(account.id, [{ id, token: `seed-${id}` }]);
    await inPlane(account.id, (_i, sql) => sql.exec('UPDATE deliveries SET lease_until = ? WHERE id = ?', Date.now() - 1, id));
    await inPlane(account.id, (instance) => instance.alarm());
    await waitForSink(bucket);
    const done = await waitForDelivery(account, id, ['succeeded']);
    expect(done.attempt_count).toBe(2);
    expect(done.attempts.map((a: { attempt: number }) => a.attempt)).toEqual([2]);
  });

  it('the alarm is set whenever something is waiting, and purges finished rows past retention', async () => {
    const account = await createAccount();
    await createAutomation(account, { url: sinkUrl(unique('b'), 'status=500') });
    const old = Date.now() - 31 * 86_400_000;
    const [stale] = await seedDeliveries(account, {}, old);
    const [fresh] = await seedDeliveries(account, {});
    await inPlane(account.id, (_i, sql) => {
      sql.exec("UPDATE deliveries SET status = 'succeeded', next_attempt_at = NULL, dispatch_token = NULL WHERE id IN (?, ?)", stale, fresh);
    });
    await inPlane(account.id, (instance) => instance.alarm());
    expect(await row(stale!, account.id)).toBeNull();
    expect(await row(fresh!, account.id)).not.toBeNull();
    const events = await inPlane(account.id, (_i, sql) => sql.exec<{ n: number }>('SELECT count(*) AS n FROM events').one().n);
    expect(events).toBe(1);
    // Rows remain, so the object keeps an alarm for the next purge.
    expect(await inPlane(account.id, (_i, _s, state) => state.storage.getAlarm())).not.toBeNull();
    expect(await runDurableObjectAlarm(plane(account.id))).toBe(true);
  });

  it('purges again soon, not in an hour, when there was more past retention than one pass takes', async () => {
    const account = await createAccount();
    await createAutomation(account, { url: sinkUrl(unique('b')) });
    const [fresh] = await seedDeliveries(account, {});
    const old = Date.now() - 31 * 86_400_000;
    const extra = 5;
    await inPlane(account.id, (_i, sql) => {
      // More finished deliveries past retention than one pass deletes, as a busy account has.
      sql.exec(
        `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ?)
         INSERT INTO deliveries (id, automation_id, event_id, destination, status, opened_at, created_at, updated_at)
         SELECT printf('dlv_old_%06d', i), 'aut_x', 'evt_x', 'http://x', 'succeeded', ?2, ?2, ?2 FROM n`,
        PURGE_LIMIT + extra, old,
      );
      sql.exec("UPDATE deliveries SET status = 'succeeded', next_attempt_at = NULL, dispatch_token = NULL WHERE id = ?", fresh);
    });
    const before = Date.now();
    await inPlane(account.id, (instance) => instance.alarm());
    const left = await inPlane(account.id, (_i, sql) => sql.exec<{ n: number }>("SELECT count(*) AS n FROM deliveries WHERE id LIKE 'dlv_old_%'").one().n);
    expect(left).toBe(extra);
    const alarm = await inPlane(account.id, (_i, _s, state) => state.storage.getAlarm());
    expect(alarm).not.toBeNull();
    expect(alarm!).toBeLessThanOrEqual(Date.now() + PURGE_AGAIN_MS);
    expect(alarm!).toBeGreaterThanOrEqual(before);
  });
});
