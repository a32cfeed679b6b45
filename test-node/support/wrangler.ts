/**
 * The real Worker and the local receiver as servers for Node-side tests: each on a free port
 * of 127.0.0.1 with its own fresh state directory, so runs never share data with each other
 * or with `npm start`.
 *
 *   const notifier = await startNotifier();            // migrated D1, local queues
 *   const receiver = await startReceiver();
 *   ...; await notifier.stop(); await receiver.stop(); // or stopAllProcesses()
 *
 *   await notifier.crash();                             // SIGKILL; its state stays on disk
 *   const again = await startNotifier(TEST_VARS, { resume: notifier }); // same port and state
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, startProcess, waitForHttp, type RunningProcess } from './processes';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const WRANGLER = join(ROOT, 'node_modules', 'wrangler', 'bin', 'wrangler.js');

/** Test values for the Worker's settings (passed with --var, which wins over any .dev.vars). */
export const TEST_VARS = {
  OPERATOR_TOKEN: 'node-test-operator-token',
  SECRETS_KEY: 'bm9kZS10ZXN0LW9ubHktc2VjcmV0cy1rZXktMzJieXQ=',
  RETRY_SCHEDULE: '2,5,10',
  DELIVERY_TIMEOUT_MS: '5000',
  ALLOW_LOOPBACK_TARGETS: 'true',
  RETENTION_DAYS: '30',
} as const;

export interface LocalServer {
  url: string;
  port: number;
  persistDir: string;
  process: RunningProcess;
  /** Stops it and deletes its state. */
  stop(): Promise<void>;
  /** Kills it (SIGKILL, no clean-up) and keeps its state, to start it again on it. */
  crash(): Promise<void>;
}

// Wrangler runs on the Node that runs the tests (npm scripts put the project's Node 24 first).
const childEnv = () => ({ ...process.env, CI: 'true', WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1', FORCE_COLOR: '0' });

function wranglerSync(args: string[]): void {
  const result = spawnSync(process.execPath, [WRANGLER, ...args], { cwd: ROOT, env: childEnv(), encoding: 'utf8', timeout: 120_000 });
  if (result.status !== 0) throw new Error(`wrangler ${args.join(' ')} failed:\n${result.stdout}\n${result.stderr}`);
}

async function startWranglerDev(name: string, configArgs: string[], extraArgs: string[], persistDir: string, port?: number): Promise<LocalServer> {
  port ??= await freePort();
  const inspectorPort = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = startProcess(
    name,
    process.execPath,
    [WRANGLER, 'dev', ...configArgs, '--ip', '127.0.0.1', '--port', String(port), '--inspector-port', String(inspectorPort),
      '--persist-to', persistDir, '--show-interactive-dev-session=false', '--log-level', 'warn', ...extraArgs],
    { cwd: ROOT, env: childEnv() },
    // Also when stopped through stopAllProcesses().
    () => rmSync(persistDir, { recursive: true, force: true }),
  );
  const server: LocalServer = {
    url,
    port,
    persistDir,
    process: child,
    stop: () => child.stop(),
    crash: () => child.kill(),
  };
  try {
    await waitForHttp(`${url}/health`, child, 90_000);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return server;
}

/**
 * The HTTP Notifier Worker with migrated local D1 and local queues. With `resume`, it starts
 * again on the port and state (D1, Durable Objects and their alarms) of an earlier run, as
 * `npm start` does after a crash: migrations are applied again (nothing to do) and the local
 * queues start empty.
 */
export async function startNotifier(vars: Record<string, string> = TEST_VARS, { resume }: { resume?: LocalServer } = {}): Promise<LocalServer> {
  const persistDir = resume?.persistDir ?? mkdtempSync(join(tmpdir(), 'hn-notifier-'));
  wranglerSync(['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', persistDir]);
  const varArgs = Object.entries(vars).flatMap(([key, value]) => ['--var', `${key}:${value}`]);
  return startWranglerDev('notifier', [], varArgs, persistDir, resume?.port);
}

/** The local webhook receiver (receiver/), which shows requests and checks signatures. */
export async function startReceiver(): Promise<LocalServer> {
  const persistDir = mkdtempSync(join(tmpdir(), 'hn-receiver-'));
  return startWranglerDev('receiver', ['-c', 'receiver/wrangler.toml'], [], persistDir);
}
