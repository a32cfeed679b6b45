/**
 * The benchmark harness: builds the Worker, runs it in workerd through Miniflare with the
 * configuration of wrangler.toml, measures each figure next to a baseline taken in the
 * same run, prints a table and writes the results as JSON. CLI: bench/index.mjs.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApi } from './lib/api.mjs';
import { buildBenchWorker, buildWorker, countedWorker } from './lib/build.mjs';
import { startCpuAccounting } from './lib/cpu.mjs';
import { describeMachine } from './lib/machine.mjs';
import { readMemory, startSampler, toMiB } from './lib/memory.mjs';
import { benchDir } from './lib/paths.mjs';
import { formatTable, writeResults } from './lib/report.mjs';
import { settle } from './lib/plane.mjs';
import { loadRouting } from './lib/routing.mjs';
import { findWorkerdPid, startRuntime } from './lib/runtime.mjs';
import { startSink } from './lib/sink.mjs';
import { sleep } from './lib/stats.mjs';
import { batchIngestion } from './sections/batch-ingestion.mjs';
import { configurationSize } from './sections/config-size.mjs';
import { deliveryThroughput } from './sections/delivery.mjs';
import { fanOut } from './sections/fanout.mjs';
import { fairness } from './sections/fairness.mjs';
import { ingestion } from './sections/ingestion.mjs';
import { endToEndLatency } from './sections/latency.mjs';
import { memoryFigures, runPeakFigure } from './sections/memory.mjs';
import { busiestPartition, partitionCost } from './sections/partitions.mjs';
import { rendering } from './sections/rendering.mjs';
import { requestsPerEvent } from './sections/requests-per-event.mjs';
import { slowReceiver } from './sections/slow-receiver.mjs';
import { storage } from './sections/storage.mjs';

/**
 * How long and how much each kind of run measures. Same shape for all; nothing depends on the
 * machine. Fairness: B posts `fairnessBEvents` events over `fairnessBSpreadMs` while A floods
 * `floodEvents`; the slow receiver gets `slowDeliveries` (the issue's 300 in the long run; 120
 * in the quick one, which at about 4/s already gives half a minute of steady state).
 * Batches and partitions: `batchSize` events a batch; loads cycle through `batchBodies` batches;
 * `batchRounds` ABBA rounds of `batchLoadSec` compare batches with /health and 4 partitions with
 * 1 (short loads, often alternated: other work on the machine drifts); the busiest partition's share is
 * computed over `routingDraws` sets of `routingEvents` events over `routingCalls` calls (issue
 * 15's 10,000 over 1,000 in every profile: only the number of draws changes) and checked with
 * `routingCheckEvents` posted; requests per event are counted over `rpcEvents` events a case.
 */
export const PROFILES = {
  quick: {
    connections: 10, loadSec: 5, warmupSec: 1, warmupPosts: 3, fanOutLatencySamples: 20, fanOutCompletionRuns: 3,
    seedAccounts: 1000, seedAutomations: 10_000, configRounds: 4, configLoadSec: 3, throughputDeliveries: 1000,
    e2eSec: 5, e2eRatePerSec: 10, renderMs: 2000, renderRounds: 4, settleMs: 1000, drainTimeoutMs: 60_000, settleTimeoutMs: 30_000,
    fairnessBEvents: 10, fairnessBSpreadMs: 3000, floodEvents: 300, slowDeliveries: 120, storageEvents: 1000,
    batchSize: 100, batchBodies: 20, batchRounds: 4, batchLoadSec: 3, routingEvents: 10_000, routingCalls: 1000, routingDraws: 100,
    routingCheckEvents: 2000, rpcEvents: 1000,
  },
  long: {
    connections: 10, loadSec: 20, warmupSec: 3, warmupPosts: 5, fanOutLatencySamples: 100, fanOutCompletionRuns: 10,
    seedAccounts: 1000, seedAutomations: 10_000, configRounds: 6, configLoadSec: 10, throughputDeliveries: 5000,
    e2eSec: 30, e2eRatePerSec: 10, renderMs: 10_000, renderRounds: 10, settleMs: 2000, drainTimeoutMs: 180_000, settleTimeoutMs: 60_000,
    fairnessBEvents: 20, fairnessBSpreadMs: 5000, floodEvents: 1000, slowDeliveries: 300, storageEvents: 5000,
    batchSize: 100, batchBodies: 50, batchRounds: 6, batchLoadSec: 10, routingEvents: 10_000, routingCalls: 1000, routingDraws: 400,
    routingCheckEvents: 5000, rpcEvents: 3000,
  },
  /**
   * Seconds, not minutes: proves the harness works end to end (used by the smoke test). Batches
   * of 20 rather than 100: the batch row with its automation on delivers every event it posted.
   */
  smoke: {
    connections: 4, loadSec: 1, warmupSec: 0.5, warmupPosts: 1, fanOutLatencySamples: 3, fanOutCompletionRuns: 1,
    seedAccounts: 50, seedAutomations: 500, configRounds: 1, configLoadSec: 1, throughputDeliveries: 200,
    e2eSec: 1, e2eRatePerSec: 10, renderMs: 300, renderRounds: 2, settleMs: 200, drainTimeoutMs: 30_000, settleTimeoutMs: 15_000,
    fairnessBEvents: 3, fairnessBSpreadMs: 300, floodEvents: 20, slowDeliveries: 8, storageEvents: 50,
    batchSize: 20, batchBodies: 3, batchRounds: 1, batchLoadSec: 1, routingEvents: 10_000, routingCalls: 1000, routingDraws: 3,
    routingCheckEvents: 300, rpcEvents: 200,
  },
};

/**
 * Bindings the benchmark sets over wrangler.toml's [vars]: a 2 s delivery timeout, as the
 * issue measured the noisy neighbour with (a receiver that never answers holds a send that long).
 */
export const BENCH_BINDINGS = { DELIVERY_TIMEOUT_MS: '2000' };

const SECTIONS = [
  // First, while workerd is fresh: its resident memory only grows, so a batch measured later
  // could reuse memory freed by earlier load and look smaller than it is.
  ['memory', memoryFigures],
  ['ingestion', ingestion],
  ['fanOut', fanOut],
  ['configurationSize', configurationSize],
  ['deliveryThroughput', deliveryThroughput],
  ['endToEndLatency', endToEndLatency],
  ['rendering', rendering],
  ['fairness', fairness],
  ['slowReceiver', slowReceiver],
  ['storage', storage],
  // Last, so that the rows above are measured as before they were added.
  ['batchIngestion', batchIngestion],
  ['partitionCost', partitionCost],
  ['busiestPartition', busiestPartition],
  ['requestsPerEvent', requestsPerEvent],
];

const pct = (share) => `${Math.round(share * 100)}%`;

/**
 * Waits (bounded) until no account the run created has an open delivery; returns those that
 * still have some (the fairness sections' bad endpoints settle once their retries fall due).
 */
async function openDeliveriesLeft(api, timeoutMs) {
  const { open } = await settle(api, api.createdAccounts, timeoutMs);
  return Object.fromEntries(Object.entries(open).filter(([, n]) => n > 0));
}

export async function runBench({ long = false, smoke = false, only, outFile, log = console.log } = {}) {
  // A partial run never replaces the full run's results.
  outFile ??= join(benchDir, 'results', only ? 'only.json' : 'latest.json');
  const profileName = smoke ? 'smoke' : long ? 'long' : 'quick';
  const profile = PROFILES[profileName];
  // `only`: a subset of the sections (their rows alone), for working on one figure.
  const unknown = (only ?? []).filter((name) => !SECTIONS.some(([section]) => section === name));
  if (unknown.length > 0) throw new Error(`unknown section(s) ${unknown.join(', ')}; sections: ${SECTIONS.map(([name]) => name).join(', ')}`);
  const sectionsToRun = only ? SECTIONS.filter(([name]) => only.includes(name)) : SECTIONS;
  const started = performance.now();
  const workDir = await mkdtemp(join(tmpdir(), 'hn-bench-'));
  const workerErrors = [];
  let runtime;
  let sink;
  let api;
  let runSampler;
  try {
    log(`Building (profile: ${profileName})…`);
    // The built Worker behind the bench's request-counting wrapper (lib/build.mjs countedWorker).
    const workerModule = await countedWorker(await buildWorker(join(workDir, 'worker')));
    const renderModule = await buildBenchWorker(join(benchDir, 'workers', 'render-bench.ts'), join(workDir, 'render', 'index.mjs'));
    sink = await startSink();
    runtime = await startRuntime({
      workerModule,
      baselineModule: join(benchDir, 'workers', 'baseline-sender.mjs'),
      renderModule,
      stateDir: join(workDir, 'state'),
      bindings: BENCH_BINDINGS,
      onWorkerError: (message) => workerErrors.push(message),
    });
    api = createApi(runtime.url);
    const workerdPid = await findWorkerdPid();
    await sleep(300);
    const ctx = {
      ...runtime, sink, api, profile, workerdPid,
      idleMemory: await readMemory(workerdPid),
      runSampler: (runSampler = startSampler(workerdPid, 100)),
      routing: await loadRouting(join(workDir, 'routing')),
    };

    const cpu = await startCpuAccounting([process.pid, workerdPid].filter(Boolean));
    const sections = {};
    const figures = [];
    for (const [name, measure] of sectionsToRun) {
      const sectionStarted = performance.now();
      runSampler.lap();
      const result = await measure(ctx);
      sections[name] = {
        ...result.details,
        seconds: Number(((performance.now() - sectionStarted) / 1000).toFixed(1)),
        workerdPeakRssMiB: Number(toMiB(runSampler.lap()).toFixed(1)),
      };
      figures.push(...result.figures);
      log(`  ${name}: done in ${sections[name].seconds} s`);
    }
    if (!only) figures.push(await runPeakFigure(ctx));
    const cpuShare = await cpu.stop();
    // Every account the run created must have settled: nothing left open in any account object.
    const leftOpen = await openDeliveriesLeft(api, profile.settleTimeoutMs);
    // Table order follows the numbering of the brief, whatever order the sections ran in.
    figures.sort((a, b) => Number(a.id) - Number(b.id));

    const { deliveryConsumer, slowConsumer } = runtime.config;
    const results = {
      generatedAt: new Date().toISOString(),
      profile: profileName,
      ...(only ? { only } : {}),
      settings: profile,
      machine: describeMachine(),
      cpuDuringRun: cpuShare,
      bindings: BENCH_BINDINGS,
      queue: { ...deliveryConsumer, maxConcurrency: runtime.config.maxConcurrency, consumerMaxInFlight: 6 },
      slowQueue: slowConsumer,
      notes: [
        'One Miniflare instance (one workerd process) runs the Worker, every account object (SQLite Durable Objects on local disk), D1, both delivery queues, the baseline sender and the render worker; load, sink and timing run in this Node process.',
        'Local Queues run one consumer batch at a time per queue (max_concurrency is not simulated), so absolute delivery throughput is a lower bound of production; the baseline has the same limit.',
        'All account objects share the one workerd process and its two cores here; on Cloudflare each object runs on its own thread, possibly its own machine. Compare ratios, not absolute figures.',
      ],
      openDeliveriesLeft: leftOpen,
      figures,
      goals: { met: figures.filter((f) => f.met === true).length, notMet: figures.filter((f) => f.met === false).length },
      sections,
      workerErrors: { count: workerErrors.length, first: workerErrors.slice(0, 5) },
      seconds: Number(((performance.now() - started) / 1000).toFixed(1)),
    };
    log('');
    log(formatTable(figures));
    log('');
    log(`Goals met: ${results.goals.met}, not met: ${results.goals.notMet}. Worker errors logged: ${workerErrors.length}. Total ${results.seconds} s.`);
    if (cpuShare) {
      log(`Machine: ${results.machine.cores} cores; during the run this benchmark used ${pct(cpuShare.benchShare)} of all CPU time and other work ${pct(cpuShare.otherWorkShare)}${cpuShare.otherWorkShare > 0.1 ? ' — figures are noisier than usual' : ''}.`);
    }
    const store = sections.storage;
    if (store) {
      log(`Storage: ${Math.round(store.bytesPerEvent)} bytes per delivered event → ${(store.eventsPerObject / 1e6).toFixed(1)} million events in one account object's 10 GB, i.e. ${store.sustainedEventsPerSecPerAccount.toFixed(1)} events/s sustained per account at ${store.retentionDays}-day retention.`);
    }
    await writeResults(outFile, results);
    log(`Wrote ${outFile}`);
    return results;
  } finally {
    runSampler?.stop();
    api?.close();
    await runtime?.mf.dispose();
    await sink?.close();
    await rm(workDir, { recursive: true, force: true });
  }
}
