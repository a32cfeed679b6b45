/**
 * Per-call ordering, with no I/O. An automation with `ordering: "per_call"` sends the
 * deliveries of one call (contact triggers: one contact; agent triggers: one agent) in the order
 * the events occurred (`occurred_at`, then arrival): each waits until every earlier one of the
 * same key has succeeded or finally failed (or was cancelled). Different keys go in parallel.
 *
 * Events can reach the platform out of order; an ordered delivery is therefore held back for
 * ORDERING_HOLD_MS after its event arrives, so an earlier event posted a moment later still
 * goes first. That hold is the latency price of ordering; events later than it cannot be put
 * back in front of what was already sent.
 */
import { findTrigger } from '../catalog';
import type { BusinessKey, BusinessKeys } from './business-keys';
import type { Effect } from './delivery-effects';

export const ORDERING_HOLD_MS = 1_000;

/** Which key orders an automation's deliveries: the call, else the contact, else the agent. */
export function orderingKeyName(triggerId: string): BusinessKey | null {
  const fields = findTrigger(triggerId)?.fieldNames;
  if (!fields) return null;
  for (const key of ['call_id', 'contact_id', 'agent_id'] as const) if (fields.has(key)) return key;
  return null;
}

/** How a new delivery is ordered and when it is first due; unordered ones are due at once. */
export function orderOf(orderBy: BusinessKey | null, keys: BusinessKeys, occurredAt: number, now: number): { order?: { key: string; at: number }; dueAt: number } {
  const key = orderBy ? keys[orderBy] : null;
  if (!key) return { dueAt: now };
  return { order: { key, at: occurredAt }, dueAt: now + ORDERING_HOLD_MS };
}

/** Held back until `blocker` (the earliest open delivery before it of the same key) is final. */
export const waitsFor = (id: string, blocker: string): Effect[] => [{ kind: 'update_delivery', id, patch: { waitingFor: blocker } }];

/** A delivery that became final lets the deliveries that waited for it be considered again. */
export const releaseWaitersOf = (id: string): Effect[] => [{ kind: 'release_waiters', of: id }];
