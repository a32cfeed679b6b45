#!/usr/bin/env node
/**
 * `npm run receiver`: the local webhook receiver. Its port is the one after the service's when
 * `npm start` is running (8788 beside the default 8787, 9001 beside `--port 9000`), else 8788;
 * `--port` and `--ip` choose otherwise, and other arguments go to wrangler dev. It records its
 * address so that `npm run demo` finds it.
 */
import { optionValue, recordedUrl, runRecorded } from './local-urls.mjs';

const args = process.argv.slice(2);
const notifier = recordedUrl('notifier');
const nextToNotifier = notifier ? String(Number(new URL(notifier).port) + 1) : null;
const ip = optionValue(args, 'ip') ?? '127.0.0.1';
const port = optionValue(args, 'port') ?? nextToNotifier ?? '8788';
const defaults = [...(optionValue(args, 'ip') ? [] : ['--ip', ip]), ...(optionValue(args, 'port') ? [] : ['--port', port])];
const url = `http://${ip === '0.0.0.0' ? '127.0.0.1' : ip}:${port}`;
await runRecorded('receiver', url, ['dev', '-c', 'receiver/wrangler.toml', ...defaults, ...args],
  { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false' },
  () => console.log(`\n  Receiver on ${url}: POST to any path; open ${url}/ to see what arrived.\n  Next: npm run demo\n`));
