/**
 * Direct D1 access for the benchmark: bulk seeding of the control plane (accounts, keys,
 * automations). Events and deliveries live in the account objects, reached through the API
 * (lib/plane.mjs).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SAMPLE_BODY } from './fixtures.mjs';
import { repoRoot } from './paths.mjs';

const TRIGGER_IDS = JSON.parse(readFileSync(join(repoRoot, 'src/catalog/triggers.json'), 'utf8')).triggers.map((t) => t.id);
export const SEED_PREFIX = 'seed-';

/**
 * Seeds `accounts` accounts (integration on, an admin and an events key each) holding
 * `automations` automations spread over every trigger, in three set-based statements.
 * The seeded automations reuse one real sealed secret: it opens only for its own
 * automation, which is fine because no event is ever posted for a seeded account.
 */
export async function seedConfiguration(db, { accounts, automations, secretCiphertext, url }) {
  const now = Date.now();
  const numbers = `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ?1)`;
  await db.batch([
    db.prepare(
      `${numbers} INSERT INTO accounts (id, name, http_notifier_enabled, created_at, updated_at)
       SELECT printf('${SEED_PREFIX}acc-%06d', i), printf('Seeded account %d', i), 1, ?2, ?2 FROM n`,
    ).bind(accounts, now),
    db.prepare(
      `${numbers} INSERT INTO api_keys (id, account_id, role, key_hash, created_at)
       SELECT printf('key_%012x%016x', ?2, i), printf('${SEED_PREFIX}acc-%06d', i / 2),
              CASE i % 2 WHEN 0 THEN 'admin' ELSE 'events' END, lower(hex(randomblob(32))), ?2 FROM n`,
    ).bind(accounts * 2, now),
    db.prepare(
      `${numbers} INSERT INTO automations (id, account_id, name, trigger, url, format, body, headers, enabled,
                                           secret_ciphertext, created_at, updated_at)
       SELECT printf('aut_${SEED_PREFIX}%012x%08d', ?2, i), printf('${SEED_PREFIX}acc-%06d', i % ?3),
              printf('Seeded automation %d', i), json_extract(?4, printf('$[%d]', i % json_array_length(?4))),
              ?5, 'json', ?6, '{}', 1, ?7, ?2, ?2 FROM n`,
    ).bind(automations, now, accounts, JSON.stringify(TRIGGER_IDS), url, SAMPLE_BODY, secretCiphertext),
  ]);
  const count = await db.prepare(`SELECT count(*) AS n FROM automations WHERE account_id LIKE '${SEED_PREFIX}%'`).first('n');
  if (count !== automations) throw new Error(`seeded ${count} automations, expected ${automations}`);
}

export async function removeSeededConfiguration(db) {
  await db.batch([
    db.prepare(`DELETE FROM automations WHERE account_id LIKE '${SEED_PREFIX}%'`),
    db.prepare(`DELETE FROM api_keys WHERE account_id LIKE '${SEED_PREFIX}%'`),
    db.prepare(`DELETE FROM accounts WHERE id LIKE '${SEED_PREFIX}%'`),
  ]);
}

export async function anySecretCiphertext(db) {
  return db.prepare('SELECT secret_ciphertext FROM automations LIMIT 1').first('secret_ciphertext');
}
