/**
 * Changes made from outside the delivery path: a manual retry, a recovery of an automation's
 * failed deliveries, an administrator resuming a paused destination, and the control plane's
 * changes (an automation edited, turned off or deleted; the integration switched), each carried
 * out through the lifecycle's transitions.
 */
import { BLOCKED_BECAUSE, blockedBy, closeUnsent, CANCEL_REASONS, reopen, reopened } from '../domain/delivery-lifecycle';
import { destinationOf, endpointOf } from '../domain/destination-gate';
import { pairEffects, resumePair } from '../domain/gate-pair';
import { logEvent } from '../observability/log';
import { conditionOf } from './account-config';
import type { PlaneRuntime } from './runtime';
import { failedBetween, getDeliveryRow, idleOpenDeliveries, lifecycleOf, moveWaiting, toDelivery, type Delivery } from './store/deliveries';
import { oldestMatching, type DeliveryFilter } from './store/delivery-log';
import { releaseAutomation } from './store/ordering';
import type { ResendableStatus } from '../domain/vocabulary';

export type ReopenResult = { reopened: Delivery } | { notFound: true } | { conflict: string };

/** Most failed deliveries one recovery call reopens; the answer says when there are more. */
export const RECOVER_LIMIT = 10_000;
/** How far back a recovery may reach (the API refuses an older `since`; the console offers no earlier time). */
export const RECOVER_MAX_DAYS = 14;

/**
 * Ends the pause of the URL's endpoint and origin at once: what they held is due now, and the
 * oldest of it goes first, as the probe. A destination not paused is left as it is.
 */
export async function resumeDestination(rt: PlaneRuntime, url: string): Promise<void> {
  const config = await rt.loadConfig();
  const now = rt.now();
  const [origin, endpoint] = [destinationOf(url), endpointOf(url)];
  const before = { origin: rt.gate(origin), endpoint: rt.gate(endpoint) };
  const effects = pairEffects({ origin, endpoint, endpointAutomations: config.endpoints.get(endpoint) ?? [] }, before, resumePair(before, now), now);
  if (effects.length === 0) return;
  await rt.transact((apply) => apply(effects));
  logEvent('destination resume requested', { account_id: rt.bound(), destination: origin });
  rt.kick();
}

export async function retryDelivery(rt: PlaneRuntime, id: string): Promise<ReopenResult> {
  const row = getDeliveryRow(rt.sql, id);
  if (!row) return { notFound: true };
  const config = await rt.loadConfig();
  const delivery = lifecycleOf(row);
  const decision = reopen(delivery, conditionOf(config, config.automations.get(row.automation_id)));
  if (decision.kind === 'conflict') return { conflict: decision.message };
  await rt.transact((apply) => apply(reopened(delivery, rt.now())));
  rt.kick();
  return { reopened: toDelivery(getDeliveryRow(rt.sql, id)!) };
}

/**
 * Recovery: reopens (as a manual retry does, same webhook-id and a fresh schedule) every
 * failed delivery of the automation created in [since, until), oldest first, at most
 * RECOVER_LIMIT per call; `more` says whether older ones are left beyond that.
 */
export type RecoverResult = { recovered: number; more: boolean; next_since: string | null } | { conflict: string };

export async function recover(rt: PlaneRuntime, automationId: string, since: number, until: number, limit = RECOVER_LIMIT): Promise<RecoverResult> {
  const config = await rt.loadConfig();
  const blocked = blockedBy(conditionOf(config, config.automations.get(automationId)), false);
  if (blocked) return { conflict: `Nothing can be resent: ${BLOCKED_BECAUSE[blocked]}` };
  const rows = failedBetween(rt.sql, automationId, since, until, limit + 1);
  const chosen = rows.slice(0, limit);
  const now = rt.now();
  await rt.transact((apply) => {
    for (const row of chosen) apply(reopened(lifecycleOf(row), now));
  });
  if (chosen.length > 0) rt.kick();
  const more = rows.length > limit;
  return { recovered: chosen.length, more, next_since: more ? new Date(rows[limit]!.created_at).toISOString() : null };
}

/** Deliveries matching the log's filters, to be sent again (POST /v1/deliveries/retry): never an open one. */
export type MatchFilter = Omit<DeliveryFilter, 'limit' | 'cursor' | 'endingBefore' | 'withCursorCount' | 'status'> & { status: ResendableStatus };

/**
 * What one call to send a filtered set again did: `retried` reopened, `skipped` matched but left
 * (their automation is off or deleted, or the integration is off), `more` when deliveries past
 * this call's limit are left (call again from `next_since`, the creation time of the first).
 */
export interface RetryMatchingResult {
  retried: number;
  skipped: number;
  more: boolean;
  next_since: string | null;
}

/**
 * Sends again (as a manual retry does: same webhook-id, fresh schedule) the oldest `limit`
 * deliveries matching the filter; each one's reopening is the lifecycle's decision, so an open
 * delivery or one whose automation may not send is never reopened.
 */
export async function retryMatching(rt: PlaneRuntime, filter: MatchFilter, limit = RECOVER_LIMIT): Promise<RetryMatchingResult> {
  const config = await rt.loadConfig();
  const rows = oldestMatching(rt.sql, filter, limit + 1);
  const chosen = rows.slice(0, limit);
  const now = rt.now();
  const { result: retried } = await rt.transact((apply) => {
    let n = 0;
    for (const row of chosen) {
      const delivery = lifecycleOf(row);
      if (reopen(delivery, conditionOf(config, config.automations.get(row.automation_id))).kind !== 'reopen') continue;
      apply(reopened(delivery, now));
      n++;
    }
    return n;
  });
  if (retried > 0) rt.kick();
  const more = rows.length > limit;
  return { retried, skipped: chosen.length - retried, more, next_since: more ? new Date(rows[limit]!.created_at).toISOString() : null };
}

/**
 * Called by the API after every change to the account's automations or integration switch:
 * reloads the cached copy, cancels waiting deliveries that may no longer be sent, and moves
 * waiting deliveries to a changed target's destination.
 */
export async function automationsChanged(rt: PlaneRuntime): Promise<void> {
  const config = await rt.loadConfig(true);
  const now = rt.now();
  const open = idleOpenDeliveries(rt.sql);
  await rt.transact((apply) => {
    for (const row of open) {
      const delivery = lifecycleOf(row);
      const blocked = blockedBy(conditionOf(config, config.automations.get(row.automation_id)), delivery.isTest);
      if (blocked) apply(closeUnsent(delivery, 'cancel', CANCEL_REASONS[blocked], now));
    }
    // Only automations with waiting deliveries have anything to move or release.
    for (const id of new Set(open.map((row) => row.automation_id))) {
      const automation = config.automations.get(id);
      if (!automation) continue;
      moveWaiting(rt.sql, automation.id, automation.destination);
      if (automation.orderBy === null) releaseAutomation(rt.sql, automation.id);
    }
  });
  rt.kick();
}
