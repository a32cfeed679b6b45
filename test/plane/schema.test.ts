import { env } from 'cloudflare:workers';
import { runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { planeFor } from '../../src/plane/client';
import { noticeText } from '../../src/domain/causes';
import { getAttempts, insertAttempt, latestResponseSnippets, latestSentUrls, listDeliveries } from '../../src/plane/store/delivery-log';
import { eventData, getEvent, insertEvent } from '../../src/plane/store/events';
import { insertDelivery } from '../../src/plane/store/deliveries';
import { listNotices } from '../../src/plane/store/notices';
import { keyHash, packEventData } from '../../src/plane/store/packing';
import { purgeBefore } from '../../src/plane/store/retention';
import { SentUrlIds } from '../../src/plane/store/sent-urls';
import { migrate, MIGRATIONS, runMigration, SCHEMA_VERSION } from '../../src/plane/schema';

const fresh = () => planeFor(env, `schema-${crypto.randomUUID()}`);

/** Rebuilds the object's database as the code of `version` left it (empty). */
function rebuildAt(state: DurableObjectState, version: number): void {
  const sql = state.storage.sql;
  for (const { name } of sql.exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'view'").toArray()) sql.exec(`DROP VIEW ${name}`);
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
      expect(tables).toEqual(expect.arrayContaining(['attempt_log', 'attempts', 'deliveries', 'destinations', 'events', 'schema_meta', 'sent_urls', 'stats_hourly']));
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
      // v4's task + status index, partial since v9 (only deliveries that did not succeed).
      expect(sql.exec("SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'deliveries' AND name LIKE 'deliveries%status%' ORDER BY name").toArray()).toEqual([
        { sql: "CREATE INDEX deliveries_automation_status_unsucceeded ON deliveries (automation_id, status, id) WHERE status <> 'succeeded'" },
        { sql: "CREATE INDEX deliveries_status_unsucceeded ON deliveries (status, id) WHERE status <> 'succeeded'" },
      ]);
      // v5: the ready deliveries per destination in due order, which dispatch passes skip through.
      expect(sql.exec("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'deliveries' AND name = 'deliveries_ready'").toArray()).toHaveLength(1);
      // v6: notices keep data, not words; v11: a notice closed by a later success of its delivery.
      expect(sql.exec("SELECT name FROM pragma_table_info('notices')").toArray().map((c) => c.name)).toEqual([
        'id', 'type', 'automation_id', 'delivery_id', 'data', 'created_at', 'closed_at', 'closed_by',
      ]);
      expect(sql.exec("SELECT name FROM sqlite_master WHERE type = 'index' AND name = 'notices_open_delivery'").toArray()).toHaveLength(1);
      // v7: hashed business keys and packed requests (old rows untouched); v8: the unmatched mark.
      expect(sql.exec("SELECT name FROM pragma_table_info('events') WHERE name LIKE '%hash' OR name = 'unmatched'").toArray().map((c) => c.name)).toEqual([
        'call_id_hash', 'contact_id_hash', 'interaction_id_hash', 'agent_id_hash', 'unmatched',
      ]);
      expect(sql.exec('SELECT request_packed FROM attempts').toArray()).toEqual([{ request_packed: null }]);
      // v14: no index of events by received_at alone (retention goes through (type, received_at)).
      expect(sql.exec("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events' AND sql LIKE '%(received_at)%'").toArray()).toEqual([
        { name: 'events_unmatched' },
      ]);
    });
  });

  it('v6 converts notices stored as text into data, once; words it does not know stay as text', async () => {
    await runInDurableObject(fresh(), (_instance, state) => {
      const sql = state.storage.sql;
      rebuildAt(state, 5);
      const at = Date.parse('2030-01-06T11:00:00.000Z');
      // Every wording a notice was stored in before v6 (each type's current one, and the first
      // ones for a turned-off task), then some that no code wrote.
      const old: [string, string, string | null, string][] = [
        ['evt_01', 'delivery.exhausted', 'dlv_1', 'Every attempt failed; the last: receiver answered 500 (Internal Server Error); gave up.'],
        ['evt_02', 'delivery.exhausted', 'dlv_2', 'Every attempt failed; the last: unknown error.'],
        ['evt_03', 'delivery.recovered', 'dlv_3', 'Delivered on attempt 3 after earlier failures.'],
        ['evt_04', 'automation.failing', 'dlv_4', 'Every delivery attempt has failed since 2030-01-02T03:04:05.000Z.'],
        ['evt_05', 'automation.disabled', 'dlv_5',
          'Turned off automatically: on 2030-01-03T00:00:00.000Z your endpoint answered 410 Gone, which means the address no longer exists, so nothing more is sent to it.'],
        ['evt_06', 'automation.disabled', 'dlv_6',
          'Turned off automatically: every attempt to deliver to your endpoint has failed since 2030-01-01T10:00:00.000Z (5 days), so nothing more is sent to it.'],
        ['evt_07', 'automation.disabled', 'dlv_7', 'The receiver answered 410 Gone: it says the endpoint is gone for good, so the automation was turned off.'],
        ['evt_08', 'automation.disabled', 'dlv_8', 'Turned off automatically: every delivery attempt has failed for 121 hours (since 2030-01-01T10:00:00.000Z).'],
        ['evt_09', 'automation.failing', null, 'Written by hand on 2030-01-04T00:00:00.000Z.'],
        // Right words under another type, or without the delivery they need: not guessed at.
        ['evt_10', 'delivery.recovered', 'dlv_10', 'Every delivery attempt has failed since 2030-01-02T03:04:05.000Z.'],
        ['evt_11', 'automation.disabled', null, 'The receiver answered 410 Gone: it says the endpoint is gone for good, so the automation was turned off.'],
      ];
      for (const [id, type, delivery, message] of old) {
        sql.exec('INSERT INTO notices (id, type, automation_id, delivery_id, message, created_at) VALUES (?, ?, ?, ?, ?, ?)', id, type, 'aut_1', delivery, message, at);
      }
      expect(migrate(state.storage)).toBe(5);
      const read = listNotices(sql, 20, undefined).data;
      expect(read.map((n) => [n.id, n.data])).toEqual([
        ['evt_11', { type: 'automation.disabled', text: old[10]![3] }],
        ['evt_10', { type: 'delivery.recovered', text: old[9]![3] }],
        ['evt_09', { type: 'automation.failing', text: 'Written by hand on 2030-01-04T00:00:00.000Z.' }],
        ['evt_08', { type: 'automation.disabled', cause: { kind: 'failing', since: '2030-01-01T10:00:00.000Z', hours: 121 } }],
        // The first words had no time: the notice was written with the 410 it tells of.
        ['evt_07', { type: 'automation.disabled', cause: { kind: 'gone', at: '2030-01-06T11:00:00.000Z', delivery_id: 'dlv_7' } }],
        ['evt_06', { type: 'automation.disabled', cause: { kind: 'failing', since: '2030-01-01T10:00:00.000Z', hours: 120 } }],
        ['evt_05', { type: 'automation.disabled', cause: { kind: 'gone', at: '2030-01-03T00:00:00.000Z', delivery_id: 'dlv_5' } }],
        ['evt_04', { type: 'automation.failing', since: '2030-01-02T03:04:05.000Z' }],
        ['evt_03', { type: 'delivery.recovered', attempt: 3 }],
        ['evt_02', { type: 'delivery.exhausted', last_error: null, last_status_code: null }],
        ['evt_01', { type: 'delivery.exhausted', last_error: 'receiver answered 500 (Internal Server Error); gave up', last_status_code: null }],
      ]);
      // The rest of each row is kept.
      expect(read.every((n) => n.automation_id === 'aut_1' && n.created_at === '2030-01-06T11:00:00.000Z')).toBe(true);
      expect(read.find((n) => n.id === 'evt_04')!.delivery_id).toBe('dlv_4');
      // Today's words come back from the data: a notice in today's words reads exactly as it did.
      for (const [id, , , message] of old.filter(([id]) => !['evt_07', 'evt_08'].includes(id))) {
        expect(noticeText(read.find((n) => n.id === id)!.data), id).toBe(message);
      }
      // Once: at v6 the migration does not run again.
      expect(migrate(state.storage)).toBe(SCHEMA_VERSION);
      expect(listNotices(sql, 20, undefined).data).toEqual(read);
    });
  });

  it('v7 reads rows stored as text before it exactly as they were, beside the packed rows written after', async () => {
    await runInDurableObject(fresh(), (_instance, state) => {
      const sql = state.storage.sql;
      rebuildAt(state, 6);
      const at = Date.parse('2030-01-06T11:00:00.000Z');
      const data = JSON.stringify({ call_id: 'CA42', agent_id: 'ag-1', contact_name: 'Zoë 中文 😀', notes: 'x'.repeat(2000) });
      const headers = { 'content-type': 'application/json', 'user-agent': 'HTTP-Notifier/1.0.0', 'webhook-id': 'dlv_old', 'x-tenant': 'acmé' };
      const body = '{"call":"CA42","name":"Zoë 中文 😀"}';
      // Rows as v6 code wrote them: the data, the keys and the request as text.
      sql.exec(
        `INSERT INTO events (id, type, occurred_at, data, received_at, call_id, agent_id) VALUES ('evt_old', 'inbound_call_ended', ?, ?, ?, 'CA42', 'ag-1')`,
        at, data, at,
      );
      sql.exec(`INSERT INTO deliveries (id, automation_id, event_id, destination, status, attempt_count, opened_at, created_at, updated_at)
                VALUES ('dlv_old', 'aut_1', 'evt_old', 'https://example.com', 'retrying', 1, ?1, ?1, ?1)`, at);
      sql.exec(
        `INSERT INTO attempts (delivery_id, attempt, started_at, duration_ms, status_code, response_body, request_url, request_headers, request_body, request_body_truncated)
         VALUES ('dlv_old', 1, ?, 12, 503, 'busy', 'https://example.com/hook', ?, ?, 1)`,
        at, JSON.stringify(headers), body,
      );
      expect(migrate(state.storage)).toBe(6);

      // Read as v6 read them: the event, the attempt with its request, a search by business key.
      expect(eventData(sql, 'evt_old')).toBe(data);
      expect(getEvent(sql, 'evt_old')).toEqual({ id: 'evt_old', type: 'inbound_call_ended', occurred_at: at, data, is_test: 0 });
      const before = getAttempts(sql, 'dlv_old');
      expect(before).toEqual([{
        attempt: 1, started_at: '2030-01-06T11:00:00.000Z', duration_ms: 12, status_code: 503, error: null, response_body: 'busy',
        request: { url: 'https://example.com/hook', headers, body, body_truncated: true },
      }]);

      // A retry of the old delivery, same body: stored packed, naming the old attempt's body.
      const sent = { method: 'POST', url: 'https://example.com/hook', headers: { ...headers, 'webhook-timestamp': '1893927600' }, body, bodyTruncated: true };
      insertAttempt(sql, { deliveryId: 'dlv_old', attempt: 2, startedAt: at + 60_000, durationMs: 9, statusCode: 200, error: null, responseBody: 'ok', request: sent }, new SentUrlIds());
      // v9: a new attempt goes to attempt_log; the old one stays where it was, and both are read.
      expect(sql.exec('SELECT attempt FROM attempts').toArray()).toEqual([{ attempt: 1 }]);
      const packed = sql.exec<{ request_packed: ArrayBuffer }>("SELECT request_packed FROM attempt_log WHERE attempt = 2").one().request_packed;
      expect(new Uint8Array(packed)[0]).toBe(4); // format 4 since v14: a repeated body, named
      expect(getAttempts(sql, 'dlv_old').map((a) => a.request)).toEqual([
        before[0]!.request,
        { url: 'https://example.com/hook', headers: sent.headers, body, body_truncated: true },
      ]);

      // A new event with the same call: packed, keys hashed; a search finds the old and the new.
      insertEvent(sql, { id: 'evt_new', type: 'inbound_call_ended', occurredAt: at, data, isTest: false, receivedAt: at });
      insertDelivery(sql, { id: 'dlv_new', automationId: 'aut_1', eventId: 'evt_new', destination: 'https://example.com', isTest: false, now: at + 1 });
      // Since v9 its keys are rows of event_keys (call and agent here), not columns.
      expect(sql.exec("SELECT typeof(data) AS t, call_id, call_id_hash AS h FROM events WHERE id = 'evt_new'").one()).toEqual({ t: 'blob', call_id: null, h: null });
      expect(sql.exec("SELECT count(*) AS n FROM event_keys WHERE event_rowid = (SELECT rowid FROM events WHERE id = 'evt_new')").one()).toEqual({ n: 2 });
      expect(eventData(sql, 'evt_new')).toBe(data);
      for (const filter of [{ call_id: 'CA42' }, { agent_id: 'ag-1' }]) {
        expect(listDeliveries(sql, { ...filter, limit: 10 }).data.map((d) => d.id).sort(), JSON.stringify(filter)).toEqual(['dlv_new', 'dlv_old']);
      }
      expect(listDeliveries(sql, { call_id: 'CA43', limit: 10 }).total).toBe(0);
    });
  });

  it('v14 stores each URL sent to once; an attempt stored before keeps its URL as text; both read the same', async () => {
    await runInDurableObject(fresh(), (_instance, state) => {
      const sql = state.storage.sql;
      rebuildAt(state, 13);
      const at = Date.parse('2030-01-06T11:00:00.000Z');
      const url = 'https://example.com/hooks/calls?tenant=acme';
      sql.exec(`INSERT INTO events (id, type, occurred_at, data, received_at) VALUES ('evt_1', 'inbound_call_ended', ?1, '{}', ?1)`, at);
      for (const id of ['dlv_1', 'dlv_2']) {
        sql.exec(`INSERT INTO deliveries (id, automation_id, event_id, destination, status, attempt_count, opened_at, created_at, updated_at)
                  VALUES (?2, 'aut_1', 'evt_1', 'https://example.com', 'retrying', 1, ?1, ?1, ?1)`, at, id);
      }
      // An attempt as v13 code wrote it: the URL as text in its row.
      sql.exec(`INSERT INTO attempt_log (delivery_id, attempt, started_at, duration_ms, status_code, request_url, request_body_truncated)
                VALUES ('dlv_1', 1, ?, 5, 503, ?, 0)`, at, url);
      expect(migrate(state.storage)).toBe(13);

      const urls = new SentUrlIds();
      const record = (deliveryId: string, attempt: number, to: string | null) =>
        insertAttempt(sql, {
          deliveryId, attempt, startedAt: at + attempt * 1000, durationMs: 7, statusCode: to ? 200 : null, error: to ? null : 'target refused',
          responseBody: null, request: to ? { method: 'POST', url: to, headers: { 'content-type': 'application/json' }, body: '{"n":1}', bodyTruncated: false } : null,
        }, urls);
      record('dlv_1', 2, url);
      record('dlv_1', 3, null); // stopped before sending: no URL
      record('dlv_2', 1, url);
      urls.committed();
      record('dlv_2', 2, 'https://other.example/hook');
      // The same URL is one row, named by id; the old row keeps its text; nothing sent, no id.
      expect(sql.exec('SELECT url FROM sent_urls ORDER BY id').toArray()).toEqual([{ url }, { url: 'https://other.example/hook' }]);
      expect(sql.exec('SELECT delivery_id, attempt, request_url, request_url_id FROM attempt_log ORDER BY delivery_id, attempt').toArray()).toEqual([
        { delivery_id: 'dlv_1', attempt: 1, request_url: url, request_url_id: null },
        { delivery_id: 'dlv_1', attempt: 2, request_url: null, request_url_id: 1 },
        { delivery_id: 'dlv_1', attempt: 3, request_url: null, request_url_id: null },
        { delivery_id: 'dlv_2', attempt: 1, request_url: null, request_url_id: 1 },
        { delivery_id: 'dlv_2', attempt: 2, request_url: null, request_url_id: 2 },
      ]);
      // Read through the view as before: the attempts' requests, and the URL the log shows.
      expect(getAttempts(sql, 'dlv_1').map((a) => a.request?.url ?? null)).toEqual([url, url, null]);
      expect(getAttempts(sql, 'dlv_1')[1]!.request).toEqual({ url, headers: { 'content-type': 'application/json' }, body: '{"n":1}', body_truncated: false });
      expect(latestSentUrls(sql, ['dlv_1', 'dlv_2'])).toEqual({ dlv_1: url, dlv_2: 'https://other.example/hook' });
      // Those reads seek by the attempt's key and the URL by its id, however many attempts other
      // deliveries have: their plans search, and they read a few rows, not the account's attempts.
      for (let i = 0; i < 300; i++) record('dlv_2', 10 + i, url);
      /** The rows SQLite read for `read` (its cursors' own count). */
      const readsOf = (read: (s: SqlStorage) => unknown) => {
        const cursors: SqlStorageCursor<Record<string, SqlStorageValue>>[] = [];
        const counting = {
          exec: (query: string, ...params: SqlStorageValue[]) => {
            const cursor = sql.exec(query, ...params);
            cursors.push(cursor);
            return cursor;
          },
        };
        read(counting as unknown as SqlStorage);
        return cursors.reduce((sum, cursor) => sum + cursor.rowsRead, 0);
      };
      expect(readsOf((s) => latestSentUrls(s, ['dlv_1']))).toBeLessThan(10);
      expect(readsOf((s) => latestResponseSnippets(s, ['dlv_1'], 80))).toBeLessThan(10);
      expect(readsOf((s) => getAttempts(s, 'dlv_1'))).toBeLessThan(20);
      for (const query of [
        'SELECT request_url FROM all_attempts WHERE delivery_id = ? AND request_url IS NOT NULL ORDER BY attempt DESC LIMIT 1',
        'SELECT attempt, request_url FROM all_attempts WHERE delivery_id = ? AND attempt < 3 AND request_url IS NOT NULL ORDER BY attempt DESC LIMIT 1',
      ]) {
        const plan = sql.exec<{ detail: string }>(`EXPLAIN QUERY PLAN ${query}`, 'dlv_1').toArray().map((r) => r.detail);
        expect(plan.filter((d) => /^SCAN (attempt_log|attempts|sent_urls)\b/.test(d)), query).toEqual([]);
        expect(plan, query).toContain('SEARCH sent_urls USING INTEGER PRIMARY KEY (rowid=?)');
        expect(plan, query).toContain('SEARCH attempt_log USING PRIMARY KEY (delivery_id=?' + (query.includes('attempt <') ? ' AND attempt<?)' : ')'));
      }
    });
  });

  it('v9 finds keys in event_keys beside the hash columns v8 wrote; a key never finds another kind; retention deletes them', async () => {
    await runInDurableObject(fresh(), (_instance, state) => {
      const sql = state.storage.sql;
      rebuildAt(state, 8);
      const at = Date.parse('2030-01-06T11:00:00.000Z');
      // A row as v8 wrote it: packed data, the key as a hash column.
      sql.exec(
        `INSERT INTO events (id, type, occurred_at, data, received_at, call_id_hash) VALUES ('evt_v8', 'inbound_call_ended', ?, ?, ?, ?)`,
        at, packEventData('{"call_id":"CA7"}'), at, keyHash('CA7'),
      );
      expect(migrate(state.storage)).toBe(8);
      insertEvent(sql, { id: 'evt_call', type: 'inbound_call_ended', occurredAt: at, data: '{"call_id":"CA7","agent_id":"ag-2"}', isTest: false, receivedAt: at });
      // The same text as an agent id: not the call.
      insertEvent(sql, { id: 'evt_agent', type: 'inbound_call_ended', occurredAt: at, data: '{"agent_id":"CA7"}', isTest: false, receivedAt: at });
      ['evt_v8', 'evt_call', 'evt_agent'].forEach((eventId, i) => {
        insertDelivery(sql, { id: `dlv_${i}`, automationId: 'aut_1', eventId, destination: 'https://example.com', isTest: false, now: at + i });
      });
      const found = (filter: object) => listDeliveries(sql, { ...filter, limit: 10 }).data.map((d) => d.id).sort();
      expect(found({ call_id: 'CA7' })).toEqual(['dlv_0', 'dlv_1']);
      expect(found({ agent_id: 'CA7' })).toEqual(['dlv_2']);
      expect(found({ agent_id: 'ag-2' })).toEqual(['dlv_1']);
      expect(sql.exec('SELECT count(*) AS n FROM event_keys').one()).toEqual({ n: 3 });

      // Past retention, the events go with their keys.
      sql.exec('DELETE FROM deliveries');
      expect(purgeBefore(sql, at + 1, 100).events).toBe(3);
      expect(sql.exec('SELECT count(*) AS n FROM event_keys').one()).toEqual({ n: 0 });
      expect(found({ call_id: 'CA7' })).toEqual([]);
    });
  });
});
