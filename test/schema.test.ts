import { env } from 'cloudflare:workers';
import { expect, it } from 'vitest';
import { disabledReasonText } from '../src/domain/causes';

/** Normalised `sqlite_master` entries: what the schema really is, whatever the SQL's formatting. */
async function schemaOf(db: D1Database) {
  const { results } = await db
    .prepare(
      `SELECT type, name, tbl_name, sql FROM sqlite_master
       WHERE name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name <> 'd1_migrations'
       ORDER BY type, name`,
    )
    .all<{ type: string; name: string; tbl_name: string; sql: string | null }>();
  // Comments are dropped: the migration reader strips them, so only the definitions are compared.
  // Space around punctuation is too: ALTER TABLE … ADD COLUMN splices the new column in before
  // whatever whitespace preceded the closing parenthesis.
  return results.map((r) => ({ ...r, sql: r.sql?.replace(/--[^\n]*/g, '').replace(/\s*([(),])\s*/g, '$1').replace(/\s+/g, ' ').trim() ?? null }));
}

it('schema.sql describes exactly the schema the migrations build', async () => {
  // The suite's DB was built by applying migrations/ (test/apply-migrations.ts).
  const migrated = await schemaOf(env.DB);
  expect(migrated.length).toBeGreaterThan(5);

  // Build schema.sql in a scratch namespace of the same database: drop nothing, rename nothing,
  // just apply it with table names prefixed, then compare modulo the prefix.
  const prefix = 'schema_check_';
  const statements = env.SCHEMA_SQL.replace(/--[^\n]*/g, '')
    .split(';')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) =>
      s
        .replace(/\b(CREATE (?:UNIQUE )?INDEX) (\w+) ON (\w+)/g, `$1 ${prefix}$2 ON ${prefix}$3`)
        .replace(/\bCREATE TABLE (\w+)/g, `CREATE TABLE ${prefix}$1`)
        .replace(/\bREFERENCES (\w+)/g, `REFERENCES ${prefix}$1`),
    );
  for (const statement of statements) await env.DB.prepare(statement).run();
  const fromSchema = (await schemaOf(env.DB))
    .filter((r) => r.name.startsWith(prefix))
    .map((r) => ({
      ...r,
      name: r.name.slice(prefix.length),
      tbl_name: r.tbl_name.slice(prefix.length),
      sql: r.sql?.replaceAll(prefix, '') ?? null,
    }));
  expect(fromSchema).toEqual(migrated);
});

it('migrations/0009 converts the reasons stored as text into causes, once, keeping words it does not know', async () => {
  // 0009's own statements, run on a scratch table standing in for automations as 0008 left it
  // (only the column it reads), so the suite's database stays as it is.
  const migration = env.TEST_MIGRATIONS.find((m) => m.name.startsWith('0009_'))!;
  const table = `reasons_${crypto.randomUUID().replaceAll('-', '')}`;
  await env.DB.prepare(`CREATE TABLE ${table} (id TEXT PRIMARY KEY, disabled_reason TEXT)`).run();
  const reasons: [string, string | null][] = [
    // The four wordings ever stored: today's two, then the first two.
    ['now_gone', 'Turned off automatically: on 2030-01-03T00:00:00.000Z your endpoint answered 410 Gone, which means the address no longer exists, so nothing more is sent to it (delivery dlv_abc123)'],
    ['now_days', 'Turned off automatically: every attempt to deliver to your endpoint has failed since 2030-01-01T10:00:00.000Z (5 days), so nothing more is sent to it'],
    ['now_hours', 'Turned off automatically: every attempt to deliver to your endpoint has failed since 2030-01-01T10:00:00.000Z (30 hours), so nothing more is sent to it'],
    ['now_hour', 'Turned off automatically: every attempt to deliver to your endpoint has failed since 2030-01-01T10:00:00.000Z (1 hour), so nothing more is sent to it'],
    ['first_gone', 'Turned off automatically: the receiver answered 410 Gone on 2030-01-03T00:00:00.000Z (delivery dlv_abc123)'],
    ['first_failing', 'Turned off automatically: every delivery attempt has failed for 121 hours (since 2030-01-01T10:00:00.000Z)'],
    // Other words, however close, are kept as they are.
    ['other', 'Switched off by <b>Support</b> on 2030-01-04T00:00:00.000Z'],
    ['no_time', 'Turned off automatically: the receiver answered 410 Gone on yesterday (delivery dlv_1)'],
    ['longer', 'Turned off automatically: on 2030-01-03T00:00:00.000Z your endpoint answered 410 Gone, which means the address no longer exists, so nothing more is sent to it (delivery dlv_abc123) and more'],
    ['no_id', 'Turned off automatically: on 2030-01-03T00:00:00.000Z your endpoint answered 410 Gone, which means the address no longer exists, so nothing more is sent to it (delivery )'],
    ['weeks', 'Turned off automatically: every attempt to deliver to your endpoint has failed since 2030-01-01T10:00:00.000Z (5 weeks), so nothing more is sent to it'],
    ['on', null],
  ];
  for (const [id, reason] of reasons) await env.DB.prepare(`INSERT INTO ${table} (id, disabled_reason) VALUES (?1, ?2)`).bind(id, reason).run();
  for (const query of migration.queries) await env.DB.prepare(query.replace(/\bautomations\b/g, table)).run();

  const { results } = await env.DB.prepare(`SELECT * FROM ${table}`).all<{ id: string; disabled_cause: string | null }>();
  const causes = Object.fromEntries(results.map((r) => [r.id, r.disabled_cause === null ? null : JSON.parse(r.disabled_cause)]));
  const gone = { kind: 'gone', at: '2030-01-03T00:00:00.000Z', delivery_id: 'dlv_abc123' };
  const since = '2030-01-01T10:00:00.000Z';
  const text = (id: string) => ({ kind: 'text', text: reasons.find(([r]) => r === id)![1] });
  expect(causes).toEqual({
    now_gone: gone,
    // "5 days" was rounded down from the hours; 120 is worded the same again.
    now_days: { kind: 'failing', since, hours: 120 },
    now_hours: { kind: 'failing', since, hours: 30 },
    now_hour: { kind: 'failing', since, hours: 1 },
    first_gone: gone,
    first_failing: { kind: 'failing', since, hours: 121 },
    other: text('other'), no_time: text('no_time'), longer: text('longer'), no_id: text('no_id'), weeks: text('weeks'),
    on: null,
  });
  // Today's words come back from the causes as they were stored.
  for (const id of ['now_gone', 'now_days', 'now_hours', 'now_hour', 'other', 'longer']) {
    expect(disabledReasonText(causes[id]), id).toBe(reasons.find(([r]) => r === id)![1]);
  }
  // The text column stays for code deployed before 0009 (expand, then contract); nothing reads it.
  expect(Object.keys(results[0]!)).toEqual(['id', 'disabled_reason', 'disabled_cause']);
  await env.DB.prepare(`DROP TABLE ${table}`).run();
});
