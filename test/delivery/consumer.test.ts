import { env } from 'cloudflare:workers';
import { JITTER } from '../../src/domain/jitter';
import { describe, expect, it } from 'vitest';
import { call, createAccount, createAutomation, postEvent, sinkRequests, sinkUrl, unique, waitForDelivery } from '../helpers';
import { attempts, deliver, messageFor, plane, row, runBatch, seedDeliveries, SLOW_QUEUE } from './support';

/** An account, an automation sending to a fresh sink bucket, and one seeded delivery. */
async function setup(query = '', overrides: Record<string, unknown> = {}) {
  const account = await createAccount();
  const bucket = unique('b');
  const automation = await createAutomation(account, { url: sinkUrl(bucket, query), ...overrides });
  const [id] = await seedDeliveries(account, { call_id: 'C-1' });
  return { account, bucket, automation, id: id! };
}

describe('queue consumer: outcomes', () => {
  it('2xx: sends once, acks, records the attempt and succeeds', async () => {
    const { bucket, id } = await setup();
    const result = await deliver([id]);
    expect(result.explicitAcks).toEqual(['msg-0']);
    expect(result.retryMessages).toEqual([]);
    expect(await row(id)).toMatchObject({ status: 'succeeded', attempt_count: 1, last_status_code: 200, next_attempt_at: null, lease_until: null, dispatch_token: null });
    expect(await attempts(id)).toMatchObject([{ attempt: 1, status_code: 200, error: null, response_body: 'sink answered 200' }]);
    const requests = await sinkRequests(bucket);
    expect(requests).toHaveLength(1);
    expect(requests[0]!.headers['webhook-id']).toBe(id);
  });

  it('non-2xx: the account object retries on the schedule (1, 2, 3 s here) with the same webhook-id, then fails', async () => {
    const account = await createAccount();
    const bucket = unique('b');
    await createAutomation(account, { url: sinkUrl(bucket, 'status=500') });
    const posted = await postEvent(account, { type: 'inbound_call_ended', data: { call_id: 'C-retry' } });
    const [delivery] = (await call(`/v1/deliveries?event_id=${posted.body.event_id}`, { token: account.admin })).body.data;
    const final = await waitForDelivery(account, delivery.id, ['failed'], 25_000);
    expect(final).toMatchObject({ attempt_count: 4, last_status_code: 500, last_error: 'receiver answered 500', next_attempt_at: null });
    const log = final.attempts as { attempt: number; started_at: string }[];
    expect(log.map((a) => a.attempt)).toEqual([1, 2, 3, 4]);
    const gaps = log.slice(1).map((a, i) => Date.parse(a.started_at) - Date.parse(log[i]!.started_at));
    // Each delay is jittered by up to ±20 % around the schedule's.
    gaps.forEach((gap, i) => expect(gap, `gap before attempt ${i + 2}`).toBeGreaterThanOrEqual((i + 1) * 1000 * (1 - JITTER) - 50));
    const sent = await sinkRequests(bucket);
    expect(sent).toHaveLength(4);
    expect(new Set(sent.map((r) => r.headers['webhook-id']))).toEqual(new Set([delivery.id]));
  }, 30_000);

  it('honours Retry-After on 429 (seconds) and 503 (HTTP date), and pauses the destination until then', async () => {
    const seconds = await setup('status=429&retry_after=7');
    const before = Date.now();
    await deliver([seconds.id]);
    const retrying = await row(seconds.id);
    expect(retrying).toMatchObject({ status: 'retrying', last_status_code: 429 });
    expect(retrying!.next_attempt_at! - before).toBeGreaterThanOrEqual(7000);
    expect(retrying!.next_attempt_at! - before).toBeLessThan(9000);
    const read = await call(`/v1/automations/${seconds.automation.id}`, { token: seconds.account.admin });
    expect(read.body.destination).toMatchObject({ state: 'paused', reason: expect.stringMatching(/429 with Retry-After/) });
    expect(Date.parse(read.body.destination.until) - before).toBeGreaterThanOrEqual(7000);

    const date = new Date(Date.now() + 20_000).toUTCString();
    const dated = await setup(`status=503&retry_after=${encodeURIComponent(date)}`);
    await deliver([dated.id]);
    const wait = (await row(dated.id))!.next_attempt_at! - Date.now();
    expect(wait).toBeGreaterThanOrEqual(16_000);
    expect(wait).toBeLessThanOrEqual(21_000);
    // Retry-After on other statuses is not honoured: the schedule applies.
    const other = await setup('status=500&retry_after=99');
    const start = Date.now();
    await deliver([other.id]);
    expect((await row(other.id))!.next_attempt_at! - start).toBeLessThan(3000);
  });

  it('410 Gone: fails at once and turns the automation off, saying why', async () => {
    const { account, automation, id } = await setup('status=410');
    const result = await deliver([id]);
    expect(result.explicitAcks).toEqual(['msg-0']);
    expect(await row(id)).toMatchObject({ status: 'failed', attempt_count: 1, last_status_code: 410 });
    const read = await call(`/v1/automations/${automation.id}`, { token: account.admin });
    expect(read.body.enabled).toBe(false);
    expect(read.body.disabled_reason).toMatch(new RegExp(`answered 410 Gone, which means the address no longer exists.*\\(delivery ${id}\\)$`));
    expect(read.body.disabled_cause).toEqual({ kind: 'gone', at: expect.any(String), delivery_id: id });
  });

  it('redirects are not followed: a 3xx is a failed attempt', async () => {
    const target = unique('b');
    const { bucket, id } = await setup(`status=302&location=${encodeURIComponent(sinkUrl(target))}`);
    await deliver([id]);
    expect(await row(id)).toMatchObject({ status: 'retrying', last_status_code: 302, last_error: expect.stringMatching(/redirects are not followed/) });
    expect(await sinkRequests(bucket)).toHaveLength(1);
    expect(await sinkRequests(target)).toEqual([]);
  });

  it('a timeout is a failed attempt (DELIVERY_TIMEOUT_MS is 1.5 s here)', async () => {
    const { id } = await setup('delay_ms=4000');
    // In the slow lane, where a destination never heard from travels: the fast lane would stop
    // the send at its budget instead (test/delivery/fast-lane-budget.test.ts).
    await runBatch([messageFor(id)], SLOW_QUEUE);
    expect(await row(id)).toMatchObject({ status: 'retrying', last_status_code: null, last_error: 'timed out after 1500 ms' });
    const [attempt] = await attempts(id);
    expect(attempt!.duration_ms).toBeGreaterThanOrEqual(1400);
  });

  it('a network error is a failed attempt', async () => {
    // A loopback port nothing listens on (the sink's port + 1 is very unlikely to be taken).
    const port = Number(new URL(env.SINK_URL).port) + 1;
    const account = await createAccount();
    await createAutomation(account, { url: `http://127.0.0.1:${port}/x` });
    const [id] = await seedDeliveries(account);
    await deliver([id!]);
    const current = await row(id!);
    expect(current!.status).toBe('retrying');
    expect(current!.last_error).toMatch(/^network error/);
  });

  // Answers with a declared Content-Length under 1 KiB are read in one step; the rest chunk by chunk.
  const framings = [['chunked', ''], ['with Content-Length', '&length=1']] as const;

  it.each(framings)('keeps only the first 1 KiB of the response body (%s)', async (_framing, length) => {
    const { id } = await setup(`body_size=5000${length}`);
    await deliver([id]);
    expect((await attempts(id))[0]!.response_body).toBe('x'.repeat(1024));
  });

  it.each(framings)('keeps a short response body whole, multi-byte characters included (%s)', async (_framing, length) => {
    const { id } = await setup(`body_size=1000&body_tail=${encodeURIComponent('€😀é')}${length}`);
    await deliver([id]);
    expect((await attempts(id))[0]!.response_body).toBe('x'.repeat(1000) + '€😀é');
  });

  // The cut is at byte 1024; a character it would split is left out whole, never turned into U+FFFD.
  it.each(framings.flatMap(([framing, length]) => [
    [`a 3-byte € split after 2 bytes, ${framing}`, 1022, '€€', 'x'.repeat(1022), length],
    [`a 4-byte emoji split after 3 bytes, ${framing}`, 1021, '😀', 'x'.repeat(1021), length],
    [`a 2-byte é split after 1 byte, ${framing}`, 1023, 'éé', 'x'.repeat(1023), length],
    [`a € ending exactly at byte 1024, ${framing}`, 1021, '€€', 'x'.repeat(1021) + '€', length],
    [`a € ending exactly at byte 1024 with nothing after it, ${framing}`, 1021, '€', 'x'.repeat(1021) + '€', length],
  ]))('cuts the response body on a character boundary: %s', async (_label, size, tail, expected, length) => {
    const { id } = await setup(`body_size=${size}&body_tail=${encodeURIComponent(tail)}${length}`);
    await deliver([id]);
    const body = (await attempts(id))[0]!.response_body!;
    expect(body).toBe(expected);
    expect(body).not.toContain('\uFFFD');
  });
});

describe('queue consumer: cancellation and safety', () => {
  it('an automation turned off before its delivery runs → cancelled at once, nothing sent', async () => {
    const { account, automation, bucket, id } = await setup();
    await call(`/v1/automations/${automation.id}`, { method: 'PATCH', token: account.admin, body: { enabled: false } });
    // The account object cancels waiting deliveries as soon as the API tells it of the change.
    expect(await row(id)).toMatchObject({ status: 'cancelled', attempt_count: 0, last_error: expect.stringMatching(/turned off/) });
    // The message already in the queue is then dropped.
    expect((await deliver([id])).explicitAcks).toEqual(['msg-0']);
    expect(await sinkRequests(bucket)).toEqual([]);
  });

  it('a deleted automation → cancelled', async () => {
    const { account, automation, bucket, id } = await setup();
    await call(`/v1/automations/${automation.id}`, { method: 'DELETE', token: account.admin });
    await deliver([id]);
    expect(await row(id)).toMatchObject({ status: 'cancelled', last_error: expect.stringMatching(/deleted/) });
    expect(await sinkRequests(bucket)).toEqual([]);
  });

  it('an account whose integration was switched off → cancelled', async () => {
    const { account, bucket, id } = await setup();
    await call(`/v1/accounts/${account.id}/http-notifier`, { method: 'PUT', token: 'test-operator-token', body: { enabled: false } });
    await deliver([id]);
    expect(await row(id)).toMatchObject({ status: 'cancelled', last_error: expect.stringMatching(/turned off for the account/) });
    expect(await sinkRequests(bucket)).toEqual([]);
  });

  it('checks the target again before sending: a stored private URL is refused without a request', async () => {
    for (const url of ['http://10.1.2.3/hook', 'http://169.254.169.254/latest/meta-data/', 'http://[::ffff:192.168.0.1]/']) {
      const { account, automation, id } = await setup();
      // Written behind the API's back (as a bug or an old row might), then announced to the account object.
      await env.DB.prepare('UPDATE automations SET url = ?2 WHERE id = ?1').bind(automation.id, url).run();
      await plane(account.id).automationsChanged(account.id);
      expect((await deliver([id])).explicitAcks).toEqual(['msg-0']);
      expect(await row(id)).toMatchObject({ status: 'failed', last_error: expect.stringMatching(/^target refused: host .* (private|link-local)/) });
      expect(await attempts(id)).toMatchObject([{ status_code: null, error: expect.stringMatching(/^target refused/) }]);
    }
  });

  it('duplicate messages for one delivery send it once', async () => {
    const { bucket, id } = await setup();
    const result = await deliver([id, id, id]);
    expect(result.explicitAcks.sort()).toEqual(['msg-0', 'msg-1', 'msg-2']);
    expect(await sinkRequests(bucket)).toHaveLength(1);
    // A late copy of a finished delivery is dropped without sending.
    expect((await deliver([id])).explicitAcks).toEqual(['msg-0']);
    expect(await sinkRequests(bucket)).toHaveLength(1);
  });

  it('a message with a superseded token, or for a delivery a consumer holds, is dropped', async () => {
    const { account, bucket, id } = await setup();
    const stale = await runBatch([{ ...messageFor(id), token: 'an-older-dispatch' }]);
    expect(stale.explicitAcks).toEqual(['msg-0']);
    await plane(account.id).claim(account.id, [{ id, token: messageFor(id).token }]);
    expect((await row(id))!.lease_until).toBeGreaterThan(Date.now());
    expect((await deliver([id])).explicitAcks).toEqual(['msg-0']);
    expect(await sinkRequests(bucket)).toEqual([]);
    expect(await row(id)).toMatchObject({ status: 'pending', attempt_count: 1 });
  });

  it('a body over MAX_BODY_BYTES fails at once, unsent, and the rest of the batch is delivered', async () => {
    const account = await createAccount();
    const [big, small] = [unique('b'), unique('b')];
    // Within the 64 KiB template limit; with a 150 KB value it would render to 450 MB.
    const bigAutomation = await createAutomation(account, { url: sinkUrl(big), body: `{"a": "${'{{call_id}}'.repeat(3_000)}"}` });
    await createAutomation(account, { url: sinkUrl(small), body: '{"agent": "{{agent_id}}"}' });
    const oversized = await seedDeliveries(account, { call_id: 'x'.repeat(150_000), agent_id: 'A-1' });
    const normal = await seedDeliveries(account, { call_id: 'C-2', agent_id: 'A-2' });
    const result = await deliver([...oversized, ...normal]);
    expect(result.explicitAcks).toHaveLength(4);
    expect(result.retryMessages).toEqual([]);
    const automationOf = async (id: string) => (await row(id))!.automation_id;
    for (const id of oversized) {
      if ((await automationOf(id)) !== bigAutomation.id) continue;
      const reason = /^the rendered body would be larger than 1 MiB \(MAX_BODY_BYTES\)/;
      expect(await row(id)).toMatchObject({ status: 'failed', attempt_count: 1, next_attempt_at: null, last_error: expect.stringMatching(reason) });
      expect(await attempts(id)).toMatchObject([{ attempt: 1, status_code: null, error: expect.stringMatching(reason) }]);
    }
    // The big template with a short value, and both deliveries of the other automation, were sent.
    expect((await sinkRequests(big)).map((request) => JSON.parse(request.body).a)).toEqual(['C-2'.repeat(3_000)]);
    expect((await sinkRequests(small)).map((request) => JSON.parse(request.body).agent).sort()).toEqual(['A-1', 'A-2']);
  });

  it('malformed messages and unknown deliveries are acked and dropped', async () => {
    const account = await createAccount();
    const result = await runBatch([
      null, 'text', { delivery_id: 42 }, { delivery_id: 'dlv_x', token: 't' },
      { account_id: account.id, delivery_id: 'dlv_missing', token: 't' },
    ]);
    expect(result.explicitAcks.sort()).toEqual(['msg-0', 'msg-1', 'msg-2', 'msg-3', 'msg-4']);
  });

  it('sends a batch with at most 6 requests in flight, acking each message once its account has the outcome', async () => {
    const account = await createAccount();
    const slow = unique('b');
    const failing = unique('b');
    await createAutomation(account, { url: sinkUrl(slow, 'delay_ms=300') });
    await createAutomation(account, { url: sinkUrl(failing, 'status=400') });
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push(...(await seedDeliveries(account)));
    expect(ids).toHaveLength(12);
    const result = await deliver(ids);
    expect(result.explicitAcks).toHaveLength(12);
    const slowRequests = await sinkRequests(slow);
    expect(slowRequests).toHaveLength(6);
    const peak = Math.max(...slowRequests.map((r) => r.concurrent));
    expect(peak).toBeGreaterThan(1);
    expect(peak).toBeLessThanOrEqual(6);
    const outcomes = await Promise.all(ids.map((id) => row(id)));
    expect(outcomes.filter((r) => r!.status === 'succeeded')).toHaveLength(6);
    expect(outcomes.filter((r) => r!.status === 'retrying')).toHaveLength(6);
  });
});

describe('dead-letter queue', () => {
  it('closes still-open deliveries as failed', async () => {
    const { id } = await setup();
    const result = await runBatch([messageFor(id)], 'http-notifier-deliveries-dlq');
    expect(result.ackAll).toBe(true);
    expect(await row(id)).toMatchObject({ status: 'failed', last_error: expect.stringMatching(/dead-lettered/) });
  });
});
