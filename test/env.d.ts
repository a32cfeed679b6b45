import type { D1Migration } from 'cloudflare:test';
import type { Env as WorkerEnv } from '../src/env';

declare global {
  namespace Cloudflare {
    interface Env extends WorkerEnv {
      TEST_MIGRATIONS: D1Migration[];
      /** Base URL of the webhook sink started by test/global-setup.ts. */
      SINK_URL: string;
      /** Partitions of the accounts tests create (test/helpers.ts); unset: 1. */
      TEST_PARTITIONS?: string;
      /** schema.sql, to prove it agrees with the migrations. */
      SCHEMA_SQL: string;
      /** Parts of wrangler.toml as wrangler parses it (see vitest.config.ts). */
      WRANGLER_CONFIG: {
        vars: Record<string, unknown>;
        queues: {
          producers?: { binding: string; queue: string }[];
          consumers?: { queue: string; dead_letter_queue?: string; max_batch_timeout?: number }[];
        };
      };
    }
    interface GlobalProps {
      mainModule: typeof import('../src/index');
    }
  }
}

declare module 'vitest' {
  interface ProvidedContext {
    sinkUrl: string;
  }
}
