/**
 * Business keys: the ids of the platform's own objects an event is about (the call, the
 * contact, the interaction, the agent). The account object stores them beside each event so
 * "what did we send about call CA42" is one indexed lookup, and per-call ordering groups by one.
 */
export const BUSINESS_KEYS = ['call_id', 'contact_id', 'interaction_id', 'agent_id'] as const;
export type BusinessKey = (typeof BUSINESS_KEYS)[number];
export type BusinessKeys = Record<BusinessKey, string | null>;

/** Longest key kept; longer values are not ids and are not indexed. */
export const MAX_KEY_LENGTH = 128;

function keyValue(value: unknown): string | null {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  return trimmed.length > 0 && trimmed.length <= MAX_KEY_LENGTH ? trimmed : null;
}

export function businessKeysOf(data: unknown): BusinessKeys {
  const record = typeof data === 'object' && data !== null && !Array.isArray(data) ? (data as Record<string, unknown>) : {};
  return Object.fromEntries(BUSINESS_KEYS.map((key) => [key, keyValue(record[key])])) as BusinessKeys;
}
