/** Helpers for driving the queue consumer directly, without the real queue. */
import { createExecutionContext, createMessageBatch, getQueueResult } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { ingestEvent } from '../../src/db/events';
import worker from '../../src/index';
import { unique, type TestAccount } from '../helpers';

export const QUEUE = 'http-notifier-deliveries';

/** Stores an event and its deliveries as ingestion does, but enqueues nothing. */
export async function seedDeliveries(account: TestAccount, data: Record<string, unknown> = {}, now = Date.now(), type = 'inbound_call_ended') {
  const result = await ingestEvent(env.DB, {
    accountId: account.id, eventId: unique('evt'), type, occurredAt: now, data: JSON.stringify(data), now,
  });
  return result.deliveryIds;
}

/**
 * Runs the Worker's queue handler on a batch and returns the ack/retry result. The test
 * runtime's result leaves out retry delays, so each message's retry() is wrapped to record them.
 */
export async function runBatch(bodies: unknown[], queue = QUEUE, workerEnv: Cloudflare.Env = env) {
  const batch = createMessageBatch(
    queue,
    bodies.map((body, i) => ({ id: `msg-${i}`, timestamp: new Date(), attempts: 1, body })),
  );
  const delays = new Map<string, number | undefined>();
  for (const message of batch.messages) {
    const retry = message.retry.bind(message);
    Object.defineProperty(message, 'retry', {
      value: (options?: QueueRetryOptions) => {
        delays.set(message.id, options?.delaySeconds);
        retry(options);
      },
    });
  }
  const ctx = createExecutionContext();
  await worker.queue(batch, workerEnv, ctx);
  const result = await getQueueResult(batch, ctx);
  return { ...result, retryMessages: result.retryMessages.map((m) => ({ msgId: m.msgId, delaySeconds: delays.get(m.msgId) })) };
}

export const deliver = (ids: string[]) => runBatch(ids.map((delivery_id) => ({ delivery_id })));

export async function row(id: string) {
  return env.DB.prepare('SELECT * FROM deliveries WHERE id = ?1').bind(id).first<{
    status: string; attempt_count: number; next_attempt_at: number | null; lease_until: number | null;
    last_status_code: number | null; last_error: string | null;
  }>();
}

export async function attempts(id: string) {
  const { results } = await env.DB.prepare('SELECT * FROM delivery_attempts WHERE delivery_id = ?1 ORDER BY attempt').bind(id).all<{
    attempt: number; status_code: number | null; error: string | null; response_body: string | null; duration_ms: number;
  }>();
  return results;
}

/** Makes a retrying delivery due now, as if its delay had passed. */
export async function makeDue(id: string) {
  await env.DB.prepare('UPDATE deliveries SET next_attempt_at = ?2 WHERE id = ?1').bind(id, Date.now()).run();
}
