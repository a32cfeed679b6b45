/**
 * Nothing accepted is lost: the account object's alarm sends again what a lost queue message or
 * a crashed consumer left behind, and purges what is past retention. Time is the object's
 * manual clock, moved forward by the tests.
 */
import { runDurableObjectAlarm } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { PURGE_AGAIN_MS, PURGE_LIMIT, REDISPATCH_AFTER_MS } from '../../src/plane/scheduler';
import { call, createAccount, createAutomation, postEvent, sinkRequests, sinkUrl, unique, waitForDelivery, waitForSink } from '../helpers';
import { attempts, deliver, inPlane, manualClock, plane, queueSpy, row, runAlarm, seedDeliveries } from '../delivery/support';

const DAY = 86_400_000;

async function seeded(query = '') {
  const account = await createAccount();
  const bucket = unique('b');
  await createAutomation(account, { url: sinkUrl(bucket, query) });
  const clock = await manualClock(account.id);
  // Seeded as dispatched but no message exists: as if the local queue was lost on a restart.
  const [id] = await seedDeliveries(account, { call_id: 'lost' }, clock.now());
  return { account, bucket, id: id!, clock };
}

describe('account object: recovery', () => {
  it('a queue message that never arrives is sent again, with the same token, once it is overdue', async () => {
    const { account, bucket, id, clock } = await seeded();
    const sent = await queueSpy(account.id);
    // Not overdue yet: the alarm leaves it alone.
    clock.advance(REDISPATCH_AFTER_MS - 1);
    await runAlarm(account.id);
    expect(sent()).toEqual([]);
    expect(await row(id)).toMatchObject({ status: 'pending', dispatch_token: `seed-${id}` });
    expect(await sinkRequests(bucket)).toEqual([]);
    // Overdue: the same message goes again.
    clock.advance(2);
    await runAlarm(account.id);
    expect(sent()).toEqual([id]);
    const [request] = await waitForSink(bucket);
    expect(request!.headers['webhook-id']).toBe(id);
    expect(JSON.parse(request!.body).data.call_id).toBe('lost');
    expect((await waitForDelivery(account, id, ['succeeded'])).attempt_count).toBe(1);
  });

  it('a delivery whose consumer died mid-send (lease ran out) is sent again; the lost attempt counts', async () => {
    const { account, bucket, id, clock } = await seeded();
    await plane(account.id).claim(account.id, [{ id, token: `seed-${id}` }]);
    const leased = (await row(id))!;
    expect(leased.lease_until).not.toBeNull();
    // While the lease holds, the alarm leaves the delivery with its consumer.
    clock.set(leased.lease_until!);
    await runAlarm(account.id);
    expect(await row(id)).toMatchObject({ lease_until: leased.lease_until, dispatch_token: `seed-${id}` });
    clock.advance(1);
    await runAlarm(account.id);
    await waitForSink(bucket);
    const done = await waitForDelivery(account, id, ['succeeded']);
    expect(done.attempt_count).toBe(2);
    expect(done.attempts.map((a: { attempt: number }) => a.attempt)).toEqual([2]);
  });

  it('the alarm is set whenever something is waiting, and purges finished rows past retention', async () => {
    const account = await createAccount();
    await createAutomation(account, { url: sinkUrl(unique('b')) });
    const clock = await manualClock(account.id);
    const [stale] = await seedDeliveries(account, {}, clock.now());
    await deliver([stale!]);
    expect((await row(stale!))!.status).toBe('succeeded');
    expect(await attempts(stale!, account.id)).toHaveLength(1);
    // A month on (the object's own alarm may purge as soon as the clock moves).
    clock.advance(31 * DAY);
    const [fresh] = await seedDeliveries(account, {}, clock.now());
    await deliver([fresh!]);
    expect((await row(fresh!))!.status).toBe('succeeded');
    await runAlarm(account.id);
    expect(await row(stale!, account.id)).toBeNull();
    expect(await row(fresh!, account.id)).not.toBeNull();
    // The purged delivery's attempts go with it (by cascade), the fresh one's stay.
    expect(await attempts(stale!, account.id)).toHaveLength(0);
    expect(await attempts(fresh!, account.id)).toHaveLength(1);
    const events = await inPlane(account.id, (_i, sql) => sql.exec<{ n: number }>('SELECT count(*) AS n FROM events').one().n);
    expect(events).toBe(1);
    // Rows remain, so the object keeps an alarm for the next purge.
    expect(await inPlane(account.id, (_i, _s, state) => state.storage.getAlarm())).not.toBeNull();
    expect(await runDurableObjectAlarm(plane(account.id))).toBe(true);
  });

  it('purges again soon, not in an hour, when there was more past retention than one pass takes', async () => {
    const account = await createAccount();
    await createAutomation(account, { url: sinkUrl(unique('b')) });
    const clock = await manualClock(account.id);
    const old = clock.now() - 31 * DAY;
    const extra = 5;
    await inPlane(account.id, (_i, sql) => {
      // More finished deliveries past retention than one pass deletes, as a busy account has.
      sql.exec(
        `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ?)
         INSERT INTO deliveries (id, automation_id, event_id, destination, status, opened_at, created_at, updated_at)
         SELECT printf('dlv_old_%06d', i), 'aut_x', 'evt_x', 'http://x', 'succeeded', ?2, ?2, ?2 FROM n`,
        PURGE_LIMIT + extra, old,
      );
    });
    // Seeded first, so whichever alarm runs first (the object's own, or the test's) finds them.
    const [fresh] = await seedDeliveries(account, {}, clock.now());
    await deliver([fresh!]);
    await runAlarm(account.id);
    const left = await inPlane(account.id, (_i, sql) => sql.exec<{ n: number }>("SELECT count(*) AS n FROM deliveries WHERE id LIKE 'dlv_old_%'").one().n);
    expect(left).toBe(extra);
    const alarm = await inPlane(account.id, (_i, _s, state) => state.storage.getAlarm());
    expect(alarm).not.toBeNull();
    expect(alarm!).toBeLessThanOrEqual(clock.now() + PURGE_AGAIN_MS);
    expect(alarm!).toBeGreaterThanOrEqual(clock.now());
  });
});

describe('account object: events no automation matched', () => {
  const HOUR = 3_600_000;
  const storedEvents = (accountId: string) =>
    inPlane(accountId, (_i, sql) => sql.exec<{ id: string }>('SELECT id FROM events ORDER BY id').toArray().map((e) => e.id).sort());

  it('are purged after UNMATCHED_EVENT_RETENTION_HOURS (72); delivered and replayed ones stay for the full retention', async () => {
    const account = await createAccount({ partitions: 1 }); // its events are watched through one object's clock
    const automation = await createAutomation(account, { url: sinkUrl(unique('b')) });
    const clock = await manualClock(account.id);
    const post = async (type: string, callId: string) => {
      const posted = await postEvent(account, { type, data: { call_id: callId } });
      expect(posted.status, JSON.stringify(posted.body)).toBe(202);
      return posted.body as { event_id: string; deliveries: number };
    };
    const matched = await post('inbound_call_ended', 'CA1');
    const unmatched = await post('inbound_call_ringing', 'CA2');
    const replayed = await post('inbound_call_ringing', 'CA3');
    expect([matched.deliveries, unmatched.deliveries, replayed.deliveries]).toEqual([1, 0, 0]);
    const list = await call(`/v1/deliveries?automation_id=${automation.id}`, { token: account.admin });
    await waitForDelivery(account, list.body.data[0].id, ['succeeded']);
    // An automation for the ringing calls, then one of them replayed to it within the window.
    await createAutomation(account, { trigger: 'inbound_call_ringing', url: sinkUrl(unique('b')), body: '{"call": "{{call_id}}"}' });
    const again = await call(`/v1/events/${replayed.event_id}/replay`, { token: account.admin, body: {} });
    expect(again.status, JSON.stringify(again.body)).toBe(202);
    const replay = await call(`/v1/deliveries?event_id=${replayed.event_id}`, { token: account.admin });
    await waitForDelivery(account, replay.body.data[0].id, ['succeeded']);
    const all = [matched.event_id, unmatched.event_id, replayed.event_id].sort();

    // Within the window, every event is kept.
    clock.advance(71 * HOUR);
    await runAlarm(account.id);
    expect(await storedEvents(account.id)).toEqual(all);
    // Past it, only the one that no automation matched (and nothing replayed) is gone.
    clock.advance(2 * HOUR);
    await runAlarm(account.id);
    expect(await storedEvents(account.id)).toEqual([matched.event_id, replayed.event_id].sort());
    // The others go with their deliveries, after RETENTION_DAYS (30): at 29 days they are still here.
    clock.advance(26 * DAY);
    await runAlarm(account.id);
    expect(await storedEvents(account.id)).toEqual([matched.event_id, replayed.event_id].sort());
    clock.advance(2 * DAY);
    await runAlarm(account.id);
    expect(await storedEvents(account.id)).toEqual([]);
  });
});

describe('account object: jitter', () => {
  it('schedules a retry by its own source of jitter', async () => {
    const account = await createAccount();
    await createAutomation(account, { url: sinkUrl(unique('b'), 'status=500') });
    const clock = await manualClock(account.id);
    // The lowest draw: the first retry (1 s here) comes at 80 % of its delay.
    await inPlane(account.id, (instance) => {
      instance.random = () => 0;
    });
    const [id] = await seedDeliveries(account, {}, clock.now());
    await deliver([id!]);
    expect(await row(id!)).toMatchObject({ status: 'retrying', next_attempt_at: clock.now() + 800 });
  });
});
