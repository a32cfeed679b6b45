/**
 * Read-only SQL for the console's delivery log page: what GET /v1/deliveries does not carry,
 * namely each delivery's latest response snippet and a summary of the automations it names.
 */

export const SNIPPET_CHARS = 200;

/** Delivery id → the first characters of the body its latest attempt got back (absent when none). */
export async function latestResponseSnippets(db: D1Database, accountId: string, deliveryIds: string[]): Promise<Map<string, string>> {
  if (deliveryIds.length === 0) return new Map();
  const { results } = await db
    .prepare(
      `SELECT t.delivery_id, substr(t.response_body, 1, ?3) AS snippet
       FROM delivery_attempts t JOIN deliveries d ON d.id = t.delivery_id
       WHERE d.account_id = ?1 AND t.delivery_id IN (SELECT value FROM json_each(?2))
         AND t.response_body IS NOT NULL
         AND t.attempt = (SELECT MAX(attempt) FROM delivery_attempts WHERE delivery_id = t.delivery_id)`,
    )
    .bind(accountId, JSON.stringify(deliveryIds), SNIPPET_CHARS)
    .all<{ delivery_id: string; snippet: string }>();
  return new Map(results.map((row) => [row.delivery_id, row.snippet]));
}

export interface AutomationSummary {
  id: string;
  trigger: string;
  url: string;
  name: string | null;
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
