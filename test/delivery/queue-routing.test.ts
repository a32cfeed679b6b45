/** The queue handler tells delivery batches from dead letters by the configured queue names. */
import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createAccount, createAutomation, sinkRequests, sinkUrl, unique } from '../helpers';
import { messageFor, QUEUE, row, runBatch, seedDeliveries, SLOW_QUEUE } from './support';

async function pendingDelivery() {
  const account = await createAccount();
  const bucket = unique('b');
  await createAutomation(account, { url: sinkUrl(bucket) });
  const [id] = await seedDeliveries(account);
  return { id: id!, bucket };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('wrangler.toml: queue name vars', () => {
  const { vars, queues } = env.WRANGLER_CONFIG;
  const consumers = queues.consumers ?? [];

  it('names the delivery queue: produced to, consumed, and dead-lettering into the other', () => {
    const delivery = consumers.find((c) => c.queue === vars.DELIVERY_QUEUE_NAME);
    expect(delivery, `a [[queues.consumers]] for ${String(vars.DELIVERY_QUEUE_NAME)}`).toBeDefined();
    expect(delivery!.dead_letter_queue).toBe(vars.DEAD_LETTER_QUEUE_NAME);
    expect(queues.producers?.find((p) => p.binding === 'DELIVERY_QUEUE')?.queue).toBe(vars.DELIVERY_QUEUE_NAME);
  });

  it('names the slow lane: produced to, consumed, and dead-lettering into the same dead-letter queue', () => {
    const slow = consumers.find((c) => c.queue === vars.SLOW_DELIVERY_QUEUE_NAME);
    expect(slow, `a [[queues.consumers]] for ${String(vars.SLOW_DELIVERY_QUEUE_NAME)}`).toBeDefined();
    expect(slow!.dead_letter_queue).toBe(vars.DEAD_LETTER_QUEUE_NAME);
    expect(queues.producers?.find((p) => p.binding === 'SLOW_DELIVERY_QUEUE')?.queue).toBe(vars.SLOW_DELIVERY_QUEUE_NAME);
  });

  it('delivers both lanes without waiting for a batch to fill', () => {
    // A destination's cap counts deliveries from the moment they are queued: any batch wait
    // would hold every destination to about its cap per batch timeout, however fast it answers.
    for (const queue of [vars.DELIVERY_QUEUE_NAME, vars.SLOW_DELIVERY_QUEUE_NAME]) {
      expect(consumers.find((c) => c.queue === queue)?.max_batch_timeout, String(queue)).toBe(0);
    }
  });

  it('names the dead-letter queue, and every consumer is one of the three', () => {
    expect(consumers.map((c) => c.queue).sort()).toEqual(
      [vars.DEAD_LETTER_QUEUE_NAME, vars.DELIVERY_QUEUE_NAME, vars.SLOW_DELIVERY_QUEUE_NAME].sort(),
    );
    expect(new Set([vars.DEAD_LETTER_QUEUE_NAME, vars.DELIVERY_QUEUE_NAME, vars.SLOW_DELIVERY_QUEUE_NAME]).size).toBe(3);
  });

  it('reaches the Worker as configured', () => {
    expect(env.DELIVERY_QUEUE_NAME).toBe(vars.DELIVERY_QUEUE_NAME);
    expect(env.DEAD_LETTER_QUEUE_NAME).toBe(vars.DEAD_LETTER_QUEUE_NAME);
    expect(env.SLOW_DELIVERY_QUEUE_NAME).toBe(vars.SLOW_DELIVERY_QUEUE_NAME);
    expect(QUEUE).toBe(env.DELIVERY_QUEUE_NAME);
    expect(SLOW_QUEUE).toBe(env.SLOW_DELIVERY_QUEUE_NAME);
  });
});

describe('queue handler routing', () => {
  // Names that share nothing with the defaults, so no suffix or prefix rule could route them.
  const renamed = {
    ...env, DELIVERY_QUEUE_NAME: 'outbound-webhooks', SLOW_DELIVERY_QUEUE_NAME: 'outbound-webhooks-patient', DEAD_LETTER_QUEUE_NAME: 'poison-messages',
  };

  it.each([['delivery queue', 'outbound-webhooks'], ['slow lane', 'outbound-webhooks-patient']])(
    'sends a batch from the configured %s',
    async (_label, queue) => {
      const { id, bucket } = await pendingDelivery();
      const result = await runBatch([messageFor(id)], queue, renamed);
      expect(result.explicitAcks).toEqual(['msg-0']);
      expect(await row(id)).toMatchObject({ status: 'succeeded' });
      expect(await sinkRequests(bucket)).toHaveLength(1);
    },
  );

  it('closes dead letters from the configured dead-letter queue as failed, without sending', async () => {
    const { id, bucket } = await pendingDelivery();
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const result = await runBatch([messageFor(id)], 'poison-messages', renamed);
    expect(result.ackAll).toBe(true);
    expect(await row(id)).toMatchObject({ status: 'failed', last_error: expect.stringMatching(/dead-lettered/) });
    expect(await sinkRequests(bucket)).toEqual([]);
  });

  it.each([
    ['a queue configured nowhere', 'http-notifier-other', env],
    ['a "-dlq" queue that is not the configured one', 'outbound-webhooks-dlq', renamed],
    ['the default name once the vars name others', 'http-notifier-deliveries', renamed],
    ['any queue when the vars are missing', 'http-notifier-deliveries', { ...env, DELIVERY_QUEUE_NAME: undefined, SLOW_DELIVERY_QUEUE_NAME: undefined, DEAD_LETTER_QUEUE_NAME: undefined }],
  ])('throws, with a console error and nothing done, for %s', async (_label, queue, workerEnv) => {
    const { id, bucket } = await pendingDelivery();
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    await expect(runBatch([messageFor(id)], queue, workerEnv)).rejects.toThrow(`queue "${queue}" is none of DELIVERY_QUEUE_NAME`);
    expect(errors).toHaveBeenCalledTimes(1);
    expect(JSON.parse(String(errors.mock.calls[0]![0]))).toMatchObject({ msg: 'unknown queue', queue, messages: 1 });
    expect(await row(id)).toMatchObject({ status: 'pending', attempt_count: 0 });
    expect(await sinkRequests(bucket)).toEqual([]);
  });
});
