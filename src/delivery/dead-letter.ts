/**
 * Messages land in the dead-letter queue only when the consumer kept failing on them (a
 * claim or report that its account object would not take). Their deliveries are closed as
 * failed in their account objects, so the log says what happened and nothing re-sends them.
 */
import type { Env } from '../env';
import { logEvent } from '../observability/log';
import { partitionOfDeliveryId } from '../crypto/ids';
import { parsePlaneKey, planeFor, planeKey } from '../plane/client';

export async function handleDeadLetters(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const byAccount = new Map<string, string[]>();
  for (const message of batch.messages) {
    const body = message.body as { account_id?: unknown; delivery_id?: unknown } | null;
    if (typeof body?.account_id !== 'string' || typeof body.delivery_id !== 'string') continue;
    // By account object: the delivery's id names its partition.
    const key = planeKey(body.account_id, partitionOfDeliveryId(body.delivery_id));
    byAccount.set(key, [...(byAccount.get(key) ?? []), body.delivery_id]);
  }
  for (const [key, ids] of byAccount) {
    // A failure here throws: the dead-letter queue retries the batch rather than losing it.
    const failed = await planeFor(env, key).deadLettered(key, ids);
    const { accountId, partition } = parsePlaneKey(key);
    logEvent('dead-lettered deliveries closed', { account_id: accountId, partition, received: ids.length, failed }, 'error');
  }
  batch.ackAll();
}
