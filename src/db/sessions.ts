/**
 * SQL for admin console sessions. A session row names the admin key it was opened with;
 * every lookup joins that key and its account, so a revoked key (or a key whose role is not
 * admin) ends its sessions at once without any clean-up step.
 */
import { partitioningOf } from '../domain/partitions';
import type { KeyPrincipal } from './accounts';

export interface SessionPrincipal extends KeyPrincipal {
  expiresAt: number;
}

export async function insertSession(
  db: D1Database,
  session: { tokenHash: string; keyId: string; now: number; expiresAt: number },
): Promise<void> {
  // Expired rows are dropped here, when a new one is written, so the table stays small
  // without a job of its own (the index on expires_at keeps this cheap).
  await db.batch([
    db.prepare('DELETE FROM console_sessions WHERE expires_at <= ?1').bind(session.now),
    db
      .prepare('INSERT INTO console_sessions (token_hash, key_id, created_at, expires_at) VALUES (?1, ?2, ?3, ?4)')
      .bind(session.tokenHash, session.keyId, session.now, session.expiresAt),
  ]);
}

/** The live, unexpired session with this token hash, as the admin principal it acts for. */
export async function findSession(db: D1Database, tokenHash: string, now: number): Promise<SessionPrincipal | null> {
  const row = await db
    .prepare(
      `SELECT s.expires_at, k.id AS key_id, k.account_id, a.http_notifier_enabled, a.partitions, a.partition_history
       FROM console_sessions s
       JOIN api_keys k ON k.id = s.key_id
       JOIN accounts a ON a.id = k.account_id
       WHERE s.token_hash = ?1 AND s.expires_at > ?2 AND k.revoked_at IS NULL AND k.role = 'admin'`,
    )
    .bind(tokenHash, now)
    .first<{ expires_at: number; key_id: string; account_id: string; http_notifier_enabled: number; partitions: number; partition_history: string }>();
  if (!row) return null;
  return {
    keyId: row.key_id,
    role: 'admin',
    accountId: row.account_id,
    integrationEnabled: row.http_notifier_enabled === 1,
    partitioning: partitioningOf(row.partitions, row.partition_history),
    expiresAt: row.expires_at,
  };
}

export async function deleteSession(db: D1Database, tokenHash: string): Promise<boolean> {
  const result = await db.prepare('DELETE FROM console_sessions WHERE token_hash = ?1').bind(tokenHash).run();
  return result.meta.changes > 0;
}
