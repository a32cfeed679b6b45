/** SQL for automations. Every query is scoped by account id: another account's ids are simply not found. */
import { disabledReasonText, type DisabledCause, type RecordedCause } from '../domain/causes';
import { DEFAULT_MAX_CONCURRENCY } from '../domain/destination-gate';
import { decodePreviousSecrets, liveSecrets } from '../domain/secret-rotation';
import type { Conditions } from '../domain/conditions';
import type { AuthView } from '../domain/destination-auth';
import type { Redactions } from '../domain/redaction';
import type { BodyFormat, Envelope, Ordering } from '../domain/vocabulary';
import { iso, toPage, type Page } from './rows';

export interface Automation {
  id: string;
  name: string | null;
  trigger: string;
  action: 'http_post';
  url: string;
  format: BodyFormat;
  body: string;
  headers: Record<string, string>;
  enabled: boolean;
  /** Why the system turned it off, in words written from `disabled_cause`. */
  disabled_reason: string | null;
  disabled_cause: RecordedCause | null;
  max_concurrency: number;
  rate_limit_per_second: number | null;
  ordering: Ordering;
  /** A delivery not succeeded this many seconds after its event occurred is never sent (expired); null: no limit. */
  max_age_seconds: number | null;
  /** Since when every attempt has been failing (marked after 24 h); null while healthy. */
  failing_since: string | null;
  /** When each secret rotated out with an overlap stops signing (the live ones only; never their values). */
  previous_secrets: { valid_until: string }[];
  redact: Redactions;
  /** Which events of its trigger it delivers; null: every one. */
  conditions: Conditions | null;
  /** How it authenticates to the target, without the password or client secret. */
  auth: AuthView | null;
  envelope: Envelope;
  created_at: string;
  updated_at: string;
}

export interface AutomationRow {
  id: string;
  account_id: string;
  name: string | null;
  trigger: string;
  action: 'http_post';
  url: string;
  format: BodyFormat;
  body: string;
  headers: string;
  enabled: number;
  secret_ciphertext: string;
  created_at: number;
  updated_at: number;
  /** Bumped by every change; the API serves it as the ETag. */
  version: number;
  /** NULL: DEFAULT_MAX_CONCURRENCY. */
  max_concurrency: number | null;
  rate_limit_per_second: number | null;
  ordering: Ordering;
  failing_since: number | null;
  /** JSON, see src/domain/secret-rotation.ts. */
  previous_secrets: string;
  /** JSON object: field name → redaction mode. */
  redact: string;
  /** JSON of a RecordedCause (src/domain/causes.ts): why the system turned it off; NULL otherwise. */
  disabled_cause: string | null;
  /** JSON of the condition tree (src/domain/conditions.ts); NULL: every event. */
  conditions: string | null;
  /** JSON of an AuthView (src/domain/destination-auth.ts); NULL: none. */
  auth: string | null;
  /** The password or client secret, sealed like the signing secret (bound to authSecretBoundTo(id)). */
  auth_secret_ciphertext: string | null;
  envelope: Envelope;
  max_age_seconds: number | null;
}

/** Previous secrets that still sign at `now`: when each stops. */
export const previousSecretsView = (stored: string, now = Date.now()) =>
  liveSecrets(decodePreviousSecrets(stored), now).map((secret) => ({ valid_until: iso(secret.validUntil) }));

/** Why the system turned it off: the cause as stored, and the words written from it on read. */
function disabledView(stored: string | null): Pick<Automation, 'disabled_reason' | 'disabled_cause'> {
  const cause = stored === null ? null : (JSON.parse(stored) as RecordedCause);
  return { disabled_reason: cause === null ? null : disabledReasonText(cause), disabled_cause: cause };
}

export const toAutomation = (row: AutomationRow): Automation => ({
  id: row.id,
  name: row.name,
  trigger: row.trigger,
  action: row.action,
  url: row.url,
  format: row.format,
  body: row.body,
  headers: JSON.parse(row.headers) as Record<string, string>,
  enabled: row.enabled === 1,
  ...disabledView(row.disabled_cause),
  max_concurrency: row.max_concurrency ?? DEFAULT_MAX_CONCURRENCY,
  rate_limit_per_second: row.rate_limit_per_second,
  ordering: row.ordering,
  max_age_seconds: row.max_age_seconds,
  failing_since: row.failing_since === null ? null : iso(row.failing_since),
  previous_secrets: previousSecretsView(row.previous_secrets),
  redact: JSON.parse(row.redact) as Redactions,
  conditions: row.conditions === null ? null : (JSON.parse(row.conditions) as Conditions),
  auth: row.auth === null ? null : (JSON.parse(row.auth) as AuthView),
  envelope: row.envelope,
  created_at: iso(row.created_at),
  updated_at: iso(row.updated_at),
});

export interface AutomationFields {
  name: string | null;
  trigger: string;
  url: string;
  format: BodyFormat;
  body: string;
  headers: Record<string, string>;
  enabled: boolean;
  max_concurrency?: number;
  rate_limit_per_second?: number | null;
  ordering?: Ordering;
  max_age_seconds?: number | null;
  redact: Redactions;
  conditions?: Conditions | null;
  auth?: AuthView | null;
  envelope?: Envelope;
}

export async function insertAutomation(
  db: D1Database,
  accountId: string,
  id: string,
  fields: AutomationFields,
  secretCiphertext: string,
  now: number,
  authSecretCiphertext: string | null = null,
): Promise<AutomationRow> {
  const row = await db
    .prepare(
      `INSERT INTO automations
         (id, account_id, name, trigger, action, url, format, body, headers, enabled, secret_ciphertext, created_at, updated_at,
          max_concurrency, rate_limit_per_second, ordering, redact, conditions, auth, auth_secret_ciphertext, envelope,
          max_age_seconds)
       VALUES (?1, ?2, ?3, ?4, 'http_post', ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20) RETURNING *`,
    )
    .bind(id, accountId, fields.name, fields.trigger, fields.url, fields.format, fields.body,
      JSON.stringify(fields.headers), fields.enabled ? 1 : 0, secretCiphertext, now,
      fields.max_concurrency ?? null, fields.rate_limit_per_second ?? null, fields.ordering ?? 'none', JSON.stringify(fields.redact),
      conditionsJson(fields.conditions ?? null),
      fields.auth ? JSON.stringify(fields.auth) : null, fields.auth ? authSecretCiphertext : null, fields.envelope ?? 'none',
      fields.max_age_seconds ?? null)
    .first<AutomationRow>();
  return row!;
}

const conditionsJson = (conditions: Conditions | null) => (conditions === null ? null : JSON.stringify(conditions));

export async function getAutomationRow(db: D1Database, accountId: string, id: string): Promise<AutomationRow | null> {
  return db.prepare('SELECT * FROM automations WHERE id = ?1 AND account_id = ?2').bind(id, accountId).first<AutomationRow>();
}

/**
 * Some of the editable fields: what a PATCH names. With `auth`, `authSecretCiphertext` is the
 * newly sealed secret, or absent to keep the stored one.
 */
export type AutomationChange = Partial<AutomationFields> & { authSecretCiphertext?: string };

/**
 * Sets only the fields `change` names, in one statement, so concurrent changes of different
 * fields all land. With `expectedVersion` the change is conditional: nothing is written unless
 * the automation is still at that version. Null when no row was changed (missing, or moved on).
 * Turning an automation on clears the reason the system turned it off, so the console stops
 * showing a stale warning.
 */
export async function updateAutomation(
  db: D1Database,
  accountId: string,
  id: string,
  change: AutomationChange,
  expectedVersion: number | null,
  now: number,
): Promise<AutomationRow | null> {
  // NULL means "not in the change" for every column but the nullable ones (name, rate limit,
  // conditions, auth, max age), which have a flag.
  const enabled = change.enabled === undefined ? null : change.enabled ? 1 : 0;
  return db
    .prepare(
      `UPDATE automations SET
         name = CASE WHEN ?3 THEN ?4 ELSE name END,
         trigger = COALESCE(?5, trigger), url = COALESCE(?6, url), format = COALESCE(?7, format),
         body = COALESCE(?8, body), headers = COALESCE(?9, headers),
         disabled_cause = CASE WHEN ?10 = 1 THEN NULL ELSE disabled_cause END,
         enabled = COALESCE(?10, enabled),
         max_concurrency = COALESCE(?13, max_concurrency),
         rate_limit_per_second = CASE WHEN ?14 THEN ?15 ELSE rate_limit_per_second END,
         ordering = COALESCE(?16, ordering),
         redact = COALESCE(?17, redact),
         conditions = CASE WHEN ?18 THEN ?19 ELSE conditions END,
         auth = CASE WHEN ?20 THEN ?21 ELSE auth END,
         auth_secret_ciphertext = CASE WHEN ?20 AND ?21 IS NULL THEN NULL ELSE COALESCE(?22, auth_secret_ciphertext) END,
         envelope = COALESCE(?23, envelope),
         max_age_seconds = CASE WHEN ?24 THEN ?25 ELSE max_age_seconds END,
         version = version + 1, updated_at = ?11
       WHERE id = ?1 AND account_id = ?2 AND (?12 IS NULL OR version = ?12) RETURNING *`,
    )
    .bind(id, accountId, change.name !== undefined ? 1 : 0, change.name ?? null, change.trigger ?? null, change.url ?? null,
      change.format ?? null, change.body ?? null, change.headers ? JSON.stringify(change.headers) : null, enabled, now, expectedVersion,
      change.max_concurrency ?? null, change.rate_limit_per_second !== undefined ? 1 : 0, change.rate_limit_per_second ?? null,
      change.ordering ?? null, change.redact ? JSON.stringify(change.redact) : null,
      change.conditions !== undefined ? 1 : 0, conditionsJson(change.conditions ?? null),
      change.auth !== undefined ? 1 : 0, change.auth ? JSON.stringify(change.auth) : null, change.authSecretCiphertext ?? null,
      change.envelope ?? null,
      change.max_age_seconds !== undefined ? 1 : 0, change.max_age_seconds ?? null)
    .first<AutomationRow>();
}

/**
 * Replaces the signing secret and the previous ones, only if the current secret is still
 * `expectedCiphertext` (each sealing has a fresh IV, so two rotations never write the same
 * value): of two concurrent rotations, one wins and the other re-reads. Null when nothing was
 * written (missing, or rotated meanwhile). The automation's version moves on like any change.
 */
export async function replaceSecret(
  db: D1Database,
  accountId: string,
  id: string,
  expectedCiphertext: string,
  secretCiphertext: string,
  previousSecrets: string,
  now: number,
): Promise<AutomationRow | null> {
  return db
    .prepare(
      `UPDATE automations SET secret_ciphertext = ?4, previous_secrets = ?5, version = version + 1, updated_at = ?6
       WHERE id = ?1 AND account_id = ?2 AND secret_ciphertext = ?3 RETURNING *`,
    )
    .bind(id, accountId, expectedCiphertext, secretCiphertext, previousSecrets, now)
    .first<AutomationRow>();
}

/** Deletes the automation (only at `expectedVersion`, when given); false when nothing was deleted. */
export async function deleteAutomation(db: D1Database, accountId: string, id: string, expectedVersion: number | null = null): Promise<boolean> {
  const result = await db
    .prepare('DELETE FROM automations WHERE id = ?1 AND account_id = ?2 AND (?3 IS NULL OR version = ?3)')
    .bind(id, accountId, expectedVersion)
    .run();
  return result.meta.changes > 0;
}

export async function listAutomations(
  db: D1Database,
  accountId: string,
  opts: { limit: number; cursor?: string; trigger?: string },
): Promise<Page<Automation>> {
  const { results } = await db
    .prepare(
      `SELECT * FROM automations
       WHERE account_id = ?1 AND (?2 IS NULL OR id > ?2) AND (?3 IS NULL OR trigger = ?3)
       ORDER BY id LIMIT ?4`,
    )
    .bind(accountId, opts.cursor ?? null, opts.trigger ?? null, opts.limit + 1)
    .all<AutomationRow>();
  return toPage(results, opts.limit, toAutomation);
}

/** Marks an automation failing since `since`, or healthy again (null). Not a user change: no new version. */
export async function setFailingSince(db: D1Database, accountId: string, id: string, since: number | null): Promise<void> {
  await db.prepare('UPDATE automations SET failing_since = ?3 WHERE id = ?1 AND account_id = ?2').bind(id, accountId, since).run();
}

/** Turns an automation off and records why (410 Gone, or failing for days). */
export async function disableAutomation(db: D1Database, accountId: string, id: string, cause: DisabledCause, now: number): Promise<void> {
  await db
    .prepare(
      `UPDATE automations SET enabled = 0, disabled_cause = ?3, failing_since = NULL, updated_at = ?4, version = version + 1
       WHERE id = ?1 AND account_id = ?2 AND enabled = 1`,
    )
    .bind(id, accountId, JSON.stringify(cause), now)
    .run();
}

export interface AutomationSummary {
  id: string;
  trigger: string;
  url: string;
  name: string | null;
  /** Whether it is on: the log offers "Send again" only for a task that is on (the API refuses it otherwise). */
  enabled: boolean;
}

/** Every automation of the account (up to `limit`, oldest first), for a choice of task. */
export async function allAutomationSummaries(db: D1Database, accountId: string, limit: number): Promise<AutomationSummary[]> {
  const { results } = await db
    .prepare('SELECT id, trigger, url, name, enabled FROM automations WHERE account_id = ?1 ORDER BY id LIMIT ?2')
    .bind(accountId, limit)
    .all<Omit<AutomationSummary, 'enabled'> & { enabled: number }>();
  return results.map((row) => ({ ...row, enabled: row.enabled === 1 }));
}

/** The named automations of the account that still exist (deleted ones are simply absent). */
export async function automationSummaries(db: D1Database, accountId: string, ids: string[]): Promise<Map<string, AutomationSummary>> {
  if (ids.length === 0) return new Map();
  const { results } = await db
    .prepare(
      `SELECT id, trigger, url, name FROM automations
       WHERE account_id = ?1 AND id IN (SELECT value FROM json_each(?2))`,
    )
    .bind(accountId, JSON.stringify([...new Set(ids)]))
    .all<AutomationSummary>();
  return new Map(results.map((row) => [row.id, row]));
}
