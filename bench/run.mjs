/**
 * The benchmark harness: builds the Worker, runs it in workerd through Miniflare with the
 * configuration of wrangler.toml, measures each figure next to a baseline taken in the
 * same run, prints a table and writes the results as JSON. CLI: bench/index.mjs.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApi } from './lib/api.mjs';
import { buildBenchWorker, buildWorker } from './lib/build.mjs';
import { startCpuAccounting } from './lib/cpu.mjs';
import { clearActivity } from './lib/database.mjs';
import { describeMachine } from './lib/machine.mjs';
import { readMemory, startSampler, toMiB } from './lib/memory.mjs';
import { benchDir } from './lib/paths.mjs';
import { formatTable, writeResults } from './lib/report.mjs';
import { findWorkerdPid, startRuntime } from './lib/runtime.mjs';
import { startSink } from './lib/sink.mjs';
import { sleep } from './lib/stats.mjs';
import { configurationSize } from './sections/config-size.mjs';
import { deliveryThroughput } from './sections/delivery.mjs';
import { fanOut } from './sections/fanout.mjs';
import { ingestion } from './sections/ingestion.mjs';
import { endToEndLatency } from './sections/latency.mjs';
import { memoryFigures, runPeakFigure } from './sections/memory.mjs';
import { rendering } from './sections/rendering.mjs';

/** How long and how much each kind of run measures. Same shape for all; nothing depends on the machine. */
export const PROFILES = {
  quick: {
    connections: 10, loadSec: 5, warmupSec: 1, warmupPosts: 3, fanOutLatencySamples: 20, fanOutCompletionRuns: 3,
    seedAccounts: 1000, seedAutomations: 10_000, configRounds: 6, configLoadSec: 3, throughputDeliveries: 1000,
    e2eSec: 5, e2eRatePerSec: 10, renderMs: 2000, renderRounds: 4, settleMs: 1000, drainTimeoutMs: 60_000,
  },
  long: {
    connections: 10, loadSec: 20, warmupSec: 3, warmupPosts: 5, fanOutLatencySamples: 100, fanOutCompletionRuns: 10,
    seedAccounts: 1000, seedAutomations: 10_000, configRounds: 6, configLoadSec: 10, throughputDeliveries: 5000,
    e2eSec: 30, e2eRatePerSec: 10, renderMs: 10_000, renderRounds: 10, settleMs: 2000, drainTimeoutMs: 180_000,
  },
  /** Seconds, not minutes: proves the harness works end to end (used by the smoke test). */
  smoke: {
    connections: 4, loadSec: 1, warmupSec: 0.5, warmupPosts: 1, fanOutLatencySamples: 3, fanOutCompletionRuns: 1,
    seedAccounts: 50, seedAutomations: 500, configRounds: 1, configLoadSec: 1, throughputDeliveries: 200,
    e2eSec: 1, e2eRatePerSec: 10, renderMs: 300, renderRounds: 2, settleMs: 200, drainTimeoutMs: 30_000,
  },
};

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
];

const pct = (share) => `${Math.round(share * 100)}%`;

export async function runBench({ long = false, smoke = false, outFile = join(benchDir, 'results', 'latest.json'), log = console.log } = {}) {
  const profileName = smoke ? 'smoke' : long ? 'long' : 'quick';
  const profile = PROFILES[profileName];
  const started = performance.now();
  const workDir = await mkdtemp(join(tmpdir(), 'hn-bench-'));
  const workerErrors = [];
  let runtime;
  let sink;
  let api;
  let runSampler;
  try {
    log(`Building (profile: ${profileName})…`);
    const workerModule = await buildWorker(join(workDir, 'worker'));
    const renderModule = await buildBenchWorker(join(benchDir, 'workers', 'render-bench.ts'), join(workDir, 'render', 'index.mjs'));
    sink = await startSink();
    runtime = await startRuntime({
      workerModule,
      baselineModule: join(benchDir, 'workers', 'baseline-sender.mjs'),
      renderModule,
      onWorkerError: (message) => workerErrors.push(message),
    });
    api = createApi(runtime.url);
    const workerdPid = await findWorkerdPid();
    await sleep(300);
    const ctx = {
      ...runtime, sink, api, profile, workerdPid,
      idleMemory: await readMemory(workerdPid),
      runSampler: (runSampler = startSampler(workerdPid, 100)),
    };

    const cpu = await startCpuAccounting([process.pid, workerdPid].filter(Boolean));
    const sections = {};
    const figures = [];
    for (const [name, measure] of SECTIONS) {
      const sectionStarted = performance.now();
      runSampler.lap();
      const result = await measure(ctx);
      await clearActivity(runtime.db);
      sections[name] = {
        ...result.details,
        seconds: Number(((performance.now() - sectionStarted) / 1000).toFixed(1)),
        workerdPeakRssMiB: Number(toMiB(runSampler.lap()).toFixed(1)),
      };
      figures.push(...result.figures);
      log(`  ${name}: done in ${sections[name].seconds} s`);
    }
    figures.push(await runPeakFigure(ctx));
    const cpuShare = await cpu.stop();
    // Table order follows the numbering of the brief, whatever order the sections ran in.
    figures.sort((a, b) => Number(a.id) - Number(b.id));

    const { deliveryConsumer } = runtime.config;
    const results = {
      generatedAt: new Date().toISOString(),
      profile: profileName,
      settings: profile,
      machine: describeMachine(),
      cpuDuringRun: cpuShare,
      queue: { ...deliveryConsumer, maxConcurrency: runtime.config.maxConcurrency, consumerMaxInFlight: 6 },
      notes: [
        'One Miniflare instance (one workerd process) runs the Worker, the baseline sender and the render worker; load, sink and timing run in this Node process.',
        'Local Queues run one consumer batch at a time (max_concurrency is not simulated), so absolute delivery throughput is a lower bound of production; the baseline has the same limit.',
        'Local D1 runs inside the same workerd process: each round trip costs about 1.2-1.4 ms of serialised simulator work, which caps anything that queries D1 at a few hundred requests/s here; on Cloudflare a round trip costs network latency instead. Compare ratios, not absolute figures.',
      ],
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
