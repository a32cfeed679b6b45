import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  plugins: [
    cloudflareTest(async ({ inject }) => ({
      wrangler: { configPath: './wrangler.toml' },
      miniflare: {
        bindings: {
          TEST_MIGRATIONS: await readD1Migrations('./migrations'),
          SINK_PORT: String(inject<number>('sinkPort')),
        },
      },
    })),
  ],
  test: {
    globalSetup: ['./test/global-setup.ts'],
  },
});
