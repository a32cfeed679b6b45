/** What the numbers were measured on. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './paths.mjs';

const requireFromRepo = createRequire(join(repoRoot, 'package.json'));

function packageVersion(name, from = requireFromRepo) {
  try {
    return JSON.parse(readFileSync(from.resolve(`${name}/package.json`), 'utf8')).version;
  } catch {
    return null;
  }
}

export function describeMachine() {
  // workerd is miniflare's dependency: resolve it from there, so it is the binary actually run.
  const fromMiniflare = createRequire(requireFromRepo.resolve('miniflare/package.json'));
  const cpus = os.cpus();
  return {
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    cpuModel: cpus[0]?.model ?? 'unknown',
    cores: os.availableParallelism?.() ?? cpus.length,
    memoryGiB: Number((os.totalmem() / 1024 ** 3).toFixed(1)),
    node: process.version,
    workerd: packageVersion('workerd', fromMiniflare),
    miniflare: packageVersion('miniflare'),
    wrangler: packageVersion('wrangler'),
    autocannon: packageVersion('autocannon'),
  };
}
