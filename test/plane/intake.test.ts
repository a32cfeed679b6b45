/**
 * Ingestion stores each event whole — its row, its deliveries, its key rows — or not at all.
 * Should one event of a batch fail, those before it stand and go out, the call fails (so the API
 * answers them `rejected`, never `accepted`), and posting the batch again is safe.
 */
import { describe, expect, it } from 'vitest';
import type { PlaneRuntime } from '../../src/plane/runtime';
import { ingestBatch, type IngestInput } from '../../src/plane/intake';
import { call, createAccount, createAutomation, sinkUrl, unique, waitForSink } from '../helpers';
import { inPlane } from '../delivery/support';
import type { AccountPlane } from '../../src/plane/account-plane';

/** The object's runtime (private to it), to call ingestion as its RPC does. */
const runtimeOf = (instance: AccountPlane) => (instance as unknown as { rt: PlaneRuntime }).rt;

/** `sql` whose `n`-th delivery insert throws, as a database failing there would. */
function failingAtDelivery(sql: SqlStorage, n: number): SqlStorage {
  let deliveries = 0;
  return new Proxy(sql, {
    get(target, prop) {
      if (prop !== 'exec') return Reflect.get(target, prop);
      return (query: string, ...bindings: SqlStorageValue[]) => {
        if (query.trimStart().startsWith('INSERT INTO deliveries') && ++deliveries === n) throw new Error('disk I/O error');
        return target.exec(query, ...bindings);
      };
    },
  });
}

describe('ingesting a batch in an account object', () => {
  it('an event failing midway is not stored; those before it stand whole, are found by their keys and go out', async () => {
    const account = await createAccount();
    const bucket = unique('b');
    await createAutomation(account, { url: sinkUrl(bucket) });
    const now = Date.now();
    const events: IngestInput[] = [1, 2, 3, 4].map((i) => ({
      id: unique(`mid-${i}`), type: 'inbound_call_ended', occurredAt: now, receivedAt: now, data: JSON.stringify({ call_id: `${bucket}-${i}` }),
    }));

    const failed = await inPlane(account.id, async (instance, sql) => {
      const rt = runtimeOf(instance);
      rt.bind(account.id);
      (rt as { sql: SqlStorage }).sql = failingAtDelivery(sql, 3);
      try {
        return await ingestBatch(rt, events).then(() => null, (error: Error) => error.message);
      } finally {
        (rt as { sql: SqlStorage }).sql = sql;
      }
    });
    expect(failed).toBe('disk I/O error');

    // The third event's row went with its savepoint; the first two are whole.
    const stored = await inPlane(account.id, (_instance, sql) => events.map((e) => ({
      event: sql.exec('SELECT count(*) AS n FROM events WHERE id = ?', e.id).one().n,
      deliveries: sql.exec('SELECT count(*) AS n FROM deliveries WHERE event_id = ?', e.id).one().n,
    })));
    expect(stored).toEqual([{ event: 1, deliveries: 1 }, { event: 1, deliveries: 1 }, { event: 0, deliveries: 0 }, { event: 0, deliveries: 0 }]);
    for (const i of [1, 2]) {
      const found = await call(`/v1/deliveries?call_id=${bucket}-${i}`, { token: account.admin });
      expect(found.body.data.map((d: { event_id: string }) => d.event_id)).toEqual([events[i - 1]!.id]);
    }
    // The failed call still sent what it stored.
    const arrived = await waitForSink(bucket, 2);
    expect(arrived.map((r) => JSON.parse(r.body).data.call_id).sort()).toEqual([`${bucket}-1`, `${bucket}-2`]);

    // Posted again: the stored ones are duplicates, the rest is stored and sent.
    const again = await inPlane(account.id, (instance) => ingestBatch(runtimeOf(instance), events));
    expect(again.map((r) => [r.duplicate, r.deliveryIds.length])).toEqual([[true, 0], [true, 0], [false, 1], [false, 1]]);
    expect((await waitForSink(bucket, 4)).map((r) => JSON.parse(r.body).data.call_id).sort()).toEqual(events.map((_, i) => `${bucket}-${i + 1}`));
  });
});
