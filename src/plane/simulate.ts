/**
 * A simulated call in the account object: its events stored as test events and sent as test
 * deliveries through the real pipeline (each automation's conditions, per-call
 * ordering, redaction, signing, the gates), one after the other in the call's order: each
 * waits until the one before has been sent (its first attempt made; see attempt-outcome.ts),
 * so a slow queue lane can never put them out of order. Test deliveries never count in stats.
 */
import { newDeliveryId, newId } from '../crypto/ids';
import { matchesConditions } from '../domain/conditions';
import { orderOf } from '../domain/ordering';
import type { SimulatedEvent } from '../domain/simulations';
import type { PlaneRuntime } from './runtime';
import { insertDelivery } from './store/deliveries';
import { insertEvent } from './store/events';

export type SimulationResult =
  | { events: { event_id: string; type: string }[]; deliveries: { id: string; event_id: string; automation_id: string }[] }
  | { invalid: { path: string; message: string }[] };

/**
 * `automationIds`: only these (each must exist and have a trigger of the scenario; a test send
 * goes even when its automation is off); null: every enabled automation of the scenario's triggers.
 */
export async function simulate(rt: PlaneRuntime, events: SimulatedEvent[], automationIds: string[] | null): Promise<SimulationResult> {
  const config = await rt.loadConfig(true);
  if (!config.integrationEnabled) return { invalid: [{ path: '', message: 'HTTP Notifier is turned off for this account' }] };
  const types = new Set(events.map((e) => e.type));
  let targets = [...config.automations.values()].filter((a) => a.enabled && types.has(a.trigger));
  if (automationIds) {
    const problems = automationIds.flatMap((id, i) => {
      const a = config.automations.get(id);
      if (!a || a.raw) return [{ path: `automation_ids.${i}`, message: `no automation "${id}" in this account` }];
      if (!types.has(a.trigger)) return [{ path: `automation_ids.${i}`, message: `automation "${id}" is for ${a.trigger}, which this scenario does not include` }];
      return [];
    });
    if (problems.length > 0) return { invalid: problems };
    // Named, they are sent to as a test send is: on or off.
    targets = automationIds.map((id) => config.automations.get(id)!);
  }
  const now = rt.now();
  const result = rt.ctx.storage.transactionSync(() => {
    const stored: { event_id: string; type: string }[] = [];
    const deliveries: { id: string; event_id: string; automation_id: string }[] = [];
    let previous: string | null = null;
    for (const event of events) {
      const eventId = newId('evt', now);
      const keys = insertEvent(rt.sql, {
        id: eventId, type: event.type, occurredAt: event.occurredAt, data: JSON.stringify(event.data), isTest: true, receivedAt: now,
      })!;
      stored.push({ event_id: eventId, type: event.type });
      for (const automation of targets) {
        // Conditions apply as they do to real events: a simulated event they filter out sends nothing.
        if (automation.trigger !== event.type || !matchesConditions(automation.conditions, event.data)) continue;
        const id = newDeliveryId(now, rt.partition);
        insertDelivery(rt.sql, {
          id, automationId: automation.id, eventId, destination: automation.destination, isTest: true, now, waitingFor: previous,
          ...orderOf(automation.orderBy, keys, event.occurredAt, now),
        });
        deliveries.push({ id, event_id: eventId, automation_id: automation.id });
        previous = id;
      }
    }
    return { events: stored, deliveries };
  });
  if (result.deliveries.length > 0) rt.kick();
  return result;
}
