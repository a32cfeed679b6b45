#!/usr/bin/env node
/**
 * `npm start`: the service locally on its embedded defaults — local D1 (migrated here) and
 * local queues — with `wrangler dev` on http://127.0.0.1:8787. Extra arguments go to
 * `wrangler dev` (e.g. `npm start -- --port 9000 --ip 127.0.0.1`).
 *
 * What a newcomer needs to see comes first: the migrations run quietly (their tables are
 * printed only when they fail), the request.cf lookup that needs the internet is off (offline
 * it printed `getaddrinfo ENOTFOUND workers.cloudflare.com`, which looked like a failure), and
 * once the service answers a short banner says where it is, where the console is and what to
 * run next. Wrangler's own messages and every error still show as they are.
 *
 * No cron is needed: each account's Durable Object wakes itself with its alarm (alarms and
 * Durable Object storage persist locally), which also re-sends deliveries whose in-memory
 * local queue was lost when the previous run stopped.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { optionValue, ROOT, runRecorded } from './local-urls.mjs';

const wrangler = join(ROOT, 'node_modules', 'wrangler', 'bin', 'wrangler.js');
const env = { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false', CI: process.env.CI ?? 'true' };

if (!existsSync(join(ROOT, '.dev.vars'))) {
  copyFileSync(join(ROOT, '.dev.vars.example'), join(ROOT, '.dev.vars'));
  console.log('Created .dev.vars from .dev.vars.example (development values).');
}

const args = process.argv.slice(2);
// A state directory given to wrangler dev (--persist-to) is the one to migrate.
const persistTo = optionValue(args, 'persist-to');
const migrate = spawnSync(process.execPath, [wrangler, 'd1', 'migrations', 'apply', 'DB', '--local', ...(persistTo ? ['--persist-to', persistTo] : [])],
  { cwd: ROOT, env, encoding: 'utf8' });
if (migrate.status !== 0) {
  process.stdout.write(migrate.stdout ?? '');
  process.stderr.write(migrate.stderr ?? '');
  console.error('\nThe local database could not be migrated (above: what wrangler said).');
  process.exit(migrate.status ?? 1);
}
console.log(/No migrations to apply/i.test(migrate.stdout ?? '') ? 'Local database: up to date.' : 'Local database: migrations applied.');

const ip = optionValue(args, 'ip') ?? '127.0.0.1';
const port = optionValue(args, 'port') ?? '8787';
const defaults = [...(optionValue(args, 'ip') ? [] : ['--ip', ip]), ...(optionValue(args, 'port') ? [] : ['--port', port])];
const host = ip === '0.0.0.0' || ip === '::' ? '127.0.0.1' : ip.includes(':') ? `[${ip}]` : ip;
const url = `http://${host}:${port}`;

await runRecorded('notifier', url, ['dev', ...defaults, ...args], env, () => {
  const follow = port === '8787' ? '' : ` (they find port ${port} by themselves)`;
  console.log(`
  ┌─ HTTP Notifier is running ─────────────────────────────────────────
  │  Service:   ${url}
  │  Console:   ${url}/console
  │  Next, in two more terminals${follow}:
  │    npm run receiver   a local webhook receiver that checks signatures
  │    npm run demo       an account, keys, a task and sample calls
  │  Stop with Ctrl+C.
  └────────────────────────────────────────────────────────────────────
`);
});
