#!/usr/bin/env node
/**
 * `npm run bench` — quick run (about 4–5 minutes on 2 cores);
 * `npm run bench -- --long` — longer, steadier run;
 * `npm run bench -- --smoke` — a few seconds, only to check the harness;
 * `--out FILE` — where to write the JSON (default bench/results/latest.json).
 */
import { runBench } from './run.mjs';

const args = process.argv.slice(2);
const known = new Set(['--long', '--smoke', '--out']);
for (const arg of args) {
  if (arg.startsWith('--') && !known.has(arg)) {
    console.error(`Unknown option ${arg}. Use --long, --smoke or --out FILE.`);
    process.exit(2);
  }
}
const outIndex = args.indexOf('--out');
const outFile = outIndex >= 0 ? args[outIndex + 1] : undefined;

try {
  await runBench({ long: args.includes('--long'), smoke: args.includes('--smoke'), ...(outFile ? { outFile } : {}) });
} catch (error) {
  console.error(error);
  process.exitCode = 1;
}
