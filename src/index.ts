/**
 * The Worker: the HTTP API and the delivery queue consumers. Scheduling, retries and retention
 * are each account object's own alarm (src/plane/account-plane.ts): no cron.
 */
import { handleDeliveryBatch } from './delivery/consumer';
import { handleDeadLetters } from './delivery/dead-letter';
import type { Env } from './env';
import { createApp } from './http/app';

export { AccountPlane } from './plane/account-plane';
export { DestinationGates } from './plane/gate-object';

const app = createApp();

export default {
  fetch: app.fetch,
  async queue(batch, env, _ctx) {
    // By configured name, never by the shape of the name: a renamed queue must not have its dead
    // letters delivered (or its deliveries dead-lettered) by guesswork.
    if (env.DELIVERY_QUEUE_NAME && batch.queue === env.DELIVERY_QUEUE_NAME) return handleDeliveryBatch(batch, env);
    if (env.SLOW_DELIVERY_QUEUE_NAME && batch.queue === env.SLOW_DELIVERY_QUEUE_NAME) return handleDeliveryBatch(batch, env);
    if (env.DEAD_LETTER_QUEUE_NAME && batch.queue === env.DEAD_LETTER_QUEUE_NAME) return handleDeadLetters(batch, env);
    // Throwing leaves the whole batch to the queue's retries, so nothing is acked unhandled.
    const problem =
      `queue "${batch.queue}" is none of DELIVERY_QUEUE_NAME (${JSON.stringify(env.DELIVERY_QUEUE_NAME ?? null)}), ` +
      `SLOW_DELIVERY_QUEUE_NAME (${JSON.stringify(env.SLOW_DELIVERY_QUEUE_NAME ?? null)}) ` +
      `or DEAD_LETTER_QUEUE_NAME (${JSON.stringify(env.DEAD_LETTER_QUEUE_NAME ?? null)}); ` +
      'set these [vars] in wrangler.toml to the [[queues.consumers]] queue names';
    console.error(JSON.stringify({ msg: 'unknown queue', queue: batch.queue, messages: batch.messages.length, problem }));
    throw new Error(problem);
  },
} satisfies ExportedHandler<Env, unknown>;
