/**
 * Tests that run in Node rather than in workerd: they start the real Worker (and the
 * receiver) as local servers and drive them from outside — the browser tests of the admin
 * console and the benchmark harness's smoke test.
 */
import { defineConfig } from 'vitest/config';
import { buildConsole } from './scripts/build-console.mjs';

// The asset checks import the generated bundle module; wrangler dev would build it too, later.
await buildConsole();

export default defineConfig({
  test: {
    include: ['test-node/**/*.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // One server set at a time: the machine has two cores.
    fileParallelism: false,
    passWithNoTests: false,
    reporters: ['default', ['json', { outputFile: 'test-results/node.json' }]],
  },
});
