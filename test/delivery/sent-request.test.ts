/**
 * "What was sent": each attempt keeps the request as it went out (URL, headers with the
 * signature, body), bounded, and GET /v1/deliveries/{id} shows it beside the response.
 */
import { describe, expect, it } from 'vitest';
import { boundedRequest, cutText, SENT_BODY_LIMIT } from '../../src/domain/sent-request';
import { call, createAccount, createAutomation, sinkRequests, sinkUrl, unique } from '../helpers';
import { deliver, messageFor, QUEUE, row, runBatch, seedDeliveries } from './support';

const PHONE = '+351961918192';
const BODY = '{"phone": "{{contact_phone_number}}", "call": "{{call_id}}", "note": "{{contact_email}}"}';

async function attemptsOf(account: { admin: string }, id: string) {
  const read = await call(`/v1/deliveries/${id}`, { token: account.admin });
  expect(read.status).toBe(200);
  return read.body.attempts as { status_code: number; request: { url: string; headers: Record<string, string>; body: string; body_truncated: boolean } | null }[];
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

  it('a body over 64 KiB is cut on a character boundary and flagged', async () => {
    const account = await createAccount();
    const bucket = unique('b');
    await createAutomation(account, { url: sinkUrl(bucket), body: BODY });
    // Two-byte characters, so that the cut falls inside one unless it is made on a boundary.
    const long = `x${'é'.repeat(40_000)}`;
    const [id] = await seedDeliveries(account, { call_id: 'CA43', contact_email: long });
    await deliver([id!]);
    const [received] = await sinkRequests(bucket);
    expect(received!.body).toContain(long);
    const request = (await attemptsOf(account, id!))[0]!.request!;
    expect(request.body_truncated).toBe(true);
    expect(new TextEncoder().encode(request.body).length).toBeLessThanOrEqual(SENT_BODY_LIMIT);
    expect(new TextEncoder().encode(request.body).length).toBeGreaterThan(SENT_BODY_LIMIT - 4);
    expect(received!.body.startsWith(request.body)).toBe(true);
    expect(request.body).not.toContain('\uFFFD');
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
