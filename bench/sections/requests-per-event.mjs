/**
 * 14. Requests per event per object: how many requests an account object receives for each
 * event it stores and delivers — the ingest call(s), the queue consumer's claim and report, a
 * gate waking it — counted where they arrive (bench/workers/counted-objects.mjs counts every call
 * each object receives, by method). An account with one automation on at the default cap gets
 * `profile.rpcEvents` realistic events (lib/calls.mjs), and the counts are taken before the
 * first post and after its object has no open delivery left:
 *   - posted one by one (POST /v1/events, 10 in flight), 1 partition;
 *   - posted in batches of `profile.batchSize` (POST /v1/events/batch, one batch at a time),
 *     1 partition;
 *   - the same batches into 4 partitions: a batch costs one request per partition it touches,
 *     and a consumer batch one claim and one report per partition it holds deliveries of;
 *   - the same batches, 1 partition, to a destination allowing 50 in flight (the most an
 *     automation may allow): a consumer batch holds at most what the destination's cap let the
 *     object dispatch, so the claim and report requests per event depend on that cap.
 * With N partitions, an event's requests all go to the object holding it, so the sum over the
 * account's objects divided by the events is the figure per object. Read apart: `usage` (the
 * bench polling for open deliveries) and `alarm` (the object waking itself to dispatch, retry or
 * purge: work, not a request); and the gate objects' calls (a partitioned account's shared cap).
 */
import { callEvents, chunks } from '../lib/calls.mjs';
import { TRIGGER } from '../lib/fixtures.mjs';
import { difference, NOT_REQUESTS, objectRequests, total } from '../lib/object-requests.mjs';
import { figure } from '../lib/report.mjs';
import { accountWithAutomations, drain } from './shared.mjs';

const POST_CONCURRENCY = 10;
const PARTITIONED = 4;

let sequence = 10_000_000;

/** Posts each event alone, POST_CONCURRENCY at a time; throws unless each was accepted. */
async function postOneByOne(ctx, account, events) {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(POST_CONCURRENCY, events.length) }, async () => {
    while (next < events.length) {
      const result = await ctx.api.request('POST', '/v1/events', account.events, { type: TRIGGER, data: events[next++] });
      if (result.status !== 202) throw new Error(`POST /v1/events answered ${result.status}: ${JSON.stringify(result.body)}`);
    }
  }));
}

/** Sums per-method counts over objects. */
const summed = (list) => list.reduce((sum, byMethod) => {
  for (const [m, n] of Object.entries(byMethod)) sum[m] = (sum[m] ?? 0) + n;
  return sum;
}, {});

async function measureCase(ctx, { key, label, partitions, batched, automation = {} }) {
  const { api, profile, routing } = ctx;
  const account = await accountWithAutomations(ctx, `bench-rpe-${key}`, 1, undefined, automation);
  if (partitions > 1) await api.setPartitions(account.id, partitions);
  const events = callEvents(Math.max(1, Math.round(profile.rpcEvents / 10)), profile.rpcEvents, (sequence += profile.rpcEvents));
  const batches = chunks(events, profile.batchSize);

  const before = await objectRequests(api, account.id, partitions);
  const startedAt = performance.now();
  if (batched) for (const batch of batches) await api.postBatch(account, batch);
  else await postOneByOne(ctx, account, events);
  const arrived = await drain(ctx, account, events.length);
  const seconds = (performance.now() - startedAt) / 1000;
  const after = await objectRequests(api, account.id, partitions);

  const perObject = after.perObject.map((counts, p) => difference(before.perObject[p], counts));
  const byMethod = summed(perObject);
  const requests = total(byMethod, NOT_REQUESTS);
  // What the counts must show if they count what happened: one ingest per event posted alone,
  // one ingestBatch per batch and partition it touches (from the Worker's routing).
  const expectedIngests = batched
    ? { ingestBatch: batches.reduce((n, batch) => n + routing.spread(batch, partitions).filter((c) => c > 0).length, 0) }
    : { ingest: events.length };
  const claims = byMethod.claim ?? 0;
  return {
    key, label, partitions, batched, events: events.length, batches: batched ? batches.length : 0, arrived, seconds,
    byMethod, perObject, gates: difference(before.gates, after.gates), expectedIngests,
    ingestsCounted: Object.entries(expectedIngests).every(([m, n]) => byMethod[m] === n),
    requests, requestsPerEvent: requests / events.length,
    claimsPerEvent: claims / events.length,
    // Deliveries per claim: how full the consumer's batches were for this account's objects.
    deliveriesPerClaim: claims > 0 ? events.length / claims : null,
    alarmsPerEvent: (byMethod.alarm ?? 0) / events.length,
  };
}

export const RPE_CASES = [
  { key: 'single', label: () => 'posted one by one, 1 partition', partitions: 1, batched: false },
  { key: 'batch', label: (size) => `posted in batches of ${size}, 1 partition`, partitions: 1, batched: true },
  { key: 'batch-p4', label: (size) => `posted in batches of ${size}, ${PARTITIONED} partitions`, partitions: PARTITIONED, batched: true },
  {
    key: 'batch-cap50', label: (size) => `posted in batches of ${size}, 1 partition, destination allowing 50 in flight`, partitions: 1, batched: true,
    automation: { max_concurrency: 50 },
  },
];

export async function requestsPerEvent(ctx) {
  const cases = [];
  for (const c of RPE_CASES) cases.push(await measureCase(ctx, { ...c, label: c.label(ctx.profile.batchSize) }));
  const [single, batch, partitioned, wider] = cases;
  const methods = (c) => ['ingest', 'ingestBatch', 'claim', 'report', 'wake']
    .filter((m) => c.byMethod[m]).map((m) => `${m} ${(c.byMethod[m] / c.events).toFixed(2)}`).join(', ');
  return {
    details: { cases },
    figures: [
      figure({
        id: '14', measure: `account-object requests per event delivered, ${single.label} (${methods(single)})`,
        value: single.requestsPerEvent, unit: 'req/event', baseline: 1, baselineLabel: 'its ingest request alone',
      }),
      figure({
        id: '14', measure: `… ${batch.label} (${methods(batch)})`,
        value: batch.requestsPerEvent, unit: 'req/event', baseline: single.requestsPerEvent, baselineLabel: 'posted one by one',
      }),
      figure({
        id: '14',
        measure: `… ${partitioned.label}, per object holding the event (${methods(partitioned)}; and its destination's gate object ${(total(partitioned.gates) / partitioned.events).toFixed(2)})`,
        value: partitioned.requestsPerEvent, unit: 'req/event', baseline: batch.requestsPerEvent, baselineLabel: 'batches, 1 partition',
      }),
      figure({
        id: '14', measure: `… ${wider.label} (${methods(wider)}; ${(wider.deliveriesPerClaim ?? NaN).toFixed(1)} deliveries per claim)`,
        value: wider.requestsPerEvent, unit: 'req/event', baseline: batch.requestsPerEvent, baselineLabel: `batches, the default cap (${(batch.deliveriesPerClaim ?? NaN).toFixed(1)} per claim)`,
      }),
    ],
  };
}
