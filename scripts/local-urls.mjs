/**
 * Where the local service and receiver are running, so `npm run demo` and `npm run receiver`
 * follow the port `npm start` was given without being told: each script records its address in
 * `.wrangler/local/<name>.url` (git-ignored, beside the local state) while it runs, and removes
 * it when it stops. Flags and environment variables still win over what is recorded.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const WRANGLER = join(ROOT, 'node_modules', 'wrangler', 'bin', 'wrangler.js');
const DIR = join(ROOT, '.wrangler', 'local');
const fileOf = (name) => join(DIR, `${name}.url`);

export function recordUrl(name, url) {
  mkdirSync(DIR, { recursive: true });
  writeFileSync(fileOf(name), `${url}\n`);
}

/** The recorded address, or null when that script is not running (or never ran). */
export function recordedUrl(name) {
  try {
    return readFileSync(fileOf(name), 'utf8').trim() || null;
  } catch {
    return null;
  }
}

/** Removes the record if it still names `url` (another run may have replaced it). */
export function forgetUrl(name, url) {
  if (recordedUrl(name) === url) rmSync(fileOf(name), { force: true });
}

/** `--name value` or `--name=value` among `args`; undefined when absent. */
export function optionValue(args, name) {
  const index = args.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (index < 0) return undefined;
  return args[index].includes('=') ? args[index].slice(args[index].indexOf('=') + 1) : args[index + 1];
}

/** Resolves true once `url`/health answers 200 (polling), false after `timeoutMs` or when `stopped()` says so. */
export async function waitUntilAnswering(url, timeoutMs, stopped = () => false) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !stopped()) {
    try {
      const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) });
      if (response.ok) return true;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return false;
}

/**
 * Runs `wrangler <args>` in the foreground (its output as it is; Ctrl+C stops it), and once it
 * answers at `url` records the address as `name` and calls `onReady`; the record goes when it stops.
 */
export async function runRecorded(name, url, args, env, onReady) {
  const child = spawn(process.execPath, [WRANGLER, ...args], { cwd: ROOT, env, stdio: 'inherit' });
  let stopped = false;
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => {
    stopped = true;
    forgetUrl(name, url);
    process.exit(code ?? (signal ? 1 : 0));
  });
  if (await waitUntilAnswering(url, 120_000, () => stopped)) {
    recordUrl(name, url);
    onReady();
  }
}
