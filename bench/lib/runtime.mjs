/**
 * Starts the built Worker in workerd through Miniflare with the bindings, vars and queue
 * settings that wrangler.toml declares (read through wrangler's own config loader, so the
 * benchmark cannot drift from the deployed configuration): D1, the account objects' Durable
 * Object namespace (SQLite storage), both delivery lanes with their consumers and the
 * dead-letter queue; plus the two bench-only workers.
 */
import { readdir, readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { convertV4MiniflareOptions, Miniflare } from 'miniflare';
import { unstable_getMiniflareWorkerOptions, unstable_readConfig, unstable_splitSqlQuery } from 'wrangler';
import { repoRoot } from './paths.mjs';

export const OPERATOR_TOKEN = 'bench-operator-token';
/** 32 bytes, base64: only ever used by this local benchmark. */
export const SECRETS_KEY = Buffer.from('bench-only-secrets-key-32-bytes!').toString('base64');
export const BASELINE_QUEUE = 'bench-baseline-deliveries';
export const BASELINE_HOST = 'bench-baseline.localhost';

/** Worker options and queue settings derived from wrangler.toml. */
export function readWorkerConfig() {
  const configPath = join(repoRoot, 'wrangler.toml');
  const config = unstable_readConfig({ config: configPath }, { hideWarnings: true });
  // Quiet wrangler's "Using secrets defined in .dev.vars": those values are replaced below anyway.
  const logLevel = process.env.WRANGLER_LOG;
  process.env.WRANGLER_LOG = 'error';
  let workerOptions;
  try {
    ({ workerOptions } = unstable_getMiniflareWorkerOptions(config));
  } finally {
    if (logLevel === undefined) delete process.env.WRANGLER_LOG;
    else process.env.WRANGLER_LOG = logLevel;
  }
  const vars = config.vars ?? {};
  // The lanes by the names the Worker routes batches by; each must have a producer and a consumer.
  const lane = (queueName) => {
    const consumer = workerOptions.queueConsumers?.[queueName];
    const produced = Object.values(workerOptions.queueProducers ?? {}).some((p) => p.queueName === queueName);
    if (!queueName || !consumer || !produced) throw new Error(`wrangler.toml has no producer with a consumer for queue ${queueName}`);
    return consumer;
  };
  const deliveryQueue = vars.DELIVERY_QUEUE_NAME;
  const slowQueue = vars.SLOW_DELIVERY_QUEUE_NAME;
  const planeBinding = Object.entries(workerOptions.durableObjects ?? {}).find(([, d]) => d.className === 'AccountPlane');
  if (!planeBinding || !planeBinding[1].useSQLite) throw new Error('wrangler.toml has no SQLite-backed AccountPlane Durable Object binding');
  return {
    name: config.name,
    workerOptions,
    // Only wrangler.toml [vars]: a developer's .dev.vars must not change benchmark results.
    vars,
    deliveryQueue,
    deliveryConsumer: lane(deliveryQueue),
    slowQueue,
    slowConsumer: lane(slowQueue),
    planeBinding: planeBinding[0],
    maxConcurrency: config.queues.consumers?.find((c) => c.queue === deliveryQueue)?.max_concurrency ?? null,
    dbBinding: config.d1_databases[0].binding,
    migrationsDir: join(repoRoot, config.d1_databases[0].migrations_dir ?? 'migrations'),
  };
}

/**
 * One Miniflare instance (one workerd process) holding the Worker (first, so it is the
 * entry), the baseline sender and the render worker.
 */
export async function startRuntime({ workerModule, baselineModule, renderModule, stateDir, bindings = {}, onWorkerError }) {
  const wc = readWorkerConfig();
  const { rootPath: _root, modulesRules: _rules, connectHandlers: _connect, ...options } = wc.workerOptions;
  const notifier = {
    ...options,
    name: wc.name,
    ...moduleOptions(workerModule),
    bindings: { ...wc.vars, ALLOW_LOOPBACK_TARGETS: 'true', OPERATOR_TOKEN, SECRETS_KEY, ...bindings },
  };
  const sameRuntime = { compatibilityDate: options.compatibilityDate, compatibilityFlags: options.compatibilityFlags };
  const { maxBatchSize, maxBatchTimeout, maxRetries } = wc.deliveryConsumer;
  const baseline = {
    ...sameRuntime,
    name: 'bench-baseline-sender',
    ...moduleOptions(baselineModule),
    queueProducers: { BASELINE_QUEUE: { queueName: BASELINE_QUEUE } },
    // Reached through the same entry as the Worker (by host name), so both pay the same routing.
    routes: [`${BASELINE_HOST}/*`],
    // The same batching as the delivery queue, so the two differ only in what a message costs.
    queueConsumers: { [BASELINE_QUEUE]: { maxBatchSize, maxBatchTimeout, maxRetries } },
  };
  const render = { ...sameRuntime, name: 'bench-render', ...moduleOptions(renderModule) };

  // wrangler describes workers in Miniflare's v4 option shape; convert as wrangler itself does.
  const mf = new Miniflare(convertV4MiniflareOptions({
    host: '127.0.0.1',
    port: 0,
    // The inspector lets the memory section read the Worker isolate's heap; nothing attaches otherwise.
    inspectorPort: await freePort(),
    // D1, the account objects' SQLite files and the queues on local disk, as `wrangler dev`
    // keeps them, in the run's temp folder (removed afterwards).
    resourcePersistencePath: stateDir,
    workers: [notifier, baseline, render],
    handleStructuredLogs: ({ level, message }) => {
      if (level === 'error') onWorkerError?.(message);
    },
  }));
  const url = await mf.ready;
  const inspectorUrl = (await mf.getInspectorURL()).origin.replace(/^ws/, 'http');
  const db = await mf.getD1Database(wc.dbBinding, wc.name);
  await applyMigrations(db, wc.migrationsDir);
  return { mf, url: url.origin, inspectorUrl, db, config: wc };
}

/** A loopback port that was free a moment ago (the inspector cannot be given port 0). */
async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * A worker of one module, or of several in one folder (`{ entry, modules }`, the entry first);
 * module names are relative to that folder (workerd refuses "../").
 */
function moduleOptions(worker) {
  const { entry, modules } = typeof worker === 'string' ? { entry: worker, modules: [worker] } : worker;
  return { modulesRoot: dirname(entry), modules: modules.map((path) => ({ type: 'ESModule', path })) };
}

/** Applies migrations/*.sql in order through the D1 binding (fresh in-memory database). */
async function applyMigrations(db, dir) {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort();
  for (const file of files) {
    const statements = unstable_splitSqlQuery(await readFile(join(dir, file), 'utf8'));
    await db.batch(statements.map((sql) => db.prepare(sql)));
  }
}

/** The workerd process Miniflare spawned: a direct child of this process named workerd. */
export async function findWorkerdPid() {
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8');
      // comm is parenthesised and may hold spaces; fields after it are space-separated.
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (comm === 'workerd' && ppid === process.pid) return Number(entry);
    } catch {
      // The process ended while we looked.
    }
  }
  return null;
}
