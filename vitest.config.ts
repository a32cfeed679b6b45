import { readFile } from 'node:fs/promises';
import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin';
import { experimental_readRawConfig } from 'wrangler';
import { defineConfig } from 'vitest/config';
import { buildConsole } from './scripts/build-console.mjs';

// The Worker imports the console's bundled browser assets (a generated module): build them first.
await buildConsole();

// Set by vitest.partitions.config.ts: the suites run again with every test account partitioned.
const partitions = process.env.TEST_PARTITIONS;

// wrangler.toml as wrangler itself reads it, for tests that check the file's own consistency.
const { rawConfig } = experimental_readRawConfig({ config: './wrangler.toml' });

/** The suites that post events and read what came of them: run again against partitioned accounts. */
const PARTITIONED_SUITES = [
  'test/api/events.test.ts', 'test/api/events-batch.test.ts', 'test/api/delivery-log.test.ts', 'test/api/replay-and-recovery.test.ts',
  'test/api/retry-and-test.test.ts', 'test/api/stats.test.ts', 'test/api/redaction.test.ts', 'test/api/unicode-text.test.ts',
  'test/api/automations.test.ts', 'test/api/operations.test.ts', 'test/plane/ordering.test.ts', 'test/plane/gates.test.ts',
  'test/delivery/consumer.test.ts', 'test/delivery/destination-auth.test.ts', 'test/console/pages.test.ts', 'test/console/operations-pages.test.ts', 'test/console/log-filters.test.ts',
  'test/api/conditions.test.ts',
  'test/api/loop-protection.test.ts', 'test/api/hostile-values.test.ts',
  'test/api/max-age.test.ts',
  'test/api/backfill.test.ts',
  'test/api/simulations.test.ts',
  'test/api/bulk-retry.test.ts', 'test/api/truthful-health.test.ts', 'test/api/delivery-sent-url.test.ts',
];

export default defineConfig({
  plugins: [
    cloudflareTest(async ({ inject }) => ({
      wrangler: { configPath: './wrangler.toml' },
      miniflare: {
        bindings: {
          OPERATOR_TOKEN: 'test-operator-token',
          SECRETS_KEY: 'dGVzdC1vbmx5LXNlY3JldHMta2V5LTMyLWJ5dGVzISE=',
          // Short, distinct delays so retry tests can tell them apart without waiting long.
          RETRY_SCHEDULE: '1,2,3',
          DELIVERY_TIMEOUT_MS: '1500',
          ALLOW_LOOPBACK_TARGETS: 'true',
          // Another name the service answers on, besides the one the tests call it by (notifier.test).
          SELF_HOSTNAMES: 'notifier.example.com',
          TEST_MIGRATIONS: await readD1Migrations('./migrations'),
          SINK_URL: inject('sinkUrl'),
          SCHEMA_SQL: await readFile('./schema.sql', 'utf8'),
          WRANGLER_CONFIG: { vars: rawConfig.vars ?? {}, queues: rawConfig.queues ?? {} },
          ...(partitions ? { TEST_PARTITIONS: partitions } : {}),
        },
      },
    })),
  ],
  test: {
    globalSetup: ['./test/global-setup.ts'],
    setupFiles: ['./test/apply-migrations.ts'],
    include: partitions ? PARTITIONED_SUITES : ['test/**/*.test.ts'],
    // The JSON report is what .ci/run counts; the default reporter is for people.
    reporters: ['default', ['json', { outputFile: partitions ? 'test-results/worker-partitioned.json' : 'test-results/worker.json' }]],
    testTimeout: 20_000,
    // Every delivery prints its attempt line (src/observability); test/delivery/observability.test.ts
    // checks those lines, and hundreds of them would bury every other test's output.
    onConsoleLog: (log) => !log.includes('"msg":"delivery attempt"'),
  },
});
