/**
 * What the delivery log costs the account object, as rows SQLite reads (the cursors' own
 * `rowsRead`, not time): a filter must seek to its rows rather than walk the history.
 */
import { env } from 'cloudflare:workers';
import { runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { planeFor } from '../../src/plane/client';
import { latestResponseSnippets, listDeliveries, type DeliveryFilter } from '../../src/plane/store/delivery-log';

/** Runs a listing and returns it with the rows its statements read, and the statements. */
function measured(sql: SqlStorage, filter: DeliveryFilter) {
  const cursors: SqlStorageCursor<Record<string, SqlStorageValue>>[] = [];
  const queries: string[] = [];
  const counting = {
    exec: (query: string, ...params: SqlStorageValue[]) => {
      const cursor = sql.exec(query, ...params);
      cursors.push(cursor);
      queries.push(query);
      return cursor;
    },
  };
  const page = listDeliveries(counting as unknown as SqlStorage, filter);
  latestResponseSnippets(counting as unknown as SqlStorage, page.data.map((d) => d.id), 80);
  return { page, rowsRead: cursors.reduce((sum, cursor) => sum + cursor.rowsRead, 0), queries };
}

/** `n` finished deliveries of one task and status, one per `step` ms from `from`. */
function seed(sql: SqlStorage, n: number, automation: string, status: string, from: number, step: number, salt: number) {
  sql.exec(
    `WITH RECURSIVE seq(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM seq WHERE i < ?)
     INSERT INTO deliveries (id, automation_id, event_id, destination, status, opened_at, created_at, updated_at)
     SELECT 'dlv_' || printf('%012x', ? + i * ?) || printf('%08x%08x', ?, i), ?, 'evt_seed', 'https://example.com', ?,
            ? + i * ?, ? + i * ?, ? + i * ? FROM seq`,
    n - 1, from, step, salt, automation, status, from, step, from, step, from, step,
  );
}

describe('delivery log cost', () => {
  it('a rare status of one task in a time range reads about as many rows as it finds, however busy the account', async () => {
    await runInDurableObject(planeFor(env, `log-cost-${crypto.randomUUID()}`), (_instance, state) => {
      const sql = state.storage.sql;
      const from = Date.now() - 3_600_000;
      // Task A: 10,000 successes and 10 failures; task B: 10,000 failures, all in the same hour.
      seed(sql, 10_000, 'aut_a', 'succeeded', from, 300, 1);
      seed(sql, 10, 'aut_a', 'failed', from + 150, 300_000, 2);
      seed(sql, 10_000, 'aut_b', 'failed', from + 100, 300, 3);
      const window = { since: from, until: from + 3_600_000, limit: 50 };

      const rare = measured(sql, { ...window, automationId: 'aut_a', status: 'failed' });
      expect(rare.page.data).toHaveLength(10);
      expect(rare.page.total).toBe(10);
      expect(rare.rowsRead).toBeLessThan(100);
    });
  });

  it('the status indexes hold only what did not succeed; a succeeded filter reads along the task, where nearly all rows are', async () => {
    await runInDurableObject(planeFor(env, `log-cost-${crypto.randomUUID()}`), (_instance, state) => {
      const sql = state.storage.sql;
      const from = Date.now() - 3_600_000;
      seed(sql, 5_000, 'aut_a', 'succeeded', from, 300, 1);
      seed(sql, 20, 'aut_a', 'failed', from + 150, 100_000, 2);
      seed(sql, 5_000, 'aut_b', 'succeeded', from + 100, 300, 3);
      const counted = (index: string) => sql.exec<{ n: number }>(`SELECT count(*) AS n FROM deliveries INDEXED BY ${index} WHERE status <> 'succeeded'`).one().n;
      expect(counted('deliveries_status_unsucceeded')).toBe(20);
      expect(counted('deliveries_automation_status_unsucceeded')).toBe(20);

      // Without a status, or across tasks: the first page reads about a page of rows.
      for (const filter of [{ status: 'succeeded' as const }, { automationId: 'aut_a', status: 'succeeded' as const }, { status: 'failed' as const }]) {
        const first = measured(sql, { ...filter, limit: 50 });
        expect(first.page.data, JSON.stringify(filter)).toHaveLength(filter.status === 'failed' ? 20 : 50);
        expect(first.page.data.every((d) => d.status === filter.status)).toBe(true);
      }
      const failed = measured(sql, { status: 'failed', limit: 50 });
      expect(failed.page.total).toBe(20);
      expect(failed.rowsRead).toBeLessThan(200);
      const succeeded = measured(sql, { automationId: 'aut_a', status: 'succeeded', limit: 50 });
      expect(succeeded.page.total).toBe(5_000);
    });
  });

  it('a page of the log, with its response snippets and a business-key search, reads no packed value', async () => {
    await runInDurableObject(planeFor(env, `log-cost-${crypto.randomUUID()}`), (_instance, state) => {
      const sql = state.storage.sql;
      seed(sql, 100, 'aut_a', 'succeeded', Date.now() - 3_600_000, 1000, 1);
      for (const filter of [{ limit: 50 }, { limit: 50, call_id: 'CA42' }, { limit: 50, automationId: 'aut_a', status: 'succeeded' as const }]) {
        const { queries } = measured(sql, filter);
        // Event data and requests are packed (unpacking costs CPU): a list shows neither.
        for (const query of queries) expect(query, query).not.toMatch(/request_packed|request_body|request_headers|\bdata\b|SELECT \*\s+FROM events/);
      }
    });
  });
});
