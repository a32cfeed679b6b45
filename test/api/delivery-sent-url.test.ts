/**
 * A delivery keeps the URL it was sent to (the log shows it, not the task's URL of today), and
 * an open delivery says why it waits, so the console offers only actions that can succeed.
 */
import { describe, expect, it } from 'vitest';
import { waitReason } from '../../src/domain/delivery-wait';
import { latestSentUrls } from '../../src/plane/store/delivery-log';
import { call, createAccount, createAutomation, sinkUrl, unique, type TestAccount } from '../helpers';
import { deliver, inPlane, seedDeliveries } from '../delivery/support';

async function delivery(account: TestAccount, id: string) {
  const result = await call(`/v1/deliveries/${id}`, { token: account.admin });
  expect(result.status).toBe(200);
  return result.body as { status: string; waiting: string | null; sent_url: string | null; next_attempt_at: string | null };
}

describe('a delivery keeps the URL it was sent to', () => {
  it('shows where each attempt went, not where the task points now', async () => {
    const account = await createAccount();
    const first = sinkUrl(unique('sent-a'), 'status=500');
    const automation = await createAutomation(account, { url: first });
    const [id] = await seedDeliveries(account);
    expect(await delivery(account, id!)).toMatchObject({ status: 'pending', waiting: 'queued', sent_url: null });

    await deliver([id!]);
    const failed = await delivery(account, id!);
    expect(failed).toMatchObject({ status: 'retrying', waiting: 'retry', sent_url: first });
    expect(failed.next_attempt_at).not.toBeNull();

    // The task moves: the delivery still says where it was sent; the list says the same.
    const moved = sinkUrl(unique('sent-b'));
    expect((await call(`/v1/automations/${automation.id}`, { method: 'PATCH', token: account.admin, body: { url: moved } })).status).toBe(200);
    expect((await delivery(account, id!)).sent_url).toBe(first);
    const list = await call(`/v1/deliveries?automation_id=${automation.id}`, { token: account.admin });
    expect(list.body.data[0]).toMatchObject({ id, sent_url: first, waiting: 'retry' });
  });

  it('reads it from the newest attempt that sent a request, in the attempts table of older code or the current one', async () => {
    const account = await createAccount();
    await inPlane(account.id, (_instance, sql) => {
      const at = Date.parse('2030-01-09T11:00:00.000Z');
      sql.exec("INSERT INTO events (id, type, occurred_at, data, received_at) VALUES ('evt_u', 'inbound_call_ended', ?1, '{}', ?1)", at);
      for (const id of ['dlv_u_old', 'dlv_u_both', 'dlv_u_none']) {
        sql.exec(`INSERT INTO deliveries (id, automation_id, event_id, destination, status, attempt_count, opened_at, created_at, updated_at)
                  VALUES (?2, 'aut_1', 'evt_u', 'https://x.example', 'failed', 2, ?1, ?1, ?1)`, at, id);
      }
      // Attempts as code before v9 stored them, and as it stores them now; one stopped before sending (no URL).
      sql.exec(`INSERT INTO attempts (delivery_id, attempt, started_at, duration_ms, status_code, request_url)
                VALUES ('dlv_u_old', 1, ?1, 5, 500, 'https://old.example/a'), ('dlv_u_both', 1, ?1, 5, 500, 'https://old.example/b')`, at);
      sql.exec(`INSERT INTO attempt_log (delivery_id, attempt, started_at, duration_ms, status_code, request_url)
                VALUES ('dlv_u_both', 2, ?1, 5, 500, 'https://new.example/b'), ('dlv_u_both', 3, ?1, 5, NULL, NULL),
                       ('dlv_u_none', 1, ?1, 5, NULL, NULL)`, at);
      expect(latestSentUrls(sql, ['dlv_u_old', 'dlv_u_both', 'dlv_u_none', 'dlv_missing'])).toEqual({
        dlv_u_old: 'https://old.example/a', dlv_u_both: 'https://new.example/b',
      });
    });
  });

  it('documents both fields in the OpenAPI document', async () => {
    const doc = (await call('/openapi.json')).body;
    const properties = doc.components.schemas.Delivery.properties;
    expect(properties.sent_url).toBeDefined();
    expect(properties.waiting.enum).toEqual(['sending', 'queued', 'ordering', 'retry', 'scheduled', null]);
  });
});

describe('why an open delivery waits', () => {
  const open = { status: 'pending' as const, attemptCount: 0, leaseUntil: null, dispatchToken: null, waitingFor: null };
  it('reads it from the scheduling columns, most immediate first; finished deliveries wait for nothing', () => {
    expect(waitReason(open)).toBe('scheduled');
    expect(waitReason({ ...open, waitingFor: 'dlv_1' })).toBe('ordering');
    expect(waitReason({ ...open, status: 'retrying', attemptCount: 1 })).toBe('retry');
    expect(waitReason({ ...open, dispatchToken: 't', waitingFor: 'dlv_1' })).toBe('queued');
    expect(waitReason({ ...open, dispatchToken: 't', leaseUntil: 1 })).toBe('sending');
    for (const status of ['succeeded', 'failed', 'cancelled'] as const) expect(waitReason({ ...open, status, leaseUntil: 1 })).toBeNull();
  });
});
