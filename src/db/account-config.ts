/**
 * What an account object needs from the control plane: whether the integration is on, and
 * every automation with what sending it takes. Read in one round trip and cached by the object.
 */
import type { BodyFormat, Envelope, Ordering } from '../domain/vocabulary';

export interface AutomationConfigRow {
  id: string;
  trigger: string;
  url: string;
  format: BodyFormat;
  body: string;
  headers: string;
  enabled: number;
  secret_ciphertext: string;
  /** JSON, see src/domain/secret-rotation.ts. */
  previous_secrets: string;
  max_concurrency: number | null;
  rate_limit_per_second: number | null;
  ordering: Ordering;
  updated_at: number;
  /** JSON object: field name → redaction mode. */
  redact: string;
  /** JSON of the condition tree; NULL: every event. */
  conditions: string | null;
  /** JSON of an AuthView, its secret sealed apart; NULL: none. */
  auth: string | null;
  auth_secret_ciphertext: string | null;
  envelope: Envelope;
  max_age_seconds: number | null;
}

export async function readAccountConfig(
  db: D1Database,
  accountId: string,
): Promise<{
  integrationEnabled: boolean;
  exists: boolean;
  /** Account objects the account's data plane is spread over. */
  partitions: number;
  automations: AutomationConfigRow[];
  operations: { url: string; secretCiphertext: string } | null;
}> {
  const [account, automations] = await db.batch([
    db.prepare('SELECT http_notifier_enabled, partitions, operations_url, operations_secret_ciphertext FROM accounts WHERE id = ?1').bind(accountId),
    db
      .prepare(
        `SELECT id, trigger, url, format, body, headers, enabled, secret_ciphertext, max_concurrency,
                rate_limit_per_second, ordering, updated_at, previous_secrets, redact, conditions,
                auth, auth_secret_ciphertext, envelope, max_age_seconds
         FROM automations WHERE account_id = ?1`,
      )
      .bind(accountId),
  ]);
  const row = account!.results[0] as
    | { http_notifier_enabled: number; partitions: number; operations_url: string | null; operations_secret_ciphertext: string | null }
    | undefined;
  return {
    exists: row !== undefined,
    integrationEnabled: row?.http_notifier_enabled === 1,
    partitions: row?.partitions ?? 1,
    automations: automations!.results as AutomationConfigRow[],
    operations: row?.operations_url && row.operations_secret_ciphertext
      ? { url: row.operations_url, secretCiphertext: row.operations_secret_ciphertext }
      : null,
  };
}

