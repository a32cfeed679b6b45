import { fileURLToPath } from 'node:url';
import { cloudflareTest } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';

// Run from the repository root: npx vitest run --config receiver/vitest.config.ts
// Paths are resolved from this file, so the working directory does not matter.
export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: fileURLToPath(new URL('./wrangler.toml', import.meta.url)) },
    }),
  ],
  test: {
    dir: fileURLToPath(new URL('./test', import.meta.url)),
    reporters: ['default', ['json', { outputFile: 'test-results/receiver.json' }]],
  },
});
