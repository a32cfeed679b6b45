/**
 * The account object's cached copy of its control plane (from D1): the integration switch and
 * every automation. The API tells the object after each change (`automationsChanged`), so a
 * change is seen by every delivery claimed after the API answered; the copy also expires after
 * CONFIG_TTL_MS in case such a notice was lost.
 */
import { readAccountConfig, type AutomationConfigRow } from '../db/account-config';
import type { AutomationCondition } from '../domain/delivery-lifecycle';
import { DEFAULT_MAX_CONCURRENCY, destinationOf } from '../domain/destination-gate';
import type { Redactions } from '../domain/redaction';

export const CONFIG_TTL_MS = 60_000;

export interface AutomationSnapshot {
  id: string;
  trigger: string;
  enabled: boolean;
  url: string;
  destination: string;
  format: 'json' | 'xml';
  body: string;
  headers: Record<string, string>;
  secretCiphertext: string;
  maxConcurrency: number;
  ratePerSecond: number | null;
  redact: Redactions;
}

export interface AccountConfig {
  exists: boolean;
  integrationEnabled: boolean;
  automations: Map<string, AutomationSnapshot>;
  loadedAt: number;
}

const toSnapshot = (row: AutomationConfigRow): AutomationSnapshot => ({
  id: row.id,
  trigger: row.trigger,
  enabled: row.enabled === 1,
  url: row.url,
  destination: destinationOf(row.url),
  format: row.format,
  body: row.body,
  headers: JSON.parse(row.headers) as Record<string, string>,
  secretCiphertext: row.secret_ciphertext,
  maxConcurrency: row.max_concurrency ?? DEFAULT_MAX_CONCURRENCY,
  ratePerSecond: row.rate_limit_per_second,
  redact: JSON.parse(row.redact) as Redactions,
});

export async function loadAccountConfig(db: D1Database, accountId: string, now: number): Promise<AccountConfig> {
  const read = await readAccountConfig(db, accountId);
  return {
    exists: read.exists,
    integrationEnabled: read.integrationEnabled,
    automations: new Map(read.automations.map((row) => [row.id, toSnapshot(row)])),
    loadedAt: now,
  };
}

export function conditionOf(config: AccountConfig, automation: AutomationSnapshot | undefined): AutomationCondition {
  if (!automation) return 'deleted';
  if (!config.integrationEnabled) return 'integration_off';
  return automation.enabled ? 'active' : 'disabled';
}
