import type { DeliveryMessage } from '../env';

/** Queues accept at most 100 messages per sendBatch. */
const SEND_BATCH_LIMIT = 100;

/**
 * Enqueues deliveries (ids only). A failure is logged, not thrown: the rows are already in
 * D1 as due, and the cron sweep enqueues anything the queue never got.
 */
export async function enqueueDeliveries(queue: Queue<DeliveryMessage>, ids: readonly string[]): Promise<boolean> {
  let ok = true;
  for (let i = 0; i < ids.length; i += SEND_BATCH_LIMIT) {
    const chunk = ids.slice(i, i + SEND_BATCH_LIMIT);
    try {
      await queue.sendBatch(chunk.map((id) => ({ body: { delivery_id: id } })));
    } catch (error) {
      ok = false;
      console.error(JSON.stringify({ msg: 'enqueue failed; the sweep will retry', count: chunk.length, error: String(error) }));
    }
  }
  return ok;
}
