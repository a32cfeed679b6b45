/**
 * Business keys: the ids of the platform's own objects an event is about (the call, the
 * contact, the interaction, the agent). The account object stores them beside each event so
 * "what did we send about call CA42" is one indexed lookup, and per-call ordering groups by one.
 */
export const BUSINESS_KEYS = ['call_id', 'contact_id', 'interaction_id', 'agent_id'] as const;
export type BusinessKey = (typeof BUSINESS_KEYS)[number];
export type BusinessKeys = Record<BusinessKey, string | null>;

/**
 * Longest key. A longer one is refused on ingestion (businessKeyProblems): it could be neither
 * indexed nor used to order or partition the call's events, so accepting it would quietly lose
 * per-call ordering (two events of one 200-character call id could arrive newest first).
 */
export const MAX_KEY_LENGTH = 128;

/** The business keys of posted event data that are too long to be keys, each named. */
export function businessKeyProblems(data: Readonly<Record<string, unknown>>): { key: BusinessKey; message: string }[] {
  return BUSINESS_KEYS.flatMap((key) => {
    const value = data[key];
    if (typeof value !== 'string' || value.trim().length <= MAX_KEY_LENGTH) return [];
    return [{ key, message: `${key} is ${value.trim().length} characters; a business key has at most ${MAX_KEY_LENGTH} (it indexes, orders and partitions the event's deliveries)` }];
  });
}

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
