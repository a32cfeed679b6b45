/**
 * The account object's cached copy of its control plane (from D1): the integration switch and
 * every automation. The API tells the object after each change (`automationsChanged`), so a
 * change is seen by every delivery claimed after the API answered; the copy also expires after
 * CONFIG_TTL_MS in case such a notice was lost.
 */
import { readAccountConfig, type AutomationConfigRow } from '../db/account-config';
import type { BusinessKey } from '../domain/business-keys';
import { orderingKeyName } from '../domain/ordering';
import type { AutomationCondition } from '../domain/delivery-lifecycle';
import { DEFAULT_MAX_CONCURRENCY, destinationOf, endpointOf } from '../domain/destination-gate';
import type { AuthView, SealedAuth } from '../domain/destination-auth';
import { decodePreviousSecrets, type PreviousSecret } from '../domain/secret-rotation';
import type { Conditions } from '../domain/conditions';
import type { Redactions } from '../domain/redaction';
import type { BodyFormat, Envelope } from '../domain/vocabulary';

export const CONFIG_TTL_MS = 60_000;

export interface AutomationSnapshot {
  id: string;
  trigger: string;
  enabled: boolean;
  url: string;
  /** Its origin: the gate with the cap, the lanes and pauses for network errors. */
  destination: string;
  /** Its origin and path: the gate with pauses for HTTP answers. */
  endpoint: string;
  format: BodyFormat;
  body: string;
  headers: Record<string, string>;
  secretCiphertext: string;
  previousSecrets: PreviousSecret[];
  maxConcurrency: number;
  ratePerSecond: number | null;
  /** Per-call ordering: which business key groups its deliveries, or null for none. */
  orderBy: BusinessKey | null;
  /** The operations webhook's stand-in: its body is sent as stored, not rendered. */
  raw: boolean;
  redact: Redactions;
  /** Which events of its trigger it delivers; null: every one. */
  conditions: Conditions | null;
  /** How its webhooks authenticate to the target; null: no auth. */
  auth: SealedAuth | null;
  envelope: Envelope;
  /** Deliveries not succeeded this long after their event occurred are never sent (expired); null: no limit. */
  maxAgeSeconds: number | null;
}

/** The id the operations webhook's deliveries carry, and its secret is bound to. */
export const operationsId = (accountId: string) => `ops_${accountId}`;

export interface AccountConfig {
  exists: boolean;
  integrationEnabled: boolean;
  /** More than one: destination caps are held for the account by its gate objects. */
  partitions: number;
  automations: Map<string, AutomationSnapshot>;
  /** The automations sending to each endpoint: what an endpoint's pause holds. */
  endpoints: Map<string, string[]>;
  loadedAt: number;
}

const toSnapshot = (row: AutomationConfigRow): AutomationSnapshot => ({
  id: row.id,
  trigger: row.trigger,
  enabled: row.enabled === 1,
  url: row.url,
  destination: destinationOf(row.url),
  endpoint: endpointOf(row.url),
  format: row.format,
  body: row.body,
  headers: JSON.parse(row.headers) as Record<string, string>,
  secretCiphertext: row.secret_ciphertext,
  previousSecrets: decodePreviousSecrets(row.previous_secrets),
  maxConcurrency: row.max_concurrency ?? DEFAULT_MAX_CONCURRENCY,
  ratePerSecond: row.rate_limit_per_second,
  orderBy: row.ordering === 'per_call' ? orderingKeyName(row.trigger) : null,
  raw: false,
  redact: JSON.parse(row.redact) as Redactions,
  conditions: row.conditions === null ? null : (JSON.parse(row.conditions) as Conditions),
  auth: row.auth !== null && row.auth_secret_ciphertext !== null
    ? { view: JSON.parse(row.auth) as AuthView, secretCiphertext: row.auth_secret_ciphertext }
    : null,
  envelope: row.envelope,
  maxAgeSeconds: row.max_age_seconds,
});

export async function loadAccountConfig(db: D1Database, accountId: string, now: number): Promise<AccountConfig> {
  const read = await readAccountConfig(db, accountId);
  const automations = new Map(read.automations.map((row) => [row.id, toSnapshot(row)]));
  if (read.operations) {
    // The operations webhook travels like an automation (gates, retries, signing) that no event triggers.
    const id = operationsId(accountId);
    automations.set(id, {
      id, trigger: '', enabled: true, url: read.operations.url, destination: destinationOf(read.operations.url),
      endpoint: endpointOf(read.operations.url), format: 'json',
      body: '', headers: {}, secretCiphertext: read.operations.secretCiphertext, previousSecrets: [], redact: {}, conditions: null, maxConcurrency: DEFAULT_MAX_CONCURRENCY,
      ratePerSecond: null, orderBy: null, raw: true, auth: null, envelope: 'none', maxAgeSeconds: null,
    });
  }
  const endpoints = new Map<string, string[]>();
  for (const a of automations.values()) endpoints.set(a.endpoint, [...(endpoints.get(a.endpoint) ?? []), a.id]);
  return { exists: read.exists, integrationEnabled: read.integrationEnabled, partitions: read.partitions, automations, endpoints, loadedAt: now };
}

export function conditionOf(config: AccountConfig, automation: AutomationSnapshot | undefined): AutomationCondition {
  if (!automation) return 'deleted';
  if (!config.integrationEnabled) return 'integration_off';
  return automation.enabled ? 'active' : 'disabled';
}
