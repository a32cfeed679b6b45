/**
 * Child processes for Node-side tests: each is started in its own process group so that
 * stopping it also stops what it started (wrangler starts workerd), and its recent output
 * is kept to explain a failure.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createServer } from 'node:net';

export interface RunningProcess {
  readonly name: string;
  readonly child: ChildProcess;
  /** The last lines it printed (stdout and stderr), for error messages. */
  output(): string;
  /** SIGTERM to the whole group, then SIGKILL if it has not exited after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL to the whole group at once: a crash, not a stop (nothing gets to clean up). */
  kill(): Promise<void>;
}

const MAX_KEPT_LINES = 200;
const running = new Set<RunningProcess>();

/** `afterStop` runs once stop() has ended the process (not after kill(), which leaves all as is). */
export function startProcess(name: string, command: string, args: string[], options: SpawnOptions = {}, afterStop?: () => void): RunningProcess {
  // detached: the child leads a new process group, which stop() signals as a whole.
  const child = spawn(command, args, { ...options, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    if (lines.length > MAX_KEPT_LINES) lines.splice(0, lines.length - MAX_KEPT_LINES);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const handle: RunningProcess = {
    name,
    child,
    output: () => lines.join('\n'),
    async stop(graceMs = 5_000) {
      if (!running.delete(handle)) return;
      if (child.exitCode === null && child.signalCode === null) {
        signalGroup(child, 'SIGTERM');
        const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      }
      // The leader may exit before its children: make sure none is left behind.
      signalGroup(child, 'SIGKILL');
      afterStop?.();
    },
    async kill() {
      running.delete(handle);
      if (child.exitCode !== null || child.signalCode !== null) return;
      signalGroup(child, 'SIGKILL');
      await exited;
    },
  };
  running.add(handle);
  return handle;
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group is already gone.
  }
}

/** Stops every process started through this module that is still running. */
export async function stopAllProcesses(): Promise<void> {
  await Promise.all([...running].map((handle) => handle.stop()));
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Polls `url` until it answers 2xx, the process exits, or `timeoutMs` passes. */
export async function waitForHttp(url: string, owner: RunningProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (owner.child.exitCode !== null) {
      throw new Error(`${owner.name} exited (code ${owner.child.exitCode}) before ${url} answered:\n${owner.output()}`);
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${owner.name} did not answer ${url} within ${timeoutMs} ms:\n${owner.output()}`);
}
