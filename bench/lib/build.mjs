/**
 * Builds what the benchmark runs: the Worker exactly as `wrangler deploy` would bundle it
 * (a dry run into a temp folder; wrangler's [build] step bundles the console's browser assets
 * first), and the bench-only render worker, bundled with esbuild (a devDependency). The Worker
 * runs behind a thin bench-only module whose Durable Object subclasses count the requests each
 * object receives (bench/workers/counted-objects.mjs); the bundle itself is not changed.
 */
import { spawn } from 'node:child_process';
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { COUNTS_PATH } from './object-requests.mjs';
import { benchDir, repoRoot } from './paths.mjs';

const requireFromRepo = createRequire(join(repoRoot, 'package.json'));

/** Runs a command to completion; rejects with its output if it fails. */
function run(command, args, options) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(output) : reject(new Error(`${command} ${args.join(' ')} exited ${code}:\n${output}`))));
  });
}

/** `wrangler deploy --dry-run` bundles src/index.ts as it would be uploaded; returns the module path. */
export async function buildWorker(outDir) {
  const wrangler = join(dirname(requireFromRepo.resolve('wrangler/package.json')), 'bin', 'wrangler.js');
  await run(process.execPath, [wrangler, 'deploy', '--dry-run', '--outdir', outDir], {
    cwd: repoRoot,
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: 'true', NO_COLOR: '1' },
  });
  return join(outDir, 'index.js');
}

/** Bundles a bench-only worker (it may import from src/) into one ES module. */
export async function buildBenchWorker(entry, outFile) {
  const esbuild = requireFromRepo('esbuild');
  await esbuild.build({
    entryPoints: [entry],
    outfile: outFile,
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    mainFields: ['module', 'main'],
    logLevel: 'error',
  });
  return outFile;
}

/** The Durable Object classes whose requests the bench counts, and where each is written. */
const COUNTED_CLASSES = { AccountPlane: 'src/plane/account-plane.ts', DestinationGates: 'src/plane/gate-object.ts' };

/**
 * The class's private methods, read from its source: calls the object makes to itself, which
 * the counting wrapper must not take for requests (at run time TypeScript's `private` is gone).
 */
export async function privateMethods(className) {
  const source = await readFile(join(repoRoot, COUNTED_CLASSES[className]), 'utf8');
  if (!source.includes(`export class ${className} `)) throw new Error(`${COUNTED_CLASSES[className]} no longer declares ${className}`);
  return [...source.matchAll(/^\s+private\s+(?:async\s+)?(\w+)\s*[(<]/gm)].map((m) => m[1]);
}

/**
 * The built Worker behind bench/workers/counted-objects.mjs (its objects count the requests they
 * receive), placed next to the bundle it imports. Returns the entry and every module to load.
 */
export async function countedWorker(workerModule) {
  const dir = dirname(workerModule);
  const entry = join(dir, 'counted-objects.mjs');
  await copyFile(join(benchDir, 'workers', 'counted-objects.mjs'), entry);
  const internal = Object.fromEntries(await Promise.all(Object.keys(COUNTED_CLASSES).map(async (name) => [name, await privateMethods(name)])));
  // Generated beside it: what the wrapper needs from the bench (workerd loads only that folder).
  const config = join(dir, 'counted-config.mjs');
  await writeFile(config, `export const INTERNAL_METHODS = ${JSON.stringify(internal)};\nexport const COUNTS_PATH = ${JSON.stringify(COUNTS_PATH)};\n`);
  return { entry, modules: [entry, config, workerModule] };
}
