/**
 * A delivery keeps the URL it was sent to (the log shows it, not the task's URL of today), and
 * an open delivery says why it waits, so the console offers only actions that can succeed.
 */
import { describe, expect, it } from 'vitest';
import { waitReason } from '../../src/domain/delivery-wait';
import { latestSentUrls } from '../../src/plane/store/delivery-log';
import { call, createAccount, createAutomation, sinkUrl, unique, type TestAccount } from '../helpers';
import { deliver, inPlane, manualClock, nextAttempt, seedDeliveries } from '../delivery/support';

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
      // And as v14 stores them: the URL once in sent_urls, the attempt naming it.
      sql.exec("INSERT INTO deliveries (id, automation_id, event_id, destination, status, attempt_count, opened_at, created_at, updated_at) VALUES ('dlv_u_v14', 'aut_1', 'evt_u', 'https://x.example', 'failed', 1, ?1, ?1, ?1)", at);
      const urlId = sql.exec<{ id: number }>("INSERT INTO sent_urls (url) VALUES ('https://v14.example/c') RETURNING id").one().id;
      sql.exec("INSERT INTO attempt_log (delivery_id, attempt, started_at, duration_ms, status_code, request_url_id) VALUES ('dlv_u_v14', 1, ?, 5, 500, ?)", at, urlId);
      expect(latestSentUrls(sql, ['dlv_u_old', 'dlv_u_both', 'dlv_u_none', 'dlv_u_v14', 'dlv_missing'])).toEqual({
        dlv_u_old: 'https://old.example/a', dlv_u_both: 'https://new.example/b', dlv_u_v14: 'https://v14.example/c',
      });
    });
  });

  it('shows an attempt stored before schema v14 (its URL as text) beside one stored after (its URL by id), through the API', async () => {
    const account = await createAccount();
    const url = sinkUrl(unique('sent-v14'), 'status=500');
    const automation = await createAutomation(account, { url });
    const clock = await manualClock(account.id);
    const [id] = await seedDeliveries(account, {}, clock.now());
    await deliver([id!]);
    // Attempt 1 as code before v14 stored it: the URL as text in its row (another URL, to tell them apart).
    const old = 'https://old.example/hooks/calls?v=13';
    await inPlane(account.id, (_i, sql) => {
      sql.exec('UPDATE attempt_log SET request_url = ?, request_url_id = NULL WHERE delivery_id = ? AND attempt = 1', old, id!);
    });
    await nextAttempt(account.id, id!, clock);
    const stored = await inPlane(account.id, (_i, sql) =>
      sql.exec('SELECT attempt, request_url, request_url_id IS NOT NULL AS by_id FROM attempt_log WHERE delivery_id = ? ORDER BY attempt', id!).toArray());
    expect(stored).toEqual([{ attempt: 1, request_url: old, by_id: 0 }, { attempt: 2, request_url: null, by_id: 1 }]);

    const one = await call(`/v1/deliveries/${id}`, { token: account.admin });
    expect(one.body.attempts.map((a: { request: { url: string } }) => a.request.url)).toEqual([old, url]);
    expect(one.body.attempts[1].request.headers['webhook-id']).toBe(id);
    expect(one.body.sent_url).toBe(url);
    const list = await call(`/v1/deliveries?automation_id=${automation.id}`, { token: account.admin });
    expect(list.body.data[0]).toMatchObject({ id, sent_url: url });
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
