import { env } from 'cloudflare:workers';
import { expect, it } from 'vitest';

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
