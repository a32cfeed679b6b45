/**
 * 10. Storage: bytes an account object stores per delivered event — the event (the trigger's
 * example values, per-call values varied), one delivery rendered from the product's sample
 * body, and its attempt with the request as sent and the receiver's small JSON answer (event
 * data and request stored packed, src/plane/store/packing.ts) — read from the object's own
 * SQLite size (`usage.storage_bytes`, operator GET /v1/accounts/{id}) before and after
 * `profile.storageEvents` events were delivered. Baseline: the bytes of the event as posted.
 * From it: how many events fit in a Durable Object's 10 GB, and the sustained rate that
 * fills it at the default retention.
 */
import { figure } from '../lib/report.mjs';
import { callEndedData, TRIGGER } from '../lib/fixtures.mjs';
import { usageOf } from '../lib/plane.mjs';
import { flood } from './fairness.mjs';
import { accountWithAutomations, drain } from './shared.mjs';

/** A SQLite-backed Durable Object may store 10 GB. */
export const OBJECT_LIMIT_BYTES = 10e9;

export async function storage(ctx) {
  const { profile, sink } = ctx;
  const account = await accountWithAutomations(ctx, 'bench-storage', 1);
  sink.behave(account.bucket, 'ackJson');
  // The object exists (schema created) and is warm before the first reading.
  await flood(ctx, account, 1);
  await drain(ctx, account, 1);
  const before = await usageOf(ctx.api, account.id);
  await flood(ctx, account, profile.storageEvents);
  const arrived = await drain(ctx, account, 1 + profile.storageEvents);
  const after = await usageOf(ctx.api, account.id);

  const events = after.events_stored - before.events_stored;
  const bytesPerEvent = (after.storage_bytes - before.storage_bytes) / events;
  const postedBytes = Buffer.byteLength(JSON.stringify({ type: TRIGGER, data: callEndedData(7_000_000) }));
  const retentionDays = Number(ctx.config.vars.RETENTION_DAYS);
  const eventsPerObject = OBJECT_LIMIT_BYTES / bytesPerEvent;
  const sustainedPerSec = eventsPerObject / (retentionDays * 86_400);
  return {
    details: {
      events, deliveriesStored: after.deliveries_stored - before.deliveries_stored, arrived, before, after, bytesPerEvent, postedBytes,
      retentionDays, objectLimitBytes: OBJECT_LIMIT_BYTES, eventsPerObject, sustainedEventsPerSecPerAccount: sustainedPerSec,
    },
    figures: [
      figure({
        id: '10', measure: `storage per delivered event (${events} events, 1 delivery + 1 attempt each)`, value: bytesPerEvent, unit: 'bytes',
        baseline: postedBytes, baselineLabel: 'the event as posted',
        // Issue 15: everything kept of a delivered event no larger than the event as posted.
        goal: '≤ 1.0× the event as posted', met: bytesPerEvent <= postedBytes,
      }),
    ],
  };
}
