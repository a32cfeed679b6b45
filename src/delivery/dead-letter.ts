/**
 * Messages land in the dead-letter queue only when the consumer kept failing on them
 * (its own retries are scheduled, never dead-lettered). Their deliveries are closed as
 * failed, so the log says what happened and the sweep stops picking them up.
 */
import { failOpenDeliveries } from '../db/deliveries';
import type { Env } from '../env';

export async function handleDeadLetters(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const ids = batch.messages
    .map((m) => (m.body as { delivery_id?: unknown } | null)?.delivery_id)
    .filter((id): id is string => typeof id === 'string');
  if (ids.length > 0) {
    const failed = await failOpenDeliveries(env.DB, ids, 'the delivery could not be processed (dead-lettered after repeated consumer errors)', Date.now());
    console.error(JSON.stringify({ msg: 'dead-lettered deliveries closed', received: ids.length, failed }));
  }
  batch.ackAll();
}
