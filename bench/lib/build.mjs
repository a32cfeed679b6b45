/**
 * Builds what the benchmark runs: the Worker exactly as `wrangler deploy` would bundle it
 * (a dry run into a temp folder; wrangler's [build] step bundles the console's browser assets
 * first), and the bench-only render worker, bundled with esbuild (a devDependency).
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { repoRoot } from './paths.mjs';

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
