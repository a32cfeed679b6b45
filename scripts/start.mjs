#!/usr/bin/env node
/**
 * `npm start`: the service locally on its embedded defaults — local D1 (migrated here) and
 * local queues — with `wrangler dev` on http://127.0.0.1:8787. Extra arguments go to
 * `wrangler dev` (e.g. `npm start -- --port 9000 --ip 127.0.0.1`).
 *
 * No cron is needed: each account's Durable Object wakes itself with its alarm (alarms and
 * Durable Object storage persist locally), which also re-sends deliveries whose in-memory
 * local queue was lost when the previous run stopped.
 */
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const wrangler = join(root, 'node_modules', 'wrangler', 'bin', 'wrangler.js');
const env = { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: process.env.CI ?? 'true' };

if (!existsSync(join(root, '.dev.vars'))) {
  copyFileSync(join(root, '.dev.vars.example'), join(root, '.dev.vars'));
  console.log('Created .dev.vars from .dev.vars.example (development values).');
}

const migrate = spawnSync(process.execPath, [wrangler, 'd1', 'migrations', 'apply', 'DB', '--local'], { cwd: root, env, stdio: 'inherit' });
if (migrate.status !== 0) process.exit(migrate.status ?? 1);

const args = process.argv.slice(2);
const optionValue = (name) => {
  const index = args.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (index < 0) return undefined;
  return args[index].includes('=') ? args[index].split('=')[1] : args[index + 1];
};
const ip = optionValue('ip') ?? '127.0.0.1';
const port = optionValue('port') ?? '8787';
const defaults = [...(optionValue('ip') ? [] : ['--ip', ip]), ...(optionValue('port') ? [] : ['--port', port])];

const dev = spawn(process.execPath, [wrangler, 'dev', ...defaults, ...args], { cwd: root, env, stdio: 'inherit' });

for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => dev.kill(signal));
dev.on('exit', (code, signal) => {
  process.exit(code ?? (signal ? 1 : 0));
});
