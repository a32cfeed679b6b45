/**
 * "What was sent": each attempt keeps the request as it went out (URL, headers with the
 * signature, body), bounded, and GET /v1/deliveries/{id} shows it beside the response.
 */
import { describe, expect, it } from 'vitest';
import { boundedRequest, cutText, SENT_BODY_LIMIT } from '../../src/domain/sent-request';
import { call, createAccount, createAutomation, sinkRequests, sinkUrl, unique, type SinkRequest, type TestAccount } from '../helpers';
import { deliver, inPlane, manualClock, messageFor, nextAttempt, QUEUE, row, runBatch, seedDeliveries } from './support';

const PHONE = '+351961918192';
const BODY = '{"phone": "{{contact_phone_number}}", "call": "{{call_id}}", "note": "{{contact_email}}"}';

type ShownAttempt = {
  attempt: number;
  status_code: number;
  response_body: string | null;
  request: { url: string; headers: Record<string, string>; body: string; body_truncated: boolean } | null;
};

async function attemptsOf(account: { admin: string }, id: string) {
  const read = await call(`/v1/deliveries/${id}`, { token: account.admin });
  expect(read.status).toBe(200);
  return read.body.attempts as ShownAttempt[];
}

/** Each attempt shows the request exactly as the sink received it (the n-th request, n-th attempt). */
function expectAsReceived(attempts: ShownAttempt[], received: SinkRequest[], url: string) {
  expect(attempts).toHaveLength(received.length);
  attempts.forEach((attempt, i) => {
    const request = attempt.request!;
    expect(request.url).toBe(url);
    expect(request.body).toBe(received[i]!.body);
    for (const [name, value] of Object.entries(request.headers)) expect(received[i]!.headers[name], name).toBe(value);
    // The sink echoes the body: the response is what it answered.
    expect(attempt.response_body).toBe(received[i]!.body);
  });
}

/** How each attempt's request is stored: 'body' (with its body) or the attempt whose body it repeats. */
async function storedForms(account: TestAccount, id: string): Promise<(string | number)[]> {
  const { unpackRequest } = await import('../../src/plane/store/packing');
  const { eventData } = await import('../../src/plane/store/events');
  return inPlane(account.id, (_i, sql) => {
    const { event_id } = sql.exec<{ event_id: string }>('SELECT event_id FROM deliveries WHERE id = ?', id).one();
    return sql
      .exec<{ started_at: number; request_packed: ArrayBuffer }>('SELECT started_at, request_packed FROM all_attempts WHERE delivery_id = ? ORDER BY attempt', id)
      .toArray()
      .map((a) => {
        const read = unpackRequest(a.request_packed, { deliveryId: id, startedAt: a.started_at, eventData: eventData(sql, event_id) ?? '' });
        return 'body' in read ? 'body' : read.sameBodyAs;
      });
  });
}

describe('the request an attempt sent', () => {
  it('is stored as the sink received it: URL, headers with the signature, body; never the secret or a redacted value', async () => {
    const account = await createAccount();
    const bucket = unique('b');
    const automation = await createAutomation(account, {
      url: sinkUrl(bucket), body: BODY, headers: { 'x-tenant': 'acme' }, redact: { contact_phone_number: 'hide' },
    });
    const [id] = await seedDeliveries(account, { call_id: 'CA42', contact_phone_number: PHONE, contact_email: 'a@b.c' });
    await deliver([id!]);
    const [received] = await sinkRequests(bucket);
    const [attempt] = await attemptsOf(account, id!);
    const request = attempt!.request!;
    expect(request.url).toBe(sinkUrl(bucket));
    expect(request.body).toBe(received!.body);
    expect(request.body_truncated).toBe(false);
    expect(request.headers['webhook-signature']).toMatch(/^v1,/);
    for (const [name, value] of Object.entries(request.headers)) expect(received!.headers[name], name).toBe(value);
    expect(Object.keys(request.headers)).toEqual(
      expect.arrayContaining(['content-type', 'user-agent', 'webhook-id', 'webhook-timestamp', 'webhook-signature', 'x-tenant']),
    );
    const text = JSON.stringify(attempt);
    expect(text).not.toContain(automation.signing_secret);
    expect(text).not.toContain(automation.signing_secret.replace(/^whsec_/, ''));
    expect(text).not.toContain(PHONE);
    expect(text).toContain('CA42');
  });

  it('a body over 64 KiB is cut on a character boundary and flagged; a retry keeps the cut body once', async () => {
    const account = await createAccount();
    const bucket = unique('b');
    await createAutomation(account, { url: sinkUrl(bucket, 'fail_first=1'), body: BODY });
    const clock = await manualClock(account.id);
    // Two-byte characters, so that the cut falls inside one unless it is made on a boundary.
    const long = `x${'é'.repeat(40_000)}`;
    const [id] = await seedDeliveries(account, { call_id: 'CA43', contact_email: long }, clock.now());
    await deliver([id!]);
    await nextAttempt(account.id, id!, clock);
    const received = await sinkRequests(bucket);
    expect(received).toHaveLength(2);
    expect(received[0]!.body).toContain(long);
    const attempts = await attemptsOf(account, id!);
    for (const { request } of attempts) {
      expect(request!.body_truncated).toBe(true);
      expect(new TextEncoder().encode(request!.body).length).toBeLessThanOrEqual(SENT_BODY_LIMIT);
      expect(new TextEncoder().encode(request!.body).length).toBeGreaterThan(SENT_BODY_LIMIT - 4);
      expect(received[0]!.body.startsWith(request!.body)).toBe(true);
      expect(request!.body).not.toContain('\uFFFD');
    }
    expect(attempts[1]!.request!.body).toBe(attempts[0]!.request!.body);
    expect(await storedForms(account, id!)).toEqual(['body', 1]);
  });

  it('a retried delivery shows each attempt as sent; the body they repeat is stored once', async () => {
    const account = await createAccount();
    const bucket = unique('b');
    await createAutomation(account, { url: sinkUrl(bucket, 'fail_first=2&echo=1'), body: BODY, headers: { 'x-tenant': 'acme' } });
    const clock = await manualClock(account.id);
    const [id] = await seedDeliveries(account, { call_id: 'CA45', contact_phone_number: PHONE, contact_email: 'a@b.c' }, clock.now());
    await deliver([id!]);
    await nextAttempt(account.id, id!, clock);
    expect(await nextAttempt(account.id, id!, clock)).toMatchObject({ status: 'succeeded', attempt_count: 3 });
    const received = await sinkRequests(bucket);
    const attempts = await attemptsOf(account, id!);
    expect(attempts.map((a) => a.status_code)).toEqual([503, 503, 200]);
    expectAsReceived(attempts, received, sinkUrl(bucket, 'fail_first=2&echo=1'));
    expect(await storedForms(account, id!)).toEqual(['body', 1, 1]);
  });

  it('a body that changed between attempts is stored again, and each attempt shows its own', async () => {
    const account = await createAccount();
    const bucket = unique('b');
    const url = sinkUrl(bucket, 'fail_first=2&echo=1');
    const automation = await createAutomation(account, { url, body: BODY });
    const clock = await manualClock(account.id);
    const [id] = await seedDeliveries(account, { call_id: 'CA46', contact_email: 'a@b.c' }, clock.now());
    await deliver([id!]);
    const changed = await call(`/v1/automations/${automation.id}`, { method: 'PATCH', token: account.admin, body: { body: '{"call": "{{call_id}}", "v": 2}' } });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    await nextAttempt(account.id, id!, clock);
    await nextAttempt(account.id, id!, clock);
    const received = await sinkRequests(bucket);
    expect(received.map((r) => r.body)).toEqual([
      '{"phone":"","call":"CA46","note":"a@b.c"}', '{"call":"CA46","v":2}', '{"call":"CA46","v":2}',
    ]);
    expectAsReceived(await attemptsOf(account, id!), received, url);
    expect(await storedForms(account, id!)).toEqual(['body', 'body', 2]);
  });

  it('text beyond ASCII reads back as sent, in the body and in the response', async () => {
    const account = await createAccount();
    const bucket = unique('b');
    const url = sinkUrl(bucket, 'echo=1');
    await createAutomation(account, { url, body: BODY });
    const values = { call_id: 'CA-é-😀', contact_phone_number: '+351 961 918 192', contact_email: 'zoë.ångström@例え.jp — “quoted” \u2028 𝔘' };
    const [id] = await seedDeliveries(account, values);
    await deliver([id!]);
    const received = await sinkRequests(bucket);
    expect(received[0]!.body).toContain('zoë.ångström@例え.jp');
    expectAsReceived(await attemptsOf(account, id!), received, url);
  });

  it('is null when nothing was sent (a refused target)', async () => {
    const account = await createAccount();
    // A loopback target, allowed where it was saved; the consumer here runs with loopback targets
    // refused (as in production), so its send-time check refuses it.
    await createAutomation(account, { body: BODY });
    const [id] = await seedDeliveries(account, { call_id: 'CA44' });
    const { env } = await import('cloudflare:workers');
    await runBatch([messageFor(id!)], QUEUE, { ...env, ALLOW_LOOPBACK_TARGETS: 'false' });
    expect(await row(id!)).toMatchObject({ status: 'failed', last_error: expect.stringMatching(/^target refused/) });
    const [attempt] = await attemptsOf(account, id!);
    expect(attempt?.request ?? null).toBeNull();
  });
});

describe('cutText', () => {
  it('keeps text within the limit whole, and cuts longer text to whole characters', () => {
    expect(cutText('abc', 3)).toEqual({ text: 'abc', truncated: false });
    expect(cutText('aé', 2)).toEqual({ text: 'a', truncated: true });
    expect(cutText('a😀b', 4)).toEqual({ text: 'a', truncated: true });
    expect(cutText('a😀b', 5)).toEqual({ text: 'a😀', truncated: true });
  });

  it('a body bounded twice (consumer, then account object) stays flagged as cut', () => {
    const once = boundedRequest({ method: 'POST', url: 'https://x.test', headers: {}, body: 'abcdef' }, 3);
    expect(boundedRequest(once, 3)).toMatchObject({ body: 'abc', bodyTruncated: true });
  });
});
