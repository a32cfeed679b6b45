/**
 * Messages land in the dead-letter queue only when the consumer kept failing on them (a
 * claim or report that its account object would not take). Their deliveries are closed as
 * failed in their account objects, so the log says what happened and nothing re-sends them.
 */
import type { Env } from '../env';
import { logEvent } from '../observability/log';
import { planeFor } from '../plane/client';

export async function handleDeadLetters(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const byAccount = new Map<string, string[]>();
  for (const message of batch.messages) {
    const body = message.body as { account_id?: unknown; delivery_id?: unknown } | null;
    if (typeof body?.account_id !== 'string' || typeof body.delivery_id !== 'string') continue;
    byAccount.set(body.account_id, [...(byAccount.get(body.account_id) ?? []), body.delivery_id]);
  }
  for (const [account, ids] of byAccount) {
    // A failure here throws: the dead-letter queue retries the batch rather than losing it.
    const failed = await planeFor(env, account).deadLettered(account, ids);
    logEvent('dead-lettered deliveries closed', { account_id: account, received: ids.length, failed }, 'error');
  }
  batch.ackAll();
}
