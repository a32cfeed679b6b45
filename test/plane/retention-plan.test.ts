/**
 * The retention purge reads events through (type, received_at), a type at a time (schema v14
 * dropped the index on received_at alone): it must seek, never walk the events table, and still
 * reach every type stored, delete only what is past retention and unreferenced, a pass at a time.
 */
import { env } from 'cloudflare:workers';
import { runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { planeFor } from '../../src/plane/client';
import { PAST_RETENTION, purgeBefore } from '../../src/plane/store/retention';

const HOUR = 3_600_000;
const NOW = Date.parse('2030-03-01T00:00:00.000Z');
/** Several triggers, and one the catalog no longer has: the purge must not depend on the catalog. */
const TYPES = ['contact_created', 'inbound_call_ended', 'retired_trigger_of_2029', 'csat_score_received'];

/** `n` events of `type`, one an hour ending an hour before NOW (so `old` of them are past NOW - (n - old) hours). */
function seedEvents(sql: SqlStorage, type: string, n: number) {
  sql.exec(
    `WITH RECURSIVE seq(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM seq WHERE i + 1 < ?1)
     INSERT INTO events (id, type, occurred_at, data, received_at)
     SELECT printf('evt_%s_%05d', ?2, i), ?2, ?3 - (?1 - i) * ?4, '{}', ?3 - (?1 - i) * ?4 FROM seq`,
    n, type, NOW, HOUR,
  );
}

const stored = (sql: SqlStorage, type: string) => sql.exec<{ n: number }>('SELECT count(*) AS n FROM events WHERE type = ?', type).one().n;

describe('retention purge of events', () => {
  it('seeks through the type index, one seek per type, and never scans the events table', async () => {
    await runInDurableObject(planeFor(env, `retention-${crypto.randomUUID()}`), (_instance, state) => {
      const sql = state.storage.sql;
      for (const type of TYPES) seedEvents(sql, type, 2_000);
      const cutoff = NOW - (2_000 - 5) * HOUR; // the 5 oldest of each type are past it
      const plan = sql.exec<{ detail: string }>(`EXPLAIN QUERY PLAN ${PAST_RETENTION}`, cutoff, 100).toArray().map((r) => r.detail);
      expect(plan).toContain('SEARCH e USING INDEX events_type_received (type=? AND received_at<?)');
      // Every read of events is a seek on that index (the first type and each next one too); none walks it.
      const onEvents = plan.filter((d) => /^(SCAN|SEARCH) (events|e)\b/.test(d));
      expect(onEvents).toHaveLength(3);
      expect(onEvents.every((d) => d.startsWith('SEARCH') && d.includes('events_type_received'))).toBe(true);
      // The unmatched purge keeps its own partial index.
      const unmatchedPlan = sql
        .exec<{ detail: string }>(
          `EXPLAIN QUERY PLAN SELECT e.rowid FROM events e WHERE e.unmatched = 1 AND e.received_at < ?
             AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = e.id) LIMIT ?`, cutoff, 100,
        )
        .toArray().map((r) => r.detail);
      expect(unmatchedPlan.join('\n')).toContain('events_unmatched');

      // Rows read: about one per type to find the types, and the rows past retention — not 8,000.
      const cursor = sql.exec<{ rowid: number }>(PAST_RETENTION, cutoff, 100);
      expect(cursor.toArray()).toHaveLength(TYPES.length * 5);
      expect(cursor.rowsRead).toBeLessThan(60);
    });
  });

  it('deletes every type past retention, keeps what a delivery refers to, a bounded pass at a time', async () => {
    await runInDurableObject(planeFor(env, `retention-${crypto.randomUUID()}`), (_instance, state) => {
      const sql = state.storage.sql;
      for (const type of TYPES) seedEvents(sql, type, 20);
      const cutoff = NOW - 10 * HOUR; // the 10 oldest of each type are past it
      // One old event of each of two types still has a delivery (an open retry): it stays.
      for (const [i, eventId] of ['evt_inbound_call_ended_00000', 'evt_retired_trigger_of_2029_00003'].entries()) {
        sql.exec(`INSERT INTO deliveries (id, automation_id, event_id, destination, status, next_attempt_at, opened_at, created_at, updated_at)
                  VALUES (?, 'aut_1', ?, 'https://example.com', 'retrying', ?3, ?3, ?3, ?3)`, `dlv_keep_${i}`, eventId, NOW);
      }
      // Bounded: 15 a pass, so three passes for the 38 events that may go.
      expect(purgeBefore(sql, cutoff, 15).events).toBe(15);
      expect(purgeBefore(sql, cutoff, 15).events).toBe(15);
      expect(purgeBefore(sql, cutoff, 15).events).toBe(8);
      expect(purgeBefore(sql, cutoff, 15).events).toBe(0);
      expect(Object.fromEntries(TYPES.map((type) => [type, stored(sql, type)]))).toEqual({
        contact_created: 10, inbound_call_ended: 11, retired_trigger_of_2029: 11, csat_score_received: 10,
      });
      // Nothing received at or after the cutoff went; the two kept old ones are there.
      expect(sql.exec<{ n: number }>('SELECT count(*) AS n FROM events WHERE received_at < ?', cutoff).one().n).toBe(2);
      expect(sql.exec<{ id: string }>('SELECT id FROM events WHERE received_at < ? ORDER BY id', cutoff).toArray().map((r) => r.id)).toEqual([
        'evt_inbound_call_ended_00000', 'evt_retired_trigger_of_2029_00003',
      ]);
    });
  });
});
