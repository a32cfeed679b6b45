#!/usr/bin/env node
/**
 * `npm run screenshots`: refreshes the console screenshots in docs/ by running the browser
 * tests (test-node/console.e2e.test.ts, test-node/health.e2e.test.ts) with UPDATE_SCREENSHOTS=1. Needs Chromium
 * (apt-get install -y chromium); nothing is downloaded.
 */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');
const child = spawn(process.execPath, [vitest, 'run', '--config', 'vitest.node.config.ts', 'test-node/console.e2e.test.ts', 'test-node/health.e2e.test.ts'], {
  cwd: root,
  env: { ...process.env, UPDATE_SCREENSHOTS: '1' },
  stdio: 'inherit',
});
child.on('exit', (code, signal) => {
  if (code === 0) console.log('Screenshots written to docs/console-*.png');
  process.exit(code ?? (signal ? 1 : 0));
});
