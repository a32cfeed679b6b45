/**
 * Notices: what the account is told about its automations' trouble (failing, turned off) and
 * about single deliveries (every attempt failed; succeeded after failures, which closes the
 * delivery's earlier "every attempt failed" notices). Each is kept for
 * the console and, when the account has an operations webhook, sent to it as a signed webhook
 * of its own (a delivery of the `ops_<account>` stand-in, with the usual gates and retries).
 */
import { newDeliveryId, newId } from '../crypto/ids';
import { noticeDetails, noticeText } from '../domain/causes';
import type { NoticeDraft } from '../domain/delivery-effects';
import { operationsId, type AccountConfig } from './account-config';
import { insertDelivery } from './store/deliveries';
import { insertEvent } from './store/events';
import { closeNotices, insertNotice } from './store/notices';

/** Records the notice and queues its operations webhook; returns whether a delivery was made. */
export function recordNotice(sql: SqlStorage, config: AccountConfig, accountId: string, partition: number, notice: NoticeDraft, now: number): boolean {
  const id = newId('evt', now);
  insertNotice(sql, { id, automation_id: notice.automationId, delivery_id: notice.deliveryId, data: notice.data, created_at: now });
  if (notice.data.type === 'delivery.recovered' && notice.data.closes?.length) closeNotices(sql, notice.data.closes, id, now);
  const operations = config.automations.get(operationsId(accountId));
  if (!operations) return false;
  // The Standard Webhooks payload shape: type, timestamp, data. `details` is what the message
  // says, as data, so that a receiver acts on it without parsing the words.
  const payload = {
    type: notice.data.type,
    timestamp: new Date(now).toISOString(),
    data: {
      account_id: accountId, notice_id: id, automation_id: notice.automationId, delivery_id: notice.deliveryId,
      message: noticeText(notice.data), details: noticeDetails(notice.data),
    },
  };
  insertEvent(sql, { id, type: notice.data.type, occurredAt: now, data: JSON.stringify(payload), isTest: false, receivedAt: now });
  insertDelivery(sql, { id: newDeliveryId(now, partition), automationId: operations.id, eventId: id, destination: operations.destination, isTest: false, now });
  return true;
}
