#!/usr/bin/env node
/**
 * `npm run receiver`: the local webhook receiver. Its port is the one after the service's when
 * `npm start` is running (8788 beside the default 8787, 9001 beside `--port 9000`), else 8788;
 * `--port` and `--ip` choose otherwise, and other arguments go to wrangler dev. It records its
 * address so that `npm run demo` finds it.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { forgetUrl, optionValue, recordedUrl, recordUrl, ROOT, waitUntilAnswering } from './local-urls.mjs';

const wrangler = join(ROOT, 'node_modules', 'wrangler', 'bin', 'wrangler.js');
const args = process.argv.slice(2);
const notifier = recordedUrl('notifier');
const nextToNotifier = notifier ? String(Number(new URL(notifier).port) + 1) : null;
const ip = optionValue(args, 'ip') ?? '127.0.0.1';
const port = optionValue(args, 'port') ?? nextToNotifier ?? '8788';
const defaults = [...(optionValue(args, 'ip') ? [] : ['--ip', ip]), ...(optionValue(args, 'port') ? [] : ['--port', port])];
const url = `http://${ip === '0.0.0.0' ? '127.0.0.1' : ip}:${port}`;
const child = spawn(process.execPath, [wrangler, 'dev', '-c', 'receiver/wrangler.toml', ...defaults, ...args], {
  cwd: ROOT,
  env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false' },
  stdio: 'inherit',
});
let stopped = false;
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => {
  stopped = true;
  forgetUrl('receiver', url);
  process.exit(code ?? (signal ? 1 : 0));
});
if (await waitUntilAnswering(url, 120_000, () => stopped)) {
  recordUrl('receiver', url);
  console.log(`\n  Receiver on ${url}: POST to any path; open ${url}/ to see what arrived.\n  Next: npm run demo\n`);
}
