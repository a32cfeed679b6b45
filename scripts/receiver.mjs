#!/usr/bin/env node
/** `npm run receiver`: the local webhook receiver on http://127.0.0.1:8788 (extra arguments go to wrangler dev). */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const wrangler = join(root, 'node_modules', 'wrangler', 'bin', 'wrangler.js');
const args = process.argv.slice(2);
const has = (name) => args.some((a) => a === `--${name}` || a.startsWith(`--${name}=`));
const defaults = [...(has('ip') ? [] : ['--ip', '127.0.0.1']), ...(has('port') ? [] : ['--port', '8788'])];
const child = spawn(process.execPath, [wrangler, 'dev', '-c', 'receiver/wrangler.toml', ...defaults, ...args], {
  cwd: root,
  env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
  stdio: 'inherit',
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
