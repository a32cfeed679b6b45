/**
 * What a dispatch pass costs the account object, as rows SQLite reads (the cursors' own
 * `rowsRead`, not time): finding the due deliveries must read about destinations ×
 * per-destination rows, not a destination's whole backlog, and give what the ranking query
 * it replaces gave.
 */
import { env } from 'cloudflare:workers';
import { runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { planeFor } from '../../src/plane/client';
import { dueDeliveries, nextDueAt } from '../../src/plane/store/schedule';

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
});
