/**
 * What a dispatch pass costs the account object, as rows SQLite reads (the cursors' own
 * `rowsRead`, not time): finding the due deliveries must read about destinations ×
 * per-destination rows, not a destination's whole backlog, and give what the ranking query
 * it replaces gave; what is out (queue messages, leases) must cost the rows out, not every
 * delivery the account ever made.
 */
import { env } from 'cloudflare:workers';
import { runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { planeFor } from '../../src/plane/client';
import { dueDeliveries, inFlightByAutomation, inFlightByDestination, leasedTo, leasedToAutomations, nextDispatchCheckAt, nextDueAt, staleDispatches } from '../../src/plane/store/schedule';

/** The queries before v5, as the reference for what the answers must be. */
const OLD_DUE = `SELECT * FROM (
  SELECT d.*, row_number() OVER (PARTITION BY destination ORDER BY next_attempt_at, id) AS rank
  FROM deliveries d WHERE next_attempt_at <= ? AND dispatch_token IS NULL AND waiting_for IS NULL)
WHERE rank <= ? ORDER BY next_attempt_at, id LIMIT ?`;
const OLD_NEXT_DUE = 'SELECT min(next_attempt_at) AS t FROM deliveries WHERE dispatch_token IS NULL AND waiting_for IS NULL';

/** Runs `run` against a SQL handle that counts the rows its statements read. */
function measured<T>(sql: SqlStorage, run: (sql: SqlStorage) => T) {
  const cursors: SqlStorageCursor<Record<string, SqlStorageValue>>[] = [];
  const counting = { exec: (query: string, ...params: SqlStorageValue[]) => { const cursor = sql.exec(query, ...params); cursors.push(cursor); return cursor; } };
  const result = run(counting as unknown as SqlStorage);
  return { result, rowsRead: cursors.reduce((sum, cursor) => sum + cursor.rowsRead, 0) };
}

const ids = (rows: readonly { id: string }[]) => rows.map((r) => r.id);

/** Rows without the old query's extra `rank` column, for comparing whole rows. */
const unranked = (rows: readonly object[]) => rows.map((row) => { const { rank: _rank, ...rest } = row as Record<string, unknown>; return rest; });
const oldDue = (sql: SqlStorage, now: number, perDestination: number, limit: number) =>
  unranked(sql.exec(OLD_DUE, now, perDestination, limit).toArray());

type Seed = { n: number; destination: string; from: number; step: number; salt: number; dispatched?: boolean; waiting?: boolean; closed?: boolean };

/** `n` open deliveries to one destination, due one per `step` ms from `from`. */
function seed(sql: SqlStorage, s: Seed) {
  sql.exec(
    `WITH RECURSIVE seq(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM seq WHERE i < ?)
     INSERT INTO deliveries (id, automation_id, event_id, destination, status, opened_at, next_attempt_at,
                             dispatch_token, waiting_for, created_at, updated_at)
     SELECT 'dlv_' || printf('%08x%08x', ?, i), 'aut_seed', 'evt_seed', ?, 'pending', ?,
            CASE WHEN ? THEN NULL ELSE ? + i * ? END,
            CASE WHEN ? THEN 'tok' END, CASE WHEN ? THEN 'dlv_blocker' END, ?, ? FROM seq`,
    s.n - 1, s.salt, s.destination, s.from, s.closed ? 1 : 0, s.from, s.step, s.dispatched ? 1 : 0, s.waiting ? 1 : 0, s.from, s.from,
  );
}

const fresh = () => planeFor(env, `dispatch-cost-${crypto.randomUUID()}`);

describe('dispatch cost', () => {
  it('a destination with a 20,000-delivery backlog costs a pass a few hundred rows, with the same answer as before', async () => {
    await runInDurableObject(fresh(), (_instance, state) => {
      const sql = state.storage.sql;
      const now = Date.now();
      seed(sql, { n: 20_000, destination: 'https://backlog.example', from: now - 3_600_000, step: 100, salt: 1 });
      seed(sql, { n: 3, destination: 'https://a.example', from: now - 1_000_000, step: 7, salt: 2 });
      seed(sql, { n: 5, destination: 'https://b.example', from: now - 10, step: 5, salt: 3 }); // some not due yet
      seed(sql, { n: 500, destination: 'https://c.example', from: now - 2_000_000, step: 1, salt: 4, dispatched: true });
      seed(sql, { n: 500, destination: 'https://c.example', from: now - 2_000_000, step: 1, salt: 5, waiting: true });
      seed(sql, { n: 500, destination: 'https://d.example', from: now, step: 1, salt: 6, closed: true });
      seed(sql, { n: 2, destination: 'https://e.example', from: now + 60_000, step: 1, salt: 7 }); // only later

      const pass = measured(sql, (s) => dueDeliveries(s, now, 50, 1_000));
      expect(unranked(pass.result)).toEqual(oldDue(sql, now, 50, 1_000));
      expect(ids(pass.result)).toHaveLength(50 + 3 + 3);
      expect(pass.rowsRead).toBeLessThan(400); // about 240 today: the 56 rows found, the 51 looked at for the backlog, the sort
      // The ranking it replaces read the whole backlog.
      expect(measured(sql, (s) => s.exec(OLD_DUE, now, 50, 1_000).toArray()).rowsRead).toBeGreaterThanOrEqual(20_000);

      const next = measured(sql, (s) => nextDueAt(s));
      expect(next.result).toBe(sql.exec<{ t: number }>(OLD_NEXT_DUE).one().t);
      expect(next.result).toBe(now - 3_600_000);
      expect(next.rowsRead).toBeLessThan(50);
    });
  });

  it('gives the rows, order and cuts of the ranking query on mixed data', async () => {
    await runInDurableObject(fresh(), (_instance, state) => {
      const sql = state.storage.sql;
      const now = 1_000_000;
      // Interleaved due times across destinations, ties in time broken by id, and rows a
      // pass must skip (dispatched, waiting for an earlier one, closed, not due yet).
      seed(sql, { n: 40, destination: 'https://a.example', from: now - 400, step: 10, salt: 1 });
      seed(sql, { n: 40, destination: 'https://b.example', from: now - 395, step: 10, salt: 2 });
      seed(sql, { n: 10, destination: 'https://b.example', from: now - 395, step: 10, salt: 3 });
      seed(sql, { n: 7, destination: 'https://c.example', from: now - 1_000, step: 0, salt: 4 });
      seed(sql, { n: 10, destination: 'https://a.example', from: now - 1_000, step: 1, salt: 5, dispatched: true });
      seed(sql, { n: 10, destination: 'https://b.example', from: now - 1_000, step: 1, salt: 6, waiting: true });
      seed(sql, { n: 10, destination: 'https://c.example', from: now - 1_000, step: 1, salt: 7, closed: true });
      for (const [at, perDestination, limit] of [[now, 50, 1_000], [now, 5, 1_000], [now, 5, 12], [now, 1, 2], [now - 200, 3, 100], [now - 2_000, 50, 1_000]] as const) {
        const rows = dueDeliveries(sql, at, perDestination, limit);
        expect(unranked(rows)).toEqual(oldDue(sql, at, perDestination, limit));
      }
      expect(dueDeliveries(sql, now, 5, 12).length).toBe(12);
      expect(nextDueAt(sql)).toBe(sql.exec<{ t: number }>(OLD_NEXT_DUE).one().t);
    });
  });

  it('finds nothing due when every delivery is out, waiting for an earlier one, or closed', async () => {
    await runInDurableObject(fresh(), (_instance, state) => {
      const sql = state.storage.sql;
      const now = 1_000_000;
      seed(sql, { n: 10, destination: 'https://a.example', from: now - 1_000, step: 1, salt: 1, dispatched: true });
      seed(sql, { n: 10, destination: 'https://b.example', from: now - 1_000, step: 1, salt: 2, waiting: true });
      seed(sql, { n: 10, destination: 'https://c.example', from: now - 1_000, step: 1, salt: 3, closed: true });
      expect(dueDeliveries(sql, now, 50, 1_000)).toEqual([]);
      expect(nextDueAt(sql)).toBeNull();
      expect(sql.exec<{ t: number | null }>(OLD_NEXT_DUE).one().t).toBeNull();
    });
  });

  it('what is out costs a pass the rows out, not the 20,000 deliveries the account made before', async () => {
    await runInDurableObject(fresh(), (_instance, state) => {
      const sql = state.storage.sql;
      const now = 10_000_000;
      seed(sql, { n: 20_000, destination: 'https://a.example', from: now - 5_000_000, step: 1, salt: 1, closed: true });
      seed(sql, { n: 30, destination: 'https://a.example', from: now - 1_000, step: 1, salt: 2, dispatched: true });
      seed(sql, { n: 12, destination: 'https://b.example', from: now - 1_000, step: 1, salt: 3, dispatched: true });
      seed(sql, { n: 40, destination: 'https://b.example', from: now - 1_000, step: 1, salt: 4 });
      // Out: a.example's under two automations, some claimed (leased), two leases run out; all
      // dispatched long ago, so the ones not claimed are stale.
      sql.exec(`UPDATE deliveries SET automation_id = 'aut_other' WHERE id LIKE 'dlv_00000002%' AND rowid % 3 = 0`);
      sql.exec(`UPDATE deliveries SET dispatched_at = ?, lease_until = ? WHERE id LIKE 'dlv_00000002%' AND rowid % 2 = 0`, now - 1_000, now + 30_000);
      sql.exec(`UPDATE deliveries SET lease_until = ? WHERE id IN (SELECT id FROM deliveries WHERE lease_until IS NOT NULL ORDER BY id LIMIT 2)`, now - 1);
      sql.exec(`UPDATE deliveries SET dispatched_at = ? WHERE dispatch_token IS NOT NULL AND lease_until IS NULL`, now - 600_000);

      const reads = {
        byDestination: measured(sql, (s) => inFlightByDestination(s)),
        byAutomation: measured(sql, (s) => inFlightByAutomation(s)),
        leasedTo: measured(sql, (s) => leasedTo(s, 'https://a.example', now)),
        leasedToAutomations: measured(sql, (s) => leasedToAutomations(s, ['aut_other'], now)),
        stale: measured(sql, (s) => staleDispatches(s, now, 60_000)),
        nextCheck: measured(sql, (s) => nextDispatchCheckAt(s, 60_000)),
      };
      // The same answers as reading every delivery.
      const all = sql.exec<{ id: string; automation_id: string; destination: string; dispatch_token: string | null; lease_until: number | null; dispatched_at: number | null }>(
        'SELECT id, automation_id, destination, dispatch_token, lease_until, dispatched_at FROM deliveries',
      ).toArray();
      const out = all.filter((d) => d.dispatch_token !== null);
      const count = (rows: typeof all, key: (d: (typeof all)[number]) => string) =>
        rows.reduce((m, d) => m.set(key(d), (m.get(key(d)) ?? 0) + 1), new Map<string, number>());
      expect(reads.byDestination.result).toEqual(count(out, (d) => d.destination));
      expect(reads.byAutomation.result).toEqual(count(out, (d) => d.automation_id));
      expect(reads.byAutomation.result).toEqual(new Map([['aut_seed', 32], ['aut_other', 10]]));
      expect(reads.leasedTo.result).toBe(all.filter((d) => d.destination === 'https://a.example' && (d.lease_until ?? -1) >= now).length);
      expect(reads.leasedToAutomations.result).toBe(all.filter((d) => d.automation_id === 'aut_other' && (d.lease_until ?? -1) >= now).length);
      expect(reads.leasedTo.result).toBeGreaterThan(0);
      expect(reads.leasedToAutomations.result).toBeGreaterThan(0);
      expect(reads.stale.result.expired.map((d) => d.id).sort()).toEqual(all.filter((d) => d.lease_until !== null && d.lease_until < now).map((d) => d.id).sort());
      expect(reads.stale.result.expired).toHaveLength(2);
      expect(reads.stale.result.resend.map((d) => d.id).sort()).toEqual(out.filter((d) => d.lease_until === null).map((d) => d.id).sort());
      expect(reads.nextCheck.result).toBe(now - 600_000 + 60_000); // the stale messages before the lapsed leases
      for (const [name, read] of Object.entries(reads)) expect([name, read.rowsRead < 200]).toEqual([name, true]); // 42 out; 20,082 rows in all
    });
  });
});
