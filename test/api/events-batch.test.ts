/**
 * POST /v1/events/batch: each event answered on its own as POST /v1/events would answer it, the
 * whole request refused (nothing stored) when it is not a batch, and one request per partition.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { partitionOfDeliveryId } from '../../src/crypto/ids';
import { businessKeysOf } from '../../src/domain/business-keys';
import { partitionKeyOf, partitionOf } from '../../src/domain/partitions';
import { AccountPlane } from '../../src/plane/account-plane';
import { planeKey } from '../../src/plane/client';
import {
  call, createAccount, createAutomation, expectError, OPERATOR, postEvent, sinkRequests, sinkUrl, unique, waitForSink, type TestAccount,
} from '../helpers';

type Result = { event_id: string | null; status: 'accepted' | 'duplicate' | 'rejected'; deliveries?: number; error?: { code: string; message: string; details: unknown[] } };

afterEach(() => {
  vi.restoreAllMocks();
});

const postBatch = (token: string, events: unknown[]) => call('/v1/events/batch', { token, body: { events } });

async function results(token: string, events: unknown[]): Promise<Result[]> {
  const posted = await postBatch(token, events);
  expect(posted.status, JSON.stringify(posted.body)).toBe(200);
  expect(Object.keys(posted.body)).toEqual(['results']);
  expect(posted.body.results).toHaveLength(events.length);
  return posted.body.results;
}

const usage = async (account: TestAccount) => (await call(`/v1/accounts/${account.id}`, { token: OPERATOR })).body.usage;

async function partitioned(count: number): Promise<TestAccount> {
  const account = await createAccount({ partitions: count });
  expect((await call(`/v1/accounts/${account.id}`, { token: OPERATOR })).body.partitions).toBe(count);
  return account;
}

const partitionOfEvent = (event: { id: string; data: unknown }, count: number) => partitionOf(partitionKeyOf(businessKeysOf(event.data), event.id), count);

/** Events that are wrong in every way POST /v1/events refuses one, each alone. */
const badEvents = (otherAccount: string): unknown[] => [
  { id: 'bad-type', type: 'call_exploded', data: {} },
  { id: 'no-data', type: 'inbound_call_ended' },
  { type: 'inbound_call_ended', data: [] },
  { type: 'inbound_call_ended', data: {}, occurred_at: 'yesterday' },
  { id: 'has space', type: 'inbound_call_ended', data: {} },
  { type: 'inbound_call_ended', data: {}, colour: 'red' },
  42,
  null,
  { id: 'elsewhere', account_id: otherAccount, type: 'inbound_call_ended', data: {} },
  { id: 'too-big', type: 'inbound_call_ended', data: { blob: 'x'.repeat(257 * 1024) } },
  // Under the limit in characters, over it in UTF-8 bytes (2 a character).
  { id: 'too-big-utf8', type: 'inbound_call_ended', data: { blob: 'é'.repeat(129 * 1024) } },
];

describe('POST /v1/events/batch: each event answered on its own', () => {
  it('accepts, deduplicates and rejects in the order posted, each rejection the single endpoint’s error', async () => {
    const account = await createAccount();
    const other = await createAccount();
    const bucket = unique('b');
    await createAutomation(account, { url: sinkUrl(bucket) });
    const stored = unique('evt');
    expect((await postEvent(account, { id: stored, type: 'inbound_call_ended', data: { call_id: 'S' } })).status).toBe(202);
    const [first, last] = [unique('evt'), unique('evt')];
    const bad = badEvents(other.id);
    const batch = [
      { id: first, type: 'inbound_call_ended', data: { call_id: 'A' } },
      { id: first, type: 'inbound_call_ended', data: { call_id: 'A' } }, // the same id again in the batch
      ...bad,
      { id: stored, type: 'inbound_call_ended', data: { call_id: 'S' } }, // stored before the batch
      { type: 'contact_created', data: { contact_id: 'C1' } }, // no automation of this trigger; no id given
      { id: last, type: 'inbound_call_ended', occurred_at: '2026-01-01T10:00:00+01:00', data: { call_id: 'B' } },
    ];
    const answered = await results(account.events, batch);

    expect(answered[0]).toEqual({ event_id: first, status: 'accepted', deliveries: 1 });
    expect(answered[1]).toEqual({ event_id: first, status: 'duplicate', deliveries: 0 });
    // Each bad event posted alone is refused, and the batch answers that very error for it.
    for (const [i, event] of bad.entries()) {
      const alone = await call('/v1/events', { token: account.events, body: event });
      expect(alone.status).toBeGreaterThanOrEqual(400);
      const item = answered[2 + i]!;
      expect(item.status, JSON.stringify(event).slice(0, 80)).toBe('rejected');
      expect(item.error).toEqual(alone.body.error);
      expect(item).not.toHaveProperty('deliveries');
    }
    const byId = (id: string) => answered.slice(2, 2 + bad.length).find((r) => r.event_id === id)!;
    expect(byId('bad-type').error).toMatchObject({ code: 'validation_failed', details: [{ path: 'type', message: expect.stringContaining('call_exploded') }] });
    expect(byId('no-data').error).toMatchObject({ code: 'validation_failed', details: [{ path: 'data' }] });
    expect(byId('elsewhere').error).toMatchObject({ code: 'forbidden' });
    expect(byId('too-big').error).toMatchObject({ code: 'payload_too_large' });
    expect(byId('too-big-utf8').error).toMatchObject({ code: 'payload_too_large' });
    // Paths are the event's own, never the batch's (`events.2.data`); an invalid id is not echoed.
    expect(answered[3]).toMatchObject({ event_id: 'no-data', error: { details: [{ path: 'data', message: expect.any(String) }] } });
    expect(answered[6]).toMatchObject({ event_id: null, error: { code: 'validation_failed', details: [{ path: 'id' }] } });
    expect(answered[8]).toMatchObject({ event_id: null, error: { code: 'validation_failed', details: [{ path: '(body)' }] } });

    const tail = answered.slice(2 + bad.length);
    expect(tail[0]).toEqual({ event_id: stored, status: 'duplicate', deliveries: 0 });
    expect(tail[1]).toEqual({ event_id: expect.stringMatching(/^evt_/), status: 'accepted', deliveries: 0 });
    expect(tail[2]).toEqual({ event_id: last, status: 'accepted', deliveries: 1 });

    // Stored before the answer: the one posted before and the three accepted; nothing rejected,
    // the duplicate once.
    expect((await call(`/v1/deliveries?event_id=${first}`, { token: account.admin })).body.data).toHaveLength(1);
    expect((await usage(account)).events_stored).toBe(4);
    expect((await usage(other)).events_stored).toBe(0);
    const arrived = await waitForSink(bucket, 3);
    expect(arrived.map((r) => JSON.parse(r.body).data.call_id).sort()).toEqual(['A', 'B', 'S']);
  });

  it('one call’s events in a batch, with no occurred_at, go to an ordered automation in the order posted', async () => {
    const account = await createAccount();
    const bucket = unique('b');
    await createAutomation(account, { url: sinkUrl(bucket), ordering: 'per_call', body: '{"step":"{{duration}}"}' });
    const steps = ['1', '2', '3', '4', '5', '6'];
    const answered = await results(account.events, steps.map((step) => ({ type: 'inbound_call_ended', data: { call_id: 'CA-ORDER', duration: step } })));
    expect(answered.map((r) => r.status)).toEqual(steps.map(() => 'accepted'));
    const arrived = await waitForSink(bucket, steps.length);
    expect(arrived.map((r) => JSON.parse(r.body).step)).toEqual(steps);
  });

  it('refuses the whole request, storing nothing, when it is not a batch of 1–500 events within 1 MiB', async () => {
    const account = await createAccount();
    // Matched but turned off: the events are stored and make no deliveries, so hundreds of
    // webhooks do not go on being sent (and logged) after the test file has ended.
    await createAutomation(account, { enabled: false });
    const event = (i: number) => ({ id: `e-${i}`, type: 'inbound_call_ended', data: { call_id: `C-${i}` } });
    const tooMany = expectError(await postBatch(account.events, Array.from({ length: 501 }, (_, i) => event(i))), 422, 'validation_failed');
    expect(tooMany.details).toEqual([{ path: 'events', message: expect.stringContaining('500') }]);
    expect(expectError(await postBatch(account.events, []), 422, 'validation_failed').details).toEqual([{ path: 'events', message: expect.any(String) }]);
    for (const body of [[event(1)], 'events', null, 7]) {
      const refused = expectError(await call('/v1/events/batch', { token: account.events, body }), 422, 'validation_failed');
      expect(refused.details[0]!.path).toBe('(body)');
    }
    expect(expectError(await call('/v1/events/batch', { token: account.events, body: {} }), 422, 'validation_failed').details[0]!.path).toBe('events');
    expect(expectError(await call('/v1/events/batch', { token: account.events, body: { events: event(1) } }), 422, 'validation_failed').details[0]!.path).toBe('events');
    const extra = expectError(await call('/v1/events/batch', { token: account.events, body: { events: [event(1)], flush: true } }), 422, 'validation_failed');
    expect(extra.details[0]!.path).toBe('(body)');
    expectError(await call('/v1/events/batch', { token: account.events, rawBody: '{"events": [' }), 400, 'invalid_json');
    // Over 1 MiB in all, though every event is under the single endpoint's 256 KiB.
    const large = Array.from({ length: 5 }, (_, i) => ({ ...event(i), data: { call_id: `C-${i}`, blob: 'x'.repeat(210 * 1024) } }));
    const tooLarge = expectError(await postBatch(account.events, large), 413, 'payload_too_large');
    expect(tooLarge.message).toContain('1 MiB');
    expect((await usage(account)).events_stored).toBe(0);
    expect((await call('/v1/deliveries', { token: account.admin })).body.data).toEqual([]);

    // At the limits: 500 events, and 4 of those large events (about 840 KiB), are accepted.
    const full = await results(account.events, Array.from({ length: 500 }, (_, i) => event(i)));
    expect(full.every((r) => r.status === 'accepted')).toBe(true);
    const heavy = await results(account.events, large.slice(0, 4).map((e, i) => ({ ...e, id: `heavy-${i}` })));
    expect(heavy.map((r) => r.status)).toEqual(['accepted', 'accepted', 'accepted', 'accepted']);
    expect((await usage(account)).events_stored).toBe(504);
  }, 30_000);

  it('answers who may post as the single endpoint does: events keys and the operator; an admin key is 403', async () => {
    const account = await createAccount();
    const event = { type: 'inbound_call_ended', data: {} };
    expectError(await postBatch(account.admin, [event]), 403, 'forbidden');
    expectError(await call('/v1/events/batch', { body: { events: [event] } }), 401, 'unauthorized');
    expectError(await postBatch('hnk_events_forged', [event]), 401, 'unauthorized');
    expect((await usage(account)).events_stored).toBe(0);
  });
});

describe('POST /v1/events/batch: one account per batch', () => {
  it('an events key posts to its own account; events naming another are rejected alone', async () => {
    const [mine, theirs] = [await createAccount(), await createAccount()];
    const answered = await results(mine.events, [
      { id: 'e1', account_id: theirs.id, type: 'inbound_call_ended', data: {} },
      { id: 'e2', type: 'inbound_call_ended', data: {} },
      { id: 'e3', account_id: mine.id, type: 'inbound_call_ended', data: {} },
    ]);
    expect(answered.map((r) => r.status)).toEqual(['rejected', 'accepted', 'accepted']);
    expect(answered[0]!.error).toMatchObject({ code: 'forbidden', message: 'This key cannot post events for another account' });
    expect((await usage(mine)).events_stored).toBe(2);
    expect((await usage(theirs)).events_stored).toBe(0);
  });

  it('the operator names the account in each event; the first existing one is the batch’s, any other is rejected', async () => {
    const [a, b] = [await createAccount(), await createAccount()];
    const bucket = unique('b');
    await createAutomation(a, { url: sinkUrl(bucket) });
    const missing = unique('none');
    const answered = await results(OPERATOR, [
      { id: 'o1', type: 'inbound_call_ended', data: {} }, // no account_id
      { id: 'o2', account_id: missing, type: 'inbound_call_ended', data: {} },
      { id: 'o3', account_id: a.id, type: 'inbound_call_ended', data: { call_id: 'O3' } },
      { id: 'o4', account_id: b.id, type: 'inbound_call_ended', data: {} },
      { id: 'o5', account_id: a.id, type: 'inbound_call_ended', data: { call_id: 'O5' } },
      { id: 'o6', account_id: missing, type: 'inbound_call_ended', data: {} },
    ]);
    expect(answered.map((r) => r.status)).toEqual(['rejected', 'rejected', 'accepted', 'rejected', 'accepted', 'rejected']);
    // The first two as the single endpoint answers them.
    expect(answered[0]!.error).toEqual((await call('/v1/events', { token: OPERATOR, body: { id: 'o1', type: 'inbound_call_ended', data: {} } })).body.error);
    expect(answered[0]!.error).toMatchObject({ code: 'validation_failed', details: [{ path: 'account_id' }] });
    expect(answered[1]!.error).toEqual((await call('/v1/events', { token: OPERATOR, body: { account_id: missing, type: 'inbound_call_ended', data: {} } })).body.error);
    expect(answered[1]!.error).toMatchObject({ code: 'not_found' });
    expect(answered[3]!.error).toMatchObject({ code: 'forbidden', message: expect.stringContaining('one account') });
    // Named after the batch's account was chosen: it is not that one.
    expect(answered[5]!.error).toMatchObject({ code: 'forbidden' });
    expect(answered[2]).toEqual({ event_id: 'o3', status: 'accepted', deliveries: 1 });
    expect((await usage(a)).events_stored).toBe(2);
    expect((await usage(b)).events_stored).toBe(0);
    expect((await waitForSink(bucket, 2)).map((r) => JSON.parse(r.body).data.call_id).sort()).toEqual(['O3', 'O5']);
  });
});

describe('POST /v1/events/batch: partitions', () => {
  it('makes one request per partition touched, in the events’ order, and every accepted event is delivered', async () => {
    const account = await partitioned(4);
    const bucket = unique('b');
    await createAutomation(account, { url: sinkUrl(bucket) });
    const batch = Array.from({ length: 16 }, (_, i) => ({ id: `p-${i}`, type: 'inbound_call_ended', data: { call_id: `CALL-${i % 6}`, n: i } }));
    const touched = [...new Set(batch.map((e) => partitionOfEvent(e, 4)))].sort();
    expect(touched.length).toBeGreaterThan(1);
    const batches = vi.spyOn(AccountPlane.prototype, 'ingestBatch');
    const singles = vi.spyOn(AccountPlane.prototype, 'ingest');

    const answered = await results(account.events, batch);
    expect(answered.map((r) => r.status)).toEqual(batch.map(() => 'accepted'));
    expect(singles).not.toHaveBeenCalled();
    expect(batches).toHaveBeenCalledTimes(touched.length);
    const calls = batches.mock.calls.map(([key, events]) => ({ key, ids: events.map((e) => e.id) }));
    expect(calls.map((c) => c.key).sort()).toEqual(touched.map((p) => planeKey(account.id, p)).sort());
    for (const p of touched) {
      const sent = calls.find((c) => c.key === planeKey(account.id, p))!;
      expect(sent.ids).toEqual(batch.filter((e) => partitionOfEvent(e, 4) === p).map((e) => e.id));
    }
    // Each event's delivery was made in its partition, and all of them arrive.
    for (const event of batch) {
      const [delivery] = (await call(`/v1/deliveries?event_id=${event.id}`, { token: account.admin })).body.data;
      expect(partitionOfDeliveryId(delivery.id)).toBe(partitionOfEvent(event, 4));
    }
    const arrived = await waitForSink(bucket, batch.length);
    expect(arrived.map((r) => r.headers['webhook-id']).sort()).toHaveLength(new Set(arrived.map((r) => r.headers['webhook-id'])).size);
    expect((await usage(account)).partitions.map((p: { events_stored: number }) => p.events_stored)).toEqual(
      [0, 1, 2, 3].map((p) => batch.filter((e) => partitionOfEvent(e, 4) === p).length),
    );
  });

  it('a partition that fails rejects its own events with internal_error, stores none of them, and the others stand', async () => {
    const account = await partitioned(4);
    const bucket = unique('b');
    await createAutomation(account, { url: sinkUrl(bucket) });
    const batch = Array.from({ length: 12 }, (_, i) => ({ id: `f-${i}`, type: 'inbound_call_ended', data: { call_id: `FAIL-${i}` } }));
    const failing = partitionOfEvent(batch[0]!, 4);
    const failingKey = planeKey(account.id, failing);
    expect(batch.some((e) => partitionOfEvent(e, 4) !== failing)).toBe(true);
    const original = AccountPlane.prototype.ingestBatch;
    // The object of one partition fails (workerd prints its error as an uncaught exception).
    vi.spyOn(AccountPlane.prototype, 'ingestBatch').mockImplementation(async function (this: AccountPlane, key, events) {
      if (key === failingKey) throw new Error('storage unavailable');
      return original.call(this, key, events);
    });
    const logged: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((line: unknown) => void logged.push(String(line)));

    const answered = await results(account.events, batch);
    const fails = batch.map((e) => partitionOfEvent(e, 4) === failing);
    for (const [i, r] of answered.entries()) {
      if (fails[i]) {
        expect(r).toEqual({ event_id: batch[i]!.id, status: 'rejected', error: { code: 'internal_error', message: expect.stringContaining('post it again'), details: [] } });
      } else {
        expect(r).toEqual({ event_id: batch[i]!.id, status: 'accepted', deliveries: 1 });
      }
    }
    expect(logged.map((l) => JSON.parse(l))).toContainEqual(
      expect.objectContaining({ msg: 'batch ingest failed', account_id: account.id, partition: failing, events: fails.filter(Boolean).length }),
    );
    const stored = (await usage(account)).partitions as { events_stored: number }[];
    expect(stored[failing]!.events_stored).toBe(0);
    expect(stored.reduce((n, p) => n + p.events_stored, 0)).toBe(fails.filter((f) => !f).length);
    await waitForSink(bucket, fails.filter((f) => !f).length);

    // Posted again once the object is back: the rejected ones are stored, the others are duplicates.
    vi.restoreAllMocks();
    const again = await results(account.events, batch);
    expect(again.map((r) => r.status)).toEqual(fails.map((f) => (f ? 'accepted' : 'duplicate')));
    const arrived = await waitForSink(bucket, batch.length);
    expect(arrived.map((r) => JSON.parse(r.body).data.call_id).sort()).toEqual(batch.map((e) => e.data.call_id).sort());
  });
});

describe('POST /v1/events/batch: the same as posting one by one', () => {
  it('makes the same deliveries with the same bodies, and the same answers', async () => {
    const setUp = async () => {
      const account = await partitioned(3);
      const buckets = { calls: unique('b'), contacts: unique('b') };
      await createAutomation(account, { name: 'calls', url: sinkUrl(buckets.calls) });
      await createAutomation(account, { name: 'calls-2', url: sinkUrl(buckets.calls), body: '{"call":"{{call_id}}","agent":"{{agent_id}}"}' });
      await createAutomation(account, { name: 'contacts', trigger: 'contact_created', url: sinkUrl(buckets.contacts), body: '{"contact":"{{contact_id}}"}' });
      await createAutomation(account, { name: 'off', url: sinkUrl(buckets.calls), enabled: false });
      return { account, buckets };
    };
    const [batched, single] = [await setUp(), await setUp()];
    const events = [
      { id: 'x-1', type: 'inbound_call_ended', data: { call_id: 'CA1', agent_id: 'AG1', duration: 30 } },
      { id: 'x-2', type: 'contact_created', data: { contact_id: 'CT1' } },
      { id: 'x-3', type: 'inbound_call_ended', data: { call_id: 'CA2', agent_id: 'AG"2' } },
      { id: 'x-1', type: 'inbound_call_ended', data: { call_id: 'CA1' } },
      { id: 'x-4', type: 'call_exploded', data: {} },
      { id: 'x-5', type: 'inbound_call_ended', data: { call_id: 'CA3' }, occurred_at: '2026-03-01T12:00:00Z' },
      { id: 'x-6', type: 'contact_created', data: { contact_id: 'CT2', call_id: 'CA3' } },
    ];
    const viaBatch = await results(batched.account.events, events);
    const oneByOne: Result[] = [];
    for (const event of events) {
      const posted = await postEvent(single.account, event);
      oneByOne.push(
        posted.status === 202 ? { event_id: posted.body.event_id, status: 'accepted', deliveries: posted.body.deliveries }
        : posted.status === 200 ? { event_id: posted.body.event_id, status: 'duplicate', deliveries: 0 }
        : { event_id: event.id, status: 'rejected', error: posted.body.error },
      );
    }
    expect(viaBatch).toEqual(oneByOne);

    const delivered = async ({ account, buckets }: Awaited<ReturnType<typeof setUp>>) => {
      const automations = (await call('/v1/automations', { token: account.admin })).body.data as { id: string; name: string }[];
      const name = new Map(automations.map((a) => [a.id, a.name]));
      const log = (await call('/v1/deliveries?limit=100', { token: account.admin })).body.data as { event_id: string; automation_id: string; replay: boolean; is_test: boolean }[];
      const bodies = async (bucket: string, count: number) => (await waitForSink(bucket, count)).map((r) => r.body).sort();
      return {
        log: log.map((d) => `${d.event_id} → ${name.get(d.automation_id)}${d.replay ? ' replay' : ''}${d.is_test ? ' test' : ''}`).sort(),
        calls: await bodies(buckets.calls, 6),
        contacts: await bodies(buckets.contacts, 2),
      };
    };
    const [fromBatch, fromSingles] = [await delivered(batched), await delivered(single)];
    expect(fromBatch).toEqual(fromSingles);
    expect(fromBatch.log).toEqual([
      'x-1 → calls', 'x-1 → calls-2', 'x-2 → contacts', 'x-3 → calls', 'x-3 → calls-2', 'x-5 → calls', 'x-5 → calls-2', 'x-6 → contacts',
    ]);
    // Nothing more arrives on either side than those.
    expect((await sinkRequests(batched.buckets.calls)).length).toBe(6);
    expect((await sinkRequests(single.buckets.calls)).length).toBe(6);
  });
});

describe('POST /v1/events/batch: found by business key', () => {
  // The key rows are written after the batch's savepoint (src/plane/intake.ts): they must still be
  // there for every accepted event, and only once for an event posted again.
  it.each([1, 4])('every accepted event is found by each of its keys (%i partitions), and once only after it is posted again', async (count) => {
    const account = await partitioned(count);
    const bucket = unique('b');
    await createAutomation(account, { url: sinkUrl(bucket) });
    const tag = unique('k');
    const batch = Array.from({ length: 24 }, (_, i) => ({
      id: `${tag}-${i}`, type: 'inbound_call_ended',
      data: { call_id: `${tag}-CA${i % 6}`, contact_id: `${tag}-CT${i % 4}`, agent_id: `${tag}-AG${i % 3}`, interaction_id: `${tag}-IN${i}` },
    }));
    expect((await results(account.events, batch)).every((r) => r.status === 'accepted')).toBe(true);
    expect((await results(account.events, batch)).every((r) => r.status === 'duplicate')).toBe(true);
    const found = async (key: string, value: string) => {
      const listed = await call(`/v1/deliveries?${key}=${encodeURIComponent(value)}&limit=100`, { token: account.admin });
      expect(listed.status).toBe(200);
      return (listed.body.data as { event_id: string }[]).map((d) => d.event_id).sort();
    };
    const idsWhere = (pick: (e: (typeof batch)[number]) => boolean) => batch.filter(pick).map((e) => e.id).sort();
    for (let c = 0; c < 6; c++) expect(await found('call_id', `${tag}-CA${c}`)).toEqual(idsWhere((e) => e.data.call_id === `${tag}-CA${c}`));
    for (let c = 0; c < 4; c++) expect(await found('contact_id', `${tag}-CT${c}`)).toEqual(idsWhere((e) => e.data.contact_id === `${tag}-CT${c}`));
    for (let c = 0; c < 3; c++) expect(await found('agent_id', `${tag}-AG${c}`)).toEqual(idsWhere((e) => e.data.agent_id === `${tag}-AG${c}`));
    expect(await found('interaction_id', `${tag}-IN5`)).toEqual([`${tag}-5`]);
  });
});
