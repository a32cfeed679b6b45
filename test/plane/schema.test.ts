import { env } from 'cloudflare:workers';
import { runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { planeFor } from '../../src/plane/client';
import { migrate, MIGRATIONS, runMigration, SCHEMA_VERSION } from '../../src/plane/schema';

const fresh = () => planeFor(env, `schema-${crypto.randomUUID()}`);

/** Rebuilds the object's database as the code of `version` left it (empty). */
function rebuildAt(state: DurableObjectState, version: number): void {
  const sql = state.storage.sql;
  for (const { name } of sql.exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_%' ESCAPE '\\'").toArray()) {
    sql.exec(`DROP TABLE ${name}`);
  }
  sql.exec('CREATE TABLE schema_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
  for (const migration of MIGRATIONS.slice(0, version)) runMigration(sql, migration);
  sql.exec("INSERT INTO schema_meta (key, value) VALUES ('version', ?)", String(version));
}

describe('account object schema, versioned in code', () => {
  it('a new object is migrated to the current version, with its tables', async () => {
    await runInDurableObject(fresh(), (_instance, state) => {
      const version = state.storage.sql.exec<{ value: string }>("SELECT value FROM schema_meta WHERE key = 'version'").one().value;
      expect(Number(version)).toBe(SCHEMA_VERSION);
      expect(SCHEMA_VERSION).toBe(MIGRATIONS.length);
      const tables = state.storage.sql
        .exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_%' ESCAPE '\\' ORDER BY name")
        .toArray()
        .map((r) => r.name);
      expect(tables).toEqual(expect.arrayContaining(['attempts', 'deliveries', 'destinations', 'events', 'schema_meta', 'stats_hourly']));
    });
  });

  it('migrating again changes nothing, and reports the version it found', async () => {
    await runInDurableObject(fresh(), (_instance, state) => {
      const before = state.storage.sql.exec('SELECT sql FROM sqlite_master ORDER BY name').toArray();
      expect(migrate(state.storage)).toBe(SCHEMA_VERSION);
      expect(state.storage.sql.exec('SELECT sql FROM sqlite_master ORDER BY name').toArray()).toEqual(before);
    });
  });

  it('refuses a database written by newer code', async () => {
    await runInDurableObject(fresh(), (_instance, state) => {
      // A version only newer code can write: there is no other way to make such a database here.
      state.storage.sql.exec("UPDATE schema_meta SET value = ? WHERE key = 'version'", String(SCHEMA_VERSION + 1));
      expect(() => migrate(state.storage)).toThrow(/newer than this code/);
    });
  });

  it('moves a v1 database to the current version, keeping its rows', async () => {
    await runInDurableObject(fresh(), (_instance, state) => {
      const sql = state.storage.sql;
      rebuildAt(state, 1);
      sql.exec("INSERT INTO events (id, type, occurred_at, data, received_at) VALUES ('evt_1', 'inbound_call_ended', 1, '{\"call_id\":\"CA42\"}', 1)");
      sql.exec(`INSERT INTO deliveries (id, automation_id, event_id, destination, status, opened_at, created_at, updated_at)
                VALUES ('dlv_1', 'aut_1', 'evt_1', 'https://example.com', 'succeeded', 1, 1, 1)`);
      expect(migrate(state.storage)).toBe(1);
      expect(sql.exec<{ value: string }>("SELECT value FROM schema_meta WHERE key = 'version'").one().value).toBe(String(SCHEMA_VERSION));
      // Old rows stay; the columns v2 added are there with their defaults.
      expect(sql.exec('SELECT id, call_id FROM events').toArray()).toEqual([{ id: 'evt_1', call_id: null }]);
      expect(sql.exec('SELECT id, replay FROM deliveries').toArray()).toEqual([{ id: 'dlv_1', replay: 0 }]);
      sql.exec("INSERT INTO attempts (delivery_id, attempt, started_at, duration_ms) VALUES ('dlv_1', 1, 1, 5)");
      // v3: attempts gain the request sent (empty for old ones), and the hourly stats table.
      expect(sql.exec('SELECT request_url, request_headers, request_body, request_body_truncated FROM attempts').toArray()).toEqual([
        { request_url: null, request_headers: null, request_body: null, request_body_truncated: 0 },
      ]);
      expect(sql.exec('SELECT count(*) AS n FROM stats_hourly').one()).toEqual({ n: 0 });
      // v4: the log's task + status index.
      expect(sql.exec("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'deliveries' AND name = 'deliveries_automation_status'").toArray()).toHaveLength(1);
      // v5: the ready deliveries per destination in due order, which dispatch passes skip through.
      expect(sql.exec("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'deliveries' AND name = 'deliveries_ready'").toArray()).toHaveLength(1);
    });
  });

});
