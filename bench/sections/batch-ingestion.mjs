/**
 * 11. Batch ingestion: POST /v1/events/batch with `profile.batchSize` events a request, in
 * events/s, against GET /health in requests/s, each under the same closed-loop load. The two
 * alternate in ABBA order over `profile.batchRounds` rounds and each is summarised by its
 * median, so that other work on the machine hurts both alike. The goal's case stores every event
 * and matches it to the account's one automation, which is turned off: the ingestion path alone
 * (checks, the account object's transaction), nothing delivered. For context, the same with
 * that automation on (measured once, after the rounds) — one delivery
 * per event, to a local receiver allowing 50 in flight (as the delivery row's), so the deliveries
 * run as fast as they can on the same two cores while the load runs — with how many arrived
 * during the load and how long the rest took.
 *
 * The load cycles through `profile.batchBodies` different bodies of realistic call traffic
 * (lib/calls.mjs: events of many calls, interleaved), prepared before it starts so that building
 * them costs nothing while it runs.
 */
import { callEvents, chunks } from '../lib/calls.mjs';
import { TRIGGER } from '../lib/fixtures.mjs';
import { withCpu } from '../lib/cpu.mjs';
import { measureLoad } from '../lib/load.mjs';
import { usageOf } from '../lib/plane.mjs';
import { figure } from '../lib/report.mjs';
import { median, medianOf, sleep } from '../lib/stats.mjs';
import { accountWithAutomations, drainStored } from './shared.mjs';


/** Calls in a batch body: about ten events each, as the busiest-partition row assumes. */
export const EVENTS_PER_CALL = 10;

let sequence = 8_000_000;

/** `count` bodies of `size` realistic events each (event data only). */
export function batchesOfCalls(count, size) {
  const events = callEvents(Math.max(1, Math.round((count * size) / EVENTS_PER_CALL)), count * size, sequence);
  sequence += count * size;
  return chunks(events, size);
}

/** The batch's request body: each event as POST /v1/events takes it. */
export const batchBody = (batch) => JSON.stringify({ events: batch.map((data) => ({ type: TRIGGER, data })) });

/** An account whose one automation is turned off: events are stored and matched, nothing is delivered. */
export async function accountWithAutomationOff(ctx, id) {
  const account = await accountWithAutomations(ctx, id, 1);
  await ctx.api.setAutomationEnabled(account, account.automations[0], false);
  return account;
}

/** Waits (bounded) until the account's stored event count stops moving, and returns it. */
async function eventsStored(ctx, account) {
  let previous = -1;
  const deadline = performance.now() + ctx.profile.settleTimeoutMs;
  for (;;) {
    const { events_stored: stored } = await usageOf(ctx.api, account.id);
    if (stored === previous || performance.now() >= deadline) return stored;
    previous = stored;
    await sleep(100);
  }
}

/**
 * Closed-loop load of batches on one account, each connection cycling through `batches`.
 * A 200 may still refuse some of its events, so what the objects stored is read back: at least
 * every counted batch's events, and at most those plus the requests cut off at the end (they
 * may be stored but not counted). `eventsPerSec` counts answered batches only.
 */
export async function measureBatchLoad(ctx, account, batches, durationSec) {
  const headers = { authorization: `Bearer ${account.events}`, 'content-type': 'application/json' };
  const requests = batches.map((batch) => ({ method: 'POST', path: '/v1/events/batch', headers, body: batchBody(batch) }));
  const size = batches[0].length;
  const before = await eventsStored(ctx, account);
  const startedAt = performance.now();
  const run = await withCpu(ctx.workerdPid, () => measureLoad({
    url: `${ctx.url}/v1/events/batch`, method: 'POST', headers, body: requests[0].body, requests,
    connections: ctx.profile.connections, durationSec,
  }));
  const endedAt = performance.now();
  const stored = (await eventsStored(ctx, account)) - before;
  const counted = run.ok * size;
  return {
    ...run, startedAt, endedAt, batchSize: size, eventsPerSec: run.requestsPerSec * size, eventsCounted: counted, eventsStored: stored,
    // workerd's CPU per event taken (the Worker and the account objects; µs).
    cpuUsPerEvent: run.cpuMs === null || counted === 0 ? null : (run.cpuMs * 1000) / counted,
    allStored: stored >= counted && stored <= counted + ctx.profile.connections * size,
  };
}

export async function batchIngestion(ctx) {
  const { profile, sink } = ctx;
  const off = await accountWithAutomationOff(ctx, 'bench-batch-off');
  const on = await accountWithAutomations(ctx, 'bench-batch-on', 1, undefined, { max_concurrency: 50 });
  const batches = batchesOfCalls(profile.batchBodies, profile.batchSize);
  const health = async (durationSec) => {
    const run = await withCpu(ctx.workerdPid, () => measureLoad({ url: `${ctx.url}/health`, connections: profile.connections, durationSec }));
    return { ...run, cpuUsPerRequest: run.cpuMs === null || run.ok === 0 ? null : (run.cpuMs * 1000) / run.ok };
  };

  // Warm every path, and let the warm-up's deliveries finish before anything is measured.
  await health(profile.warmupSec);
  await measureBatchLoad(ctx, off, batches, profile.warmupSec);
  await measureBatchLoad(ctx, on, batches, profile.warmupSec);
  await drainStored(ctx, [on]);

  const runs = { health: [], off: [] };
  for (let round = 0; round < profile.batchRounds; round++) {
    for (const side of round % 2 === 0 ? ['health', 'off'] : ['off', 'health']) {
      runs[side].push(side === 'health' ? await health(profile.batchLoadSec) : await measureBatchLoad(ctx, off, batches, profile.batchLoadSec));
    }
  }
  const healthRate = median(runs.health.map((r) => r.requestsPerSec));
  const offRate = median(runs.off.map((r) => r.eventsPerSec));
  const onRun = await measureBatchLoad(ctx, on, batches, profile.batchLoadSec);
  const arrivedDuringLoad = sink.arrivals(on.bucket).filter((a) => a.t >= onRun.startedAt && a.t <= onRun.endedAt).length;
  const drained = await drainStored(ctx, [on]);
  const lastArrival = sink.arrivals(on.bucket).reduce((last, a) => Math.max(last, a.t), 0);
  const drainSec = Math.max(0, lastArrival - onRun.endedAt) / 1000;
  const ratio = offRate / healthRate;
  const healthCpu = medianOf(runs.health.map((r) => r.cpuUsPerRequest));
  const eventCpu = medianOf(runs.off.map((r) => r.cpuUsPerEvent));

  return {
    details: {
      batchSize: profile.batchSize, bodies: batches.length, health: runs.health, automationOff: runs.off, healthRate, offRate,
      automationOn: {
        ...onRun, ...drained, arrivedDuringLoad,
        deliveredPerSecDuringLoad: arrivedDuringLoad / onRun.durationSec, drainAfterLoadSec: drainSec,
      },
    },
    figures: [
      figure({
        id: '11', measure: `batch ingestion, POST /v1/events/batch × ${profile.batchSize} events, into 1 account (its automation off: stored and matched, nothing delivered)`,
        value: offRate, unit: 'events/s', baseline: healthRate, baselineUnit: 'req/s', baselineLabel: 'GET /health',
        goal: '≥ 2× /health', met: ratio >= 2,
      }),
      ...(healthCpu && eventCpu ? [figure({
        id: '11', measure: `… workerd's CPU per event in those batches (the Worker and the account object), against per GET /health request, same runs (medians; CPU time barely moves with other work on the machine)`,
        value: eventCpu, unit: 'µs CPU', baseline: healthCpu, baselineLabel: 'per GET /health',
      })] : []),
      figure({
        id: '11', measure: `… the same with the automation on (1 delivery per event, cap 50; deliveries share the cores; ${Math.round(arrivedDuringLoad / onRun.durationSec)}/s arrived during the load)`,
        value: onRun.eventsPerSec, unit: 'events/s', baseline: healthRate, baselineUnit: 'req/s', baselineLabel: 'GET /health',
      }),
    ],
  };
}
