import { env } from 'cloudflare:workers';
import { runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { planeFor } from '../../src/plane/client';
import { migrate, MIGRATIONS, SCHEMA_VERSION } from '../../src/plane/schema';

const fresh = () => planeFor(env, `schema-${crypto.randomUUID()}`);

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
      expect(tables).toEqual(expect.arrayContaining(['attempts', 'deliveries', 'destinations', 'events', 'schema_meta']));
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
      state.storage.sql.exec("UPDATE schema_meta SET value = ? WHERE key = 'version'", String(SCHEMA_VERSION + 1));
      expect(() => migrate(state.storage)).toThrow(/newer than this code/);
    });
  });
});
