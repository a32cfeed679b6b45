/** The Worker: the HTTP API, the delivery queue consumers and the cron sweep. */
import { handleDeliveryBatch } from './delivery/consumer';
import { handleDeadLetters } from './delivery/dead-letter';
import { sweep } from './delivery/sweep';
import type { Env } from './env';
import { createApp } from './http/app';

const app = createApp();

export default {
  fetch: app.fetch,
  async queue(batch, env, _ctx) {
    if (batch.queue.endsWith('-dlq')) await handleDeadLetters(batch, env);
    else await handleDeliveryBatch(batch, env);
  },
  async scheduled(_controller, env, ctx) {
    ctx.waitUntil(sweep(env));
  },
} satisfies ExportedHandler<Env, unknown>;
