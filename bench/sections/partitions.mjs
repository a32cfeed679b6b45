/**
 * 12. Partitions cost nothing to route through: batch ingestion into one account spread over 4
 * partitions, against the same account shape (one automation, turned off) with 1 partition,
 * under the same closed-loop load of the same realistic batches (events of many calls,
 * interleaved, so each batch touches every partition). Runs alternate in ABBA order and each
 * side is summarised by its median, so drift and noise hurt both alike.
 *
 * 13. How evenly call traffic spreads: the busiest partition's share of `routingEvents` events
 * over `routingCalls` calls (realistic call ids, about ten events a call), for N = 4 and 16
 * (and 64 for context),
 * computed with the Worker's own routing functions (lib/routing.mjs) over `routingDraws` fresh
 * sets of calls; the row gives the median draw. Beside it, the same calls placed uniformly at
 * random (a perfect hash), which shows how much of the imbalance is the number of calls rather
 * than the hash. Then a smaller run checks the computation against the objects: posted to a
 * 4-partition account, each object's `usage.partitions` count must equal the computed one.
 */
import { randomInt } from 'node:crypto';
import { callEvents, chunks } from '../lib/calls.mjs';
import { usageOf } from '../lib/plane.mjs';
import { figure } from '../lib/report.mjs';
import { busiestShare } from '../lib/routing.mjs';
import { median, medianOf, percentile } from '../lib/stats.mjs';
import { accountWithAutomationOff, batchesOfCalls, EVENTS_PER_CALL, measureBatchLoad } from './batch-ingestion.mjs';

export const PARTITIONED = 4;
/** N with a goal; and N = 64 (the most an account may have) for context. */
export const SPREAD_COUNTS = [4, 16];
const CONTEXT_COUNTS = [64];
/** The goal: the busiest partition takes at most this many times an even share. */
export const BUSIEST_GOAL = 1.25;

export async function partitionCost(ctx) {
  const { profile, api, routing } = ctx;
  const one = await accountWithAutomationOff(ctx, 'bench-part-1');
  const four = await accountWithAutomationOff(ctx, 'bench-part-4');
  await api.setPartitions(four.id, PARTITIONED);
  const batches = batchesOfCalls(profile.batchBodies, profile.batchSize);
  // How many partitions (so object requests) each batch costs the 4-partition account.
  const partitionsPerBatch = batches.map((batch) => routing.spread(batch, PARTITIONED).filter((n) => n > 0).length);

  await measureBatchLoad(ctx, one, batches, profile.warmupSec);
  await measureBatchLoad(ctx, four, batches, profile.warmupSec);
  const runs = { one: [], four: [] };
  for (let round = 0; round < profile.batchRounds; round++) {
    for (const side of round % 2 === 0 ? ['one', 'four'] : ['four', 'one']) {
      runs[side].push(await measureBatchLoad(ctx, side === 'one' ? one : four, batches, profile.batchLoadSec));
    }
  }
  const single = median(runs.one.map((r) => r.eventsPerSec));
  const spread = median(runs.four.map((r) => r.eventsPerSec));
  const [singleCpu, spreadCpu] = [medianOf(runs.one.map((r) => r.cpuUsPerEvent)), medianOf(runs.four.map((r) => r.cpuUsPerEvent))];
  return {
    details: { partitions: PARTITIONED, batchSize: profile.batchSize, bodies: batches.length, partitionsPerBatch, runs, single, spread },
    figures: [
      figure({
        id: '12', measure: `batch ingestion into 1 account with ${PARTITIONED} partitions (× ${profile.batchSize} events, many calls; automation off)`,
        value: spread, unit: 'events/s', baseline: single, baselineLabel: 'the same account with 1 partition',
        goal: '≥ 0.9× 1 partition', met: spread / single >= 0.9,
      }),
      ...(singleCpu && spreadCpu ? [figure({
        id: '12', measure: `… workerd's CPU per event, ${PARTITIONED} partitions against 1, same runs (medians)`,
        value: spreadCpu, unit: 'µs CPU', baseline: singleCpu, baselineLabel: '1 partition',
      })] : []),
    ],
  };
}

/** The same calls, each placed in a partition uniformly at random: what a perfect hash would do. */
function randomPlacement(events, count) {
  const partitionOfCall = new Map();
  const perPartition = new Array(count).fill(0);
  for (const data of events) {
    let p = partitionOfCall.get(data.call_id);
    if (p === undefined) partitionOfCall.set(data.call_id, (p = randomInt(count)));
    perPartition[p]++;
  }
  return perPartition;
}

const thousands = (n) => n.toLocaleString('en-US');
const summary = (ratios) => ({ median: median(ratios), p95: percentile(ratios, 95), max: Math.max(...ratios) });

export async function busiestPartition(ctx) {
  const { profile, api, routing } = ctx;
  // Computed: each draw is a fresh set of calls; the share is taken as a multiple of 1/N.
  const counts = [...SPREAD_COUNTS, ...CONTEXT_COUNTS];
  const draws = Object.fromEntries(counts.map((n) => [n, { routed: [], random: [] }]));
  for (let d = 0; d < profile.routingDraws; d++) {
    const events = callEvents(profile.routingCalls, profile.routingEvents);
    for (const n of counts) {
      draws[n].routed.push(busiestShare(routing.spread(events, n)) * n);
      draws[n].random.push(busiestShare(randomPlacement(events, n)) * n);
    }
  }
  const computed = Object.fromEntries(counts.map((n) => [n, { routed: summary(draws[n].routed), random: summary(draws[n].random) }]));

  // Checked: the objects of a 4-partition account hold exactly what the computation says.
  const account = await accountWithAutomationOff(ctx, 'bench-part-check');
  await api.setPartitions(account.id, PARTITIONED);
  const calls = Math.max(1, Math.round(profile.routingCheckEvents / EVENTS_PER_CALL));
  const events = callEvents(calls, profile.routingCheckEvents, 9_000_000);
  for (const batch of chunks(events, profile.batchSize)) await api.postBatch(account, batch);
  const predicted = routing.spread(events, PARTITIONED);
  const stored = (await usageOf(api, account.id)).partitions.map((p) => p.events_stored);
  const check = { partitions: PARTITIONED, events: events.length, calls, predicted, stored, matches: JSON.stringify(predicted) === JSON.stringify(stored) };

  const share = (n) => computed[n].routed.median / n;
  return {
    details: { events: profile.routingEvents, calls: profile.routingCalls, draws: profile.routingDraws, goal: BUSIEST_GOAL, computed, check },
    figures: [
      ...counts.map((n) => figure({
        id: '13',
        measure: `busiest partition's share, ${thousands(profile.routingEvents)} events over ${thousands(profile.routingCalls)} calls, N = ${n} (computed with partitionOf, median of ${profile.routingDraws} draws; p95 ${computed[n].routed.p95.toFixed(2)}×, a perfect hash ${computed[n].random.median.toFixed(2)}×)`,
        value: 100 * share(n), unit: '% of events', baseline: 100 / n, baselineLabel: '1/N',
        ...(SPREAD_COUNTS.includes(n) ? { goal: `≤ ${BUSIEST_GOAL} × 1/N`, met: computed[n].routed.median <= BUSIEST_GOAL } : {}),
      })),
      figure({
        id: '13',
        measure: `… measured by the objects (usage.partitions), ${thousands(check.events)} events over ${thousands(calls)} calls, N = ${PARTITIONED}: ${check.matches ? 'equal to the computation' : 'DIFFERS from the computation'}`,
        value: (100 * Math.max(...stored)) / check.events, unit: '% of events', baseline: 100 / PARTITIONED, baselineLabel: '1/N',
        // The row above rests on the computation being what the Worker does.
        ...(check.matches ? {} : { goal: 'equal to the computation', met: false }),
      }),
    ],
  };
}
