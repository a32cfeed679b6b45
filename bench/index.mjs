#!/usr/bin/env node
/**
 * `npm run bench` — quick run (about 4–5 minutes on 2 cores);
 * `npm run bench -- --long` — longer, steadier run;
 * `npm run bench -- --smoke` — a few seconds, only to check the harness;
 * `--out FILE` — where to write the JSON (default bench/results/latest.json);
 * `--only NAME[,NAME…]` — only those sections (e.g. `--only storage`), to measure one row
 *   while working on it; the table then has only their rows (written to bench/results/only.json
 *   unless `--out` says otherwise).
 */
import { runBench } from './run.mjs';

const args = process.argv.slice(2);
const known = new Set(['--long', '--smoke', '--out', '--only']);
for (const arg of args) {
  if (arg.startsWith('--') && !known.has(arg)) {
    console.error(`Unknown option ${arg}. Use --long, --smoke, --out FILE or --only NAME[,NAME…].`);
    process.exit(2);
  }
}
const outIndex = args.indexOf('--out');
const outFile = outIndex >= 0 ? args[outIndex + 1] : undefined;
const onlyIndex = args.indexOf('--only');
const only = onlyIndex >= 0 ? (args[onlyIndex + 1] ?? '').split(',').filter(Boolean) : undefined;

try {
  await runBench({ long: args.includes('--long'), smoke: args.includes('--smoke'), ...(outFile ? { outFile } : {}), ...(only ? { only } : {}) });
} catch (error) {
  console.error(error);
  process.exitCode = 1;
}
