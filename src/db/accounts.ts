/** SQL for accounts and their API keys. */
import { partitioningOf, type Partitioning } from '../domain/partitions';
import type { KeyRole } from '../domain/vocabulary';
import { iso } from './rows';

export interface Account {
  id: string;
  name: string;
  http_notifier_enabled: boolean;
  /** Account objects its data plane is spread over (src/domain/partitions.ts). */
  partitions: number;
  created_at: string;
  updated_at: string;
}

interface AccountRow {
  id: string;
  name: string;
  http_notifier_enabled: number;
  partitions: number;
  partition_history: string;
  created_at: number;
  updated_at: number;
}

const toAccount = (row: AccountRow): Account => ({
  id: row.id,
  name: row.name,
  http_notifier_enabled: row.http_notifier_enabled === 1,
  partitions: row.partitions,
  created_at: iso(row.created_at),
  updated_at: iso(row.updated_at),
});

/** The account with how its data plane is partitioned; null when there is no such account. */
export async function getPartitioning(db: D1Database, id: string): Promise<Partitioning | null> {
  const row = await db.prepare('SELECT partitions, partition_history FROM accounts WHERE id = ?1').bind(id).first<Pick<AccountRow, 'partitions' | 'partition_history'>>();
  return row ? partitioningOf(row.partitions, row.partition_history) : null;
}

/**
 * Stores a new partitioning if the account still has `from` partitions (another change in
 * between loses: null), returning the account.
 */
export async function setPartitioning(db: D1Database, id: string, from: number, to: Partitioning, now: number): Promise<Account | null> {
  const row = await db
    .prepare('UPDATE accounts SET partitions = ?3, partition_history = ?4, updated_at = ?5 WHERE id = ?1 AND partitions = ?2 RETURNING *')
    .bind(id, from, to.count, JSON.stringify(to.history), now)
    .first<AccountRow>();
  return row ? toAccount(row) : null;
}

/** Inserts the account; returns null when the id is taken. */
export async function insertAccount(db: D1Database, id: string, name: string, now: number): Promise<Account | null> {
  const row = await db
    .prepare(
      `INSERT INTO accounts (id, name, http_notifier_enabled, created_at, updated_at)
       VALUES (?1, ?2, 0, ?3, ?3) ON CONFLICT (id) DO NOTHING RETURNING *`,
    )
    .bind(id, name, now)
    .first<AccountRow>();
  return row ? toAccount(row) : null;
}

export async function getAccount(db: D1Database, id: string): Promise<Account | null> {
  const row = await db.prepare('SELECT * FROM accounts WHERE id = ?1').bind(id).first<AccountRow>();
  return row ? toAccount(row) : null;
}

export async function setIntegrationEnabled(db: D1Database, id: string, enabled: boolean, now: number): Promise<Account | null> {
  const row = await db
    .prepare('UPDATE accounts SET http_notifier_enabled = ?2, updated_at = ?3 WHERE id = ?1 RETURNING *')
    .bind(id, enabled ? 1 : 0, now)
    .first<AccountRow>();
  return row ? toAccount(row) : null;
}

export interface OperationsWebhook {
  url: string | null;
  secretCiphertext: string | null;
}

export async function getOperationsWebhook(db: D1Database, accountId: string): Promise<OperationsWebhook | null> {
  const row = await db
    .prepare('SELECT operations_url, operations_secret_ciphertext FROM accounts WHERE id = ?1')
    .bind(accountId)
    .first<{ operations_url: string | null; operations_secret_ciphertext: string | null }>();
  return row ? { url: row.operations_url, secretCiphertext: row.operations_secret_ciphertext } : null;
}

/** Sets (or, with nulls, removes) the account's operations webhook. */
export async function setOperationsWebhook(db: D1Database, accountId: string, hook: OperationsWebhook, now: number): Promise<void> {
  await db
    .prepare('UPDATE accounts SET operations_url = ?2, operations_secret_ciphertext = ?3, updated_at = ?4 WHERE id = ?1')
    .bind(accountId, hook.url, hook.secretCiphertext, now)
    .run();
}

export interface ApiKeyRecord {
  id: string;
  account_id: string;
  role: KeyRole;
  name: string | null;
  created_at: string;
}

export async function insertApiKey(
  db: D1Database,
  key: { id: string; accountId: string; role: KeyRole; name: string | null; hash: string },
  now: number,
): Promise<ApiKeyRecord> {
  await db
    .prepare('INSERT INTO api_keys (id, account_id, role, name, key_hash, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)')
    .bind(key.id, key.accountId, key.role, key.name, key.hash, now)
    .run();
  return { id: key.id, account_id: key.accountId, role: key.role, name: key.name, created_at: iso(now) };
}

/** Revokes a live key of the account; false when there is none with that id. */
export async function revokeApiKey(db: D1Database, accountId: string, keyId: string, now: number): Promise<boolean> {
  const result = await db
    .prepare('UPDATE api_keys SET revoked_at = ?3 WHERE id = ?2 AND account_id = ?1 AND revoked_at IS NULL')
    .bind(accountId, keyId, now)
    .run();
  return result.meta.changes > 0;
}

export interface KeyPrincipal {
  keyId: string;
  role: KeyRole;
  accountId: string;
  integrationEnabled: boolean;
  /** Read with the key, so that routing an event to its partition costs no extra D1 read. */
  partitioning: Partitioning;
}

/** The live key with this hash and its account's switch, in one indexed lookup. */
export async function findKeyByHash(db: D1Database, hash: string): Promise<KeyPrincipal | null> {
  const row = await db
    .prepare(
      `SELECT k.id AS key_id, k.role, k.account_id, a.http_notifier_enabled, a.partitions, a.partition_history
       FROM api_keys k JOIN accounts a ON a.id = k.account_id
       WHERE k.key_hash = ?1 AND k.revoked_at IS NULL`,
    )
    .bind(hash)
    .first<{ key_id: string; role: KeyRole; account_id: string; http_notifier_enabled: number; partitions: number; partition_history: string }>();
  return row
    ? {
        keyId: row.key_id, role: row.role, accountId: row.account_id, integrationEnabled: row.http_notifier_enabled === 1,
        partitioning: partitioningOf(row.partitions, row.partition_history),
      }
    : null;
}
