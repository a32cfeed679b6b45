/**
 * The account object's side of the loop circuit (src/domain/loop-circuit.ts): what it reads
 * and hashes for it. The circuit decides; its effects are written like any other decision's.
 */
import { bytesToBase64, utf8 } from '../crypto/encoding';
import { canonicalEvent, ownTriggerEventsIn, type SentEvents } from '../domain/loop-circuit';
import type { Effect } from '../domain/delivery-effects';
import type { AccountConfig } from './account-config';
import type { IngestInput } from './intake';
import type { AttemptReport, BatchReport } from './protocol';
import type { PlaneRuntime } from './runtime';
import { getDeliveryRows } from './store/deliveries';

/** A canonical event's fingerprint: SHA-256, so the circuit keeps 44 characters per event, not the event. */
async function fingerprint(canonical: string): Promise<string> {
  return bytesToBase64(new Uint8Array(await crypto.subtle.digest('SHA-256', utf8(canonical))));
}

/** The reported requests that carried events of their automation's own trigger (test sends and the operations webhook aside). */
export async function sentEventsOf(rt: PlaneRuntime, config: AccountConfig, reports: readonly BatchReport[]): Promise<SentEvents[]> {
  // A send moved to the slow lane reports no request: its attempt there will.
  const sent = reports.filter((r): r is AttemptReport => 'request' in r && r.request !== null);
  if (sent.length === 0) return [];
  const rows = getDeliveryRows(rt.sql, sent.map((r) => r.id));
  const found: SentEvents[] = [];
  for (const report of sent) {
    const row = rows.get(report.id);
    const automation = row ? config.automations.get(row.automation_id) : undefined;
    if (!row || !automation || automation.raw || automation.format !== 'json' || row.is_test === 1) continue;
    const events = ownTriggerEventsIn(automation.trigger, report.request!.body);
    if (events.length === 0) continue;
    found.push({ automationId: automation.id, trigger: automation.trigger, eventId: row.event_id, fingerprints: await Promise.all(events.map(fingerprint)) });
  }
  return found;
}

/**
 * Posted events of watched types, compared with what automations sent: the effects of any
 * circuit that opened, and the automations it opened for (left out of these events' deliveries).
 */
export async function echoesAmong(rt: PlaneRuntime, events: readonly IngestInput[], now: number): Promise<{ effects: Effect[]; tripped: Set<string> }> {
  const effects: Effect[] = [];
  const tripped = new Set<string>();
  for (const event of events) {
    if (!rt.echoes.watches(event.type, now)) continue;
    const seen = rt.echoes.receivedEvent(await fingerprint(canonicalEvent(event.type, JSON.parse(event.data))), event.id, now);
    effects.push(...seen.effects);
    if (seen.tripped) tripped.add(seen.tripped);
  }
  return { effects, tripped };
}
