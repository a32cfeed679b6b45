/**
 * Partitions: the operator raises an account's partitions, events spread over them by business
 * key, and an account with 4 partitions answers exactly as one with 1 does.
 */
import { runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it, vi } from 'vitest';
import { newDeliveryId, partitionOfDeliveryId } from '../../src/crypto/ids';
import { partitionKeyOf, partitionOf } from '../../src/domain/partitions';
import { planeFor, planeKey } from '../../src/plane/client';
import {
  call, createAccount, createAutomation, expectError, OPERATOR, postEvent, sinkRequests, sinkUrl, unique, waitForDelivery, waitForSink, type TestAccount,
} from '../helpers';

const MINUTE = 60_000;

async function partitioned(count: number, options: { enabled?: boolean } = {}): Promise<TestAccount> {
  const account = await createAccount(options);
  if (count > 1) {
    const raised = await call(`/v1/accounts/${account.id}`, { method: 'PATCH', token: OPERATOR, body: { partitions: count } });
    expect(raised.status, JSON.stringify(raised.body)).toBe(200);
  }
  return account;
}

/** Finished deliveries written straight into one partition's object, with the ids given. */
function seedInto(accountId: string, partition: number, rows: { id: string; automation: string; status: string; at: number; callId?: string }[]) {
  const key = planeKey(accountId, partition);
  return runInDurableObject(planeFor(env, key), (_instance, state) => {
    const sql = state.storage.sql;
    sql.exec("INSERT OR IGNORE INTO schema_meta (key, value) VALUES ('account_id', ?)", key);
    for (const r of rows) {
      const eventId = `evt_${r.id}`;
      sql.exec(
        `INSERT INTO events (id, type, occurred_at, data, received_at, call_id) VALUES (?, 'inbound_call_ended', ?, '{}', ?, ?)`,
        eventId, r.at, r.at, r.callId ?? null,
      );
      sql.exec(
        `INSERT INTO deliveries (id, automation_id, event_id, destination, status, opened_at, created_at, updated_at)
         VALUES (?, ?, ?, 'https://example.com', ?, ?, ?, ?)`,
        r.id, r.automation, eventId, r.status, r.at, r.at, r.at,
      );
    }
  });
}

type Listed = { data: { id: string }[]; next_cursor: string | null; prev_cursor: string | null; total: number; total_capped: boolean; newer_count: number | null };

async function list(account: TestAccount, query: string): Promise<Listed> {
  const result = await call(`/v1/deliveries?${query}`, { token: account.admin });
  expect(result.status, JSON.stringify(result.body)).toBe(200);
  return result.body as Listed;
}

/** Every page, older then back newer, as the API gives them. */
async function walk(account: TestAccount, query: string): Promise<Listed[]> {
  const pages: Listed[] = [await list(account, query)];
  while (pages[pages.length - 1]!.next_cursor) pages.push(await list(account, `${query}&cursor=${pages[pages.length - 1]!.next_cursor}`));
  let back = pages[pages.length - 1]!;
  while (back.prev_cursor) {
    back = await list(account, `${query}&ending_before=${back.prev_cursor}`);
    pages.push(back);
  }
  return pages;
}

describe('partitions: the operator sets them', () => {
  it('raises an account’s partitions, shows them, and refuses to lower them', async () => {
    const account = await createAccount();
    const path = `/v1/accounts/${account.id}`;
    expect((await call(path, { token: OPERATOR })).body.partitions).toBe(1);
    const raised = await call(path, { method: 'PATCH', token: OPERATOR, body: { partitions: 4 } });
    expect(raised).toMatchObject({ status: 200, body: { id: account.id, partitions: 4 } });
    expect((await call(path, { token: OPERATOR })).body).toMatchObject({ partitions: 4, usage: { partitions: expect.any(Array) } });
    expect((await call(path, { token: OPERATOR })).body.usage.partitions).toHaveLength(4);
    // The same count again changes nothing; fewer is refused.
    expect((await call(path, { method: 'PATCH', token: OPERATOR, body: { partitions: 4 } })).status).toBe(200);
    const lowered = expectError(await call(path, { method: 'PATCH', token: OPERATOR, body: { partitions: 2 } }), 409, 'conflict');
    expect(lowered.message).toMatch(/only be raised/);
    expect((await call('/v1/account', { token: account.admin })).body.partitions).toBe(4);
  });

  it('refuses counts out of range or not whole, other callers, and unknown accounts', async () => {
    const account = await createAccount();
    const path = `/v1/accounts/${account.id}`;
    for (const partitions of [0, 65, 1.5, '4', null]) {
      const refused = expectError(await call(path, { method: 'PATCH', token: OPERATOR, body: { partitions } }), 422, 'validation_failed');
      expect(refused.details[0]!.path).toBe('partitions');
    }
    expectError(await call(path, { method: 'PATCH', token: OPERATOR, body: { partitions: 2, name: 'x' } }), 422, 'validation_failed');
    expectError(await call(path, { method: 'PATCH', token: account.admin, body: { partitions: 2 } }), 401, 'unauthorized');
    expectError(await call(path, { method: 'PATCH', body: { partitions: 2 } }), 401, 'unauthorized');
    expectError(await call(`/v1/accounts/${unique('none')}`, { method: 'PATCH', token: OPERATOR, body: { partitions: 2 } }), 404, 'not_found');
    expect((await call(path, { token: OPERATOR })).body.partitions).toBe(1);
  });
});

describe('partitions: where events go', () => {
  it('keeps one call’s events in one partition, spreads calls over all four, and counts usage per partition', async () => {
    const account = await partitioned(4);
    const bucket = unique('b');
    await createAutomation(account, { url: sinkUrl(bucket) });
    const calls = Array.from({ length: 12 }, (_, i) => `CA-${i}`);
    const posted: { callId: string; deliveries: string[] }[] = [];
    for (const callId of calls) {
      for (let step = 0; step < 2; step++) {
        const event = await postEvent(account, { type: 'inbound_call_ended', data: { call_id: callId, agent_id: `AG-${step}` } });
        expect(event.status).toBe(202);
        const { data } = (await call(`/v1/deliveries?event_id=${event.body.event_id}`, { token: account.admin })).body;
        posted.push({ callId, deliveries: data.map((d: { id: string }) => d.id) });
      }
    }
    for (const callId of calls) {
      const partitions = new Set(posted.filter((p) => p.callId === callId).flatMap((p) => p.deliveries.map(partitionOfDeliveryId)));
      expect(partitions).toEqual(new Set([partitionOf(partitionKeyOf({ call_id: callId, contact_id: null, interaction_id: null, agent_id: null }, 'x'), 4)]));
    }
    expect(new Set(posted.flatMap((p) => p.deliveries.map(partitionOfDeliveryId))).size).toBeGreaterThan(1);
    // Every delivery arrives, whichever partition sent it.
    await waitForSink(bucket, 24);
    const usage = (await call(`/v1/accounts/${account.id}`, { token: OPERATOR })).body.usage;
    expect(usage.events_stored).toBe(24);
    expect(usage.partitions.reduce((n: number, p: { events_stored: number }) => n + p.events_stored, 0)).toBe(24);
    expect(usage.partitions.filter((p: { events_stored: number }) => p.events_stored > 0).length).toBeGreaterThan(1);
    // A call's deliveries are found by its id (only its partition is asked).
    const found = await list(account, 'call_id=CA-3');
    expect(found.data.map((d) => d.id).sort()).toEqual(posted.filter((p) => p.callId === 'CA-3').flatMap((p) => p.deliveries).sort());
    // A repeated event id with the same business key is a duplicate.
    const again = await postEvent(account, { id: 'evt-fixed', type: 'inbound_call_ended', data: { call_id: 'CA-3' } });
    expect(again.status).toBe(202);
    expect((await postEvent(account, { id: 'evt-fixed', type: 'inbound_call_ended', data: { call_id: 'CA-3' } })).status).toBe(200);
  });

  it('a raised count applies to new events, and a call posted before is still found', async () => {
    const account = await partitioned(1);
    await createAutomation(account, { url: sinkUrl(unique('b')) });
    const before = await postEvent(account, { type: 'inbound_call_ended', data: { call_id: 'CA-old' } });
    expect((await call(`/v1/accounts/${account.id}`, { method: 'PATCH', token: OPERATOR, body: { partitions: 8 } })).status).toBe(200);
    // Several calls, so at least one now lands outside partition 0.
    for (let i = 0; i < 8; i++) await postEvent(account, { type: 'inbound_call_ended', data: { call_id: `CA-new-${i}` } });
    const after = await postEvent(account, { type: 'inbound_call_ended', data: { call_id: 'CA-old' } });
    const found = await list(account, 'call_id=CA-old');
    expect(found.total).toBe(2);
    expect(new Set(found.data.map((d) => d.id))).toHaveProperty('size', 2);
    expect([before.status, after.status]).toEqual([202, 202]);
    const spread = (await list(account, 'limit=100')).data.map((d) => partitionOfDeliveryId(d.id));
    expect(new Set(spread).size).toBeGreaterThan(1);
  });
});

describe('partitions: an account with 4 answers as one with 1', () => {
  it('the delivery log: the same pages both ways, counts and cursors, under every filter', async () => {
    const [one, four] = [await partitioned(1), await partitioned(4)];
    const t0 = Math.floor(Date.now() / MINUTE) * MINUTE - 120 * MINUTE;
    const statuses = ['succeeded', 'failed', 'cancelled'];
    // Each in the partition its call would have gone to.
    const rows = Array.from({ length: 37 }, (_, i) => ({
      partition: partitionOf(partitionKeyOf({ call_id: `CA-${i % 5}`, contact_id: null, interaction_id: null, agent_id: null }, 'x'), 4),
      automation: i % 3 ? 'aut_a' : 'aut_b', status: statuses[i % 3]!, at: t0 + i * MINUTE, callId: `CA-${i % 5}`,
    }));
    expect(new Set(rows.map((r) => r.partition)).size).toBeGreaterThan(2);
    // The same deliveries, with the same ids: all in the one partition, or spread over four.
    const seeded = rows.map((r) => ({ ...r, id: newDeliveryId(r.at, r.partition) }));
    await seedInto(one.id, 0, seeded);
    for (let p = 0; p < 4; p++) await seedInto(four.id, p, seeded.filter((r) => r.partition === p));
    const queries = [
      'limit=5', 'limit=1', 'limit=100', 'limit=7&status=failed', 'limit=4&automation_id=aut_a', 'limit=3&automation_id=aut_b&status=cancelled',
      `limit=6&since=${new Date(t0 + 10 * MINUTE).toISOString()}&until=${new Date(t0 + 30 * MINUTE).toISOString()}`,
      'limit=4&status=pending',
    ];
    for (const query of queries) {
      const [a, b] = [await walk(one, query), await walk(four, query)];
      expect(b, query).toEqual(a);
    }
    // A call id is looked up where its events went; the answer is the same.
    expect(await list(four, 'limit=5&call_id=CA-2')).toEqual(await list(one, 'limit=5&call_id=CA-2'));
    const seededIds = seeded.map((r) => r.id).sort().reverse();
    expect((await walk(four, 'limit=5')).slice(0, 8).flatMap((p) => p.data.map((d) => d.id))).toEqual(seededIds);
    // About 300 listings in all, each read from four partitions: a minute on a busy machine.
  }, 60_000);

  it('a delivery by id, a manual retry, stats summed, and turning an automation off cancels waiting deliveries everywhere', async () => {
    const account = await partitioned(4);
    const bucket = unique('b');
    const automation = await createAutomation(account, { url: sinkUrl(bucket) });
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) {
      const posted = await postEvent(account, { type: 'inbound_call_ended', data: { call_id: `S-${i}` } });
      ids.push((await list(account, `event_id=${posted.body.event_id}`)).data[0]!.id);
    }
    for (const id of ids) await waitForDelivery(account, id, ['succeeded']);
    expect(new Set(ids.map(partitionOfDeliveryId)).size).toBeGreaterThan(1);
    const stats = (await call(`/v1/automations/${automation.id}/stats?window=24h`, { token: account.admin })).body;
    expect(stats).toMatchObject({ success_rate: 1, counts: { succeeded: 8, failed: 0 }, attempts: { total: 8, failed: 0 } });
    expect(stats.latency_ms.p50).not.toBeNull();
    expect((await call('/v1/account/stats?window=24h', { token: account.admin })).body).toMatchObject({ counts: { succeeded: 8 } });
    const far = ids.find((id) => partitionOfDeliveryId(id) !== 0)!;
    const retried = await call(`/v1/deliveries/${far}/retry`, { token: account.admin, body: {} });
    expect(retried.status, JSON.stringify(retried.body)).toBe(202);
    expect(await waitForDelivery(account, far, ['succeeded'])).toMatchObject({ attempt_count: 2 });
    // An endpoint that keeps answering 500: deliveries wait to be retried in several partitions…
    await call(`/v1/automations/${automation.id}`, { method: 'PATCH', token: account.admin, body: { url: sinkUrl(bucket, 'status=500') } });
    const waiting: string[] = [];
    for (let i = 0; i < 8; i++) {
      const posted = await postEvent(account, { type: 'inbound_call_ended', data: { call_id: `W-${i}` } });
      waiting.push((await list(account, `event_id=${posted.body.event_id}`)).data[0]!.id);
    }
    for (const id of waiting) await waitForDelivery(account, id, ['retrying']);
    // …until the automation is turned off: every one is cancelled, whichever partition holds it.
    await call(`/v1/automations/${automation.id}`, { method: 'PATCH', token: account.admin, body: { enabled: false } });
    // (One being sent at that moment finishes its attempt first, and is cancelled when next due.)
    for (const id of waiting) await waitForDelivery(account, id, ['cancelled']);
    expect(new Set(waiting.map(partitionOfDeliveryId)).size).toBeGreaterThan(1);
  }, 30_000);

  it('replays a stored event by id and recovers failed deliveries in every partition', async () => {
    const account = await partitioned(4);
    const bucket = unique('b');
    const automation = await createAutomation(account, { url: sinkUrl(bucket) });
    const events: string[] = [];
    for (let i = 0; i < 6; i++) events.push((await postEvent(account, { type: 'inbound_call_ended', data: { call_id: `R-${i}` } })).body.event_id);
    await waitForSink(bucket, 6);
    for (const eventId of events) {
      const replayed = await call(`/v1/events/${eventId}/replay`, { token: account.admin, body: {} });
      expect(replayed.status, JSON.stringify(replayed.body)).toBe(202);
      expect(replayed.body.deliveries).toBe(1);
    }
    await waitForSink(bucket, 12);
    expectError(await call(`/v1/events/${unique('evt')}/replay`, { token: account.admin, body: {} }), 404, 'not_found');
    // Failed deliveries in several partitions, recovered in one call.
    const t0 = Date.now() - 30 * MINUTE;
    const failed = Array.from({ length: 8 }, (_, i) => ({ id: newDeliveryId(t0 + i, i % 4), automation: automation.id, status: 'failed', at: t0 + i }));
    for (let p = 0; p < 4; p++) await seedInto(account.id, p, failed.filter((f) => partitionOfDeliveryId(f.id) === p));
    const recovered = await call(`/v1/automations/${automation.id}/recover`, { token: account.admin, body: { since: new Date(t0 - MINUTE).toISOString() } });
    expect(recovered.body).toEqual({ recovered: 8, more: false, next_since: null });
    for (const f of failed) await waitForDelivery(account, f.id, ['succeeded']);
    expect((await sinkRequests(bucket)).length).toBe(20);
  }, 30_000);

  it('notices from every partition, newest first, in one list', async () => {
    const account = await partitioned(4);
    await createAutomation(account, { url: sinkUrl(unique('b'), 'status=400') });
    // Every attempt fails (400 is retried on the schedule, 1, 2, 3 s here): each delivery ends
    // failed and earns a notice, in the partition that holds it.
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      const posted = await postEvent(account, { type: 'inbound_call_ended', data: { call_id: `N-${i}` } });
      ids.push((await list(account, `event_id=${posted.body.event_id}`)).data[0]!.id);
    }
    for (const id of ids) await waitForDelivery(account, id, ['failed'], 20_000);
    const notices = await vi.waitUntil(async () => {
      const listed = (await call('/v1/account/notices?limit=100', { token: account.admin })).body.data as { id: string; delivery_id: string }[];
      return listed.length >= 6 ? listed : false;
    }, { timeout: 10_000 });
    expect(new Set(notices.map((n) => n.delivery_id))).toEqual(new Set(ids));
    expect(notices.map((n) => n.id)).toEqual([...notices.map((n) => n.id)].sort().reverse());
    const firstPage = (await call('/v1/account/notices?limit=4', { token: account.admin })).body;
    const secondPage = (await call(`/v1/account/notices?limit=4&cursor=${firstPage.next_cursor}`, { token: account.admin })).body;
    expect([...firstPage.data, ...secondPage.data].map((n: { id: string }) => n.id)).toEqual(notices.map((n) => n.id));
    expect(secondPage.next_cursor).toBeNull();
  }, 40_000);

  it.each([4, 1])('a destination’s cap (max_concurrency %i) holds for the account as a whole', async (cap) => {
    const account = await partitioned(4);
    const bucket = unique('b');
    // Each answer takes 300 ms, so deliveries sent together overlap at the sink.
    await createAutomation(account, { url: sinkUrl(bucket, 'delay_ms=300'), max_concurrency: cap });
    const count = 16;
    for (let i = 0; i < count; i++) expect((await postEvent(account, { type: 'inbound_call_ended', data: { call_id: `G-${i}` } })).status).toBe(202);
    const received = await waitForSink(bucket, count, 25_000);
    const partitions = new Set((await list(account, 'limit=100')).data.map((d) => partitionOfDeliveryId(d.id)));
    expect(partitions.size).toBeGreaterThan(1);
    // `concurrent` is how many requests the sink was serving, this one included.
    expect(Math.max(...received.map((r) => r.concurrent))).toBeLessThanOrEqual(cap);
    if (cap > 1) expect(Math.max(...received.map((r) => r.concurrent))).toBeGreaterThan(1);
  }, 40_000);

  it('a rate-limited automation is paced for the account as a whole', async () => {
    const account = await partitioned(4);
    const bucket = unique('b');
    await createAutomation(account, { url: sinkUrl(bucket), rate_limit_per_second: 2 });
    const count = 6;
    for (let i = 0; i < count; i++) expect((await postEvent(account, { type: 'inbound_call_ended', data: { call_id: `P-${i}` } })).status).toBe(202);
    const received = await waitForSink(bucket, count, 25_000);
    expect(new Set((await list(account, 'limit=100')).data.map((d) => partitionOfDeliveryId(d.id))).size).toBeGreaterThan(1);
    const times = received.map((r) => r.received_at).sort((a, b) => a - b);
    // Two per second, whichever partition sent them: sends are paced half a second apart, and
    // no three arrive within a second. Arrival times carry the machine's jitter (one request
    // late, the next on time), hence the slack; without pacing they would come at once.
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!, `gap before request ${i + 1}`).toBeGreaterThanOrEqual(300);
    for (let i = 2; i < times.length; i++) expect(times[i]! - times[i - 2]!, `requests ${i - 1} to ${i + 1}`).toBeGreaterThanOrEqual(850);
  }, 40_000);
});
