/**
 * Backfill: an automation created at noon gets the morning's calls. The account's stored real
 * events of its trigger received in [since, until) that meet its conditions and that have no
 * delivery for it yet become deliveries marked `backfill`, oldest first, at most
 * `limit` per call. An event with a delivery is skipped, so running it again sends nothing twice.
 */
import { newDeliveryId } from '../crypto/ids';
import { businessKeysOf } from '../domain/business-keys';
import { BLOCKED_BECAUSE, blockedBy, expiryOf } from '../domain/delivery-lifecycle';
import { matchesConditions } from '../domain/conditions';
import { orderOf } from '../domain/ordering';
import { conditionOf } from './account-config';
import { RECOVER_LIMIT } from './changes';
import type { PlaneRuntime } from './runtime';
import { insertDelivery } from './store/deliveries';
import { eventsWithoutDelivery, type PastEvent } from './store/events';

/** Most deliveries one backfill call makes (as for a recovery); the answer says when more are left. */
export const BACKFILL_LIMIT = RECOVER_LIMIT;

export type BackfillResult = { backfilled: number; more: boolean; next_since: string | null } | { conflict: string };

export async function backfill(rt: PlaneRuntime, automationId: string, since: number, until: number, limit = BACKFILL_LIMIT): Promise<BackfillResult> {
  const config = await rt.loadConfig();
  const automation = config.automations.get(automationId);
  const blocked = blockedBy(conditionOf(config, automation), false);
  if (blocked || !automation) return { conflict: `Nothing can be backfilled: ${BLOCKED_BECAUSE[blocked ?? 'deleted']}` };
  const now = rt.now();
  // Read, chosen and written in one transaction, so two backfills at once cannot both take an event.
  const { chosen, next } = rt.ctx.storage.transactionSync(() => {
    const taken: { event: PastEvent; data: Record<string, unknown> }[] = [];
    let left: PastEvent | null = null;
    for (const event of eventsWithoutDelivery(rt.sql, automation.id, automation.trigger, since, until)) {
      const data = JSON.parse(event.data) as Record<string, unknown>;
      // As at fan-out: an event its conditions would have filtered out gets no delivery now either.
      if (!matchesConditions(automation.conditions, data)) continue;
      if (taken.length === limit) {
        left = event;
        break;
      }
      taken.push({ event, data });
    }
    const ids = taken.map(() => newDeliveryId(now, rt.partition)).sort();
    taken.forEach(({ event, data }, i) => {
      insertDelivery(rt.sql, {
        id: ids[i]!, automationId: automation.id, eventId: event.id, destination: automation.destination, isTest: false, backfill: true, now,
        expiresAt: expiryOf(event.occurred_at, automation.maxAgeSeconds, false),
        ...orderOf(automation.orderBy, businessKeysOf(data), event.occurred_at, now),
      });
    });
    return { chosen: taken.length, next: left };
  });
  if (chosen > 0) rt.kick();
  return { backfilled: chosen, more: next !== null, next_since: next ? new Date(next.received_at).toISOString() : null };
}
