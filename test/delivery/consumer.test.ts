import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { call, createAccount, createAutomation, sinkRequests, sinkUrl, unique } from '../helpers';
import { attempts, deliver, makeDue, row, runBatch, seedDeliveries } from './support';

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
    expect(await row(id)).toMatchObject({ status: 'succeeded', attempt_count: 1, last_status_code: 200, next_attempt_at: null, lease_until: null });
    expect(await attempts(id)).toMatchObject([{ attempt: 1, status_code: 200, error: null, response_body: 'sink answered 200' }]);
    const requests = await sinkRequests(bucket);
    expect(requests).toHaveLength(1);
    expect(requests[0]!.headers['webhook-id']).toBe(id);
  });

  it('non-2xx: retries on the schedule (1, 2, 3 s here) with the same webhook-id, then fails', async () => {
    const { bucket, id } = await setup('status=500');
    for (const [attempt, delay] of [[1, 1], [2, 2], [3, 3]] as const) {
      const before = Date.now();
      const result = await deliver([id]);
      expect(result.retryMessages).toEqual([{ msgId: 'msg-0', delaySeconds: delay }]);
      const current = await row(id);
      expect(current).toMatchObject({ status: 'retrying', attempt_count: attempt, last_status_code: 500, last_error: 'receiver answered 500' });
      expect(current!.next_attempt_at! - before).toBeGreaterThanOrEqual(delay * 1000);
      expect(current!.next_attempt_at! - before).toBeLessThan(delay * 1000 + 5000);
      await makeDue(id);
    }
    const last = await deliver([id]);
    expect(last.explicitAcks).toEqual(['msg-0']);
    expect(await row(id)).toMatchObject({ status: 'failed', attempt_count: 4, next_attempt_at: null });
    const sent = await sinkRequests(bucket);
    expect(sent).toHaveLength(4);
    expect(new Set(sent.map((r) => r.headers['webhook-id']))).toEqual(new Set([id]));
    expect((await attempts(id)).map((a) => a.attempt)).toEqual([1, 2, 3, 4]);
  });

  it('honours Retry-After on 429 (seconds) and 503 (HTTP date)', async () => {
    const seconds = await setup('status=429&retry_after=7');
    expect((await deliver([seconds.id])).retryMessages).toEqual([{ msgId: 'msg-0', delaySeconds: 7 }]);
    const date = new Date(Date.now() + 20_000).toUTCString();
    const dated = await setup(`status=503&retry_after=${encodeURIComponent(date)}`);
    const [retry] = (await deliver([dated.id])).retryMessages;
    expect(retry!.delaySeconds).toBeGreaterThanOrEqual(17);
    expect(retry!.delaySeconds).toBeLessThanOrEqual(20);
    // Retry-After on other statuses is not honoured: the schedule applies.
    const other = await setup('status=500&retry_after=99');
    expect((await deliver([other.id])).retryMessages).toEqual([{ msgId: 'msg-0', delaySeconds: 1 }]);
  });

  it('410 Gone: fails at once and turns the automation off, saying why', async () => {
    const { account, automation, id } = await setup('status=410');
    const result = await deliver([id]);
    expect(result.explicitAcks).toEqual(['msg-0']);
    expect(await row(id)).toMatchObject({ status: 'failed', attempt_count: 1, last_status_code: 410 });
    const read = await call(`/v1/automations/${automation.id}`, { token: account.admin });
    expect(read.body.enabled).toBe(false);
    expect(read.body.disabled_reason).toMatch(/410 Gone/);
  });

  it('redirects are not followed: a 3xx is a failed attempt', async () => {
    const target = unique('b');
    const { bucket, id } = await setup(`status=302&location=${encodeURIComponent(sinkUrl(target))}`);
    const result = await deliver([id]);
    expect(result.retryMessages).toHaveLength(1);
    expect(await row(id)).toMatchObject({ status: 'retrying', last_status_code: 302, last_error: expect.stringMatching(/redirects are not followed/) });
    expect(await sinkRequests(bucket)).toHaveLength(1);
    expect(await sinkRequests(target)).toEqual([]);
  });

  it('a timeout is a failed attempt (DELIVERY_TIMEOUT_MS is 1.5 s here)', async () => {
    const { id } = await setup('delay_ms=4000');
    const result = await deliver([id]);
    expect(result.retryMessages).toHaveLength(1);
    expect(await row(id)).toMatchObject({ status: 'retrying', last_status_code: null, last_error: 'timed out after 1500 ms' });
    const [attempt] = await attempts(id);
    expect(attempt!.duration_ms).toBeGreaterThanOrEqual(1400);
  });

  it('a network error is a failed attempt', async () => {
    // A loopback port nothing listens on (the sink's port + 1 is very unlikely to be taken; checked below).
    const port = Number(new URL(env.SINK_URL).port) + 1;
    const account = await createAccount();
    await createAutomation(account, { url: `http://127.0.0.1:${port}/x` });
    const [id] = await seedDeliveries(account);
    await deliver([id!]);
    const current = await row(id!);
    expect(current!.status).toBe('retrying');
    expect(current!.last_error).toMatch(/^network error/);
  });

  it('keeps only the first 1 KiB of the response body', async () => {
    const { id } = await setup('body_size=5000');
    await deliver([id]);
    expect((await attempts(id))[0]!.response_body).toBe('x'.repeat(1024));
  });
});

describe('queue consumer: cancellation and safety', () => {
  it('an automation turned off before its delivery runs → cancelled, nothing sent', async () => {
    const { account, automation, bucket, id } = await setup();
    await call(`/v1/automations/${automation.id}`, { method: 'PATCH', token: account.admin, body: { enabled: false } });
    expect((await deliver([id])).explicitAcks).toEqual(['msg-0']);
    expect(await row(id)).toMatchObject({ status: 'cancelled', attempt_count: 0, last_error: expect.stringMatching(/turned off/) });
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
      const { automation, id } = await setup();
      await env.DB.prepare('UPDATE automations SET url = ?2 WHERE id = ?1').bind(automation.id, url).run();
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

  it('an early copy waits until the delivery is due; a leased delivery is left to its holder', async () => {
    const { bucket, id } = await setup('status=500');
    await deliver([id]);
    await env.DB.prepare('UPDATE deliveries SET next_attempt_at = ?2 WHERE id = ?1').bind(id, Date.now() + 60_000).run();
    const early = await deliver([id]);
    expect(early.retryMessages).toHaveLength(1);
    expect(early.retryMessages[0]!.delaySeconds).toBeGreaterThanOrEqual(59);
    await env.DB.prepare('UPDATE deliveries SET next_attempt_at = ?2, lease_until = ?3 WHERE id = ?1').bind(id, Date.now(), Date.now() + 60_000).run();
    expect((await deliver([id])).explicitAcks).toEqual(['msg-0']);
    expect(await sinkRequests(bucket)).toHaveLength(1);
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
    const automationOf = async (id: string) =>
      (await env.DB.prepare('SELECT automation_id FROM deliveries WHERE id = ?1').bind(id).first<{ automation_id: string }>())!.automation_id;
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
    const result = await runBatch([null, 'text', { delivery_id: 42 }, { delivery_id: 'dlv_missing' }]);
    expect(result.explicitAcks.sort()).toEqual(['msg-0', 'msg-1', 'msg-2', 'msg-3']);
  });

  it('sends a batch with at most 6 requests in flight, acking or retrying each message on its own', async () => {
    const account = await createAccount();
    const slow = unique('b');
    const failing = unique('b');
    await createAutomation(account, { url: sinkUrl(slow, 'delay_ms=300') });
    await createAutomation(account, { url: sinkUrl(failing, 'status=503') });
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push(...(await seedDeliveries(account)));
    expect(ids).toHaveLength(12);
    const result = await deliver(ids);
    expect(result.explicitAcks).toHaveLength(6);
    expect(result.retryMessages).toHaveLength(6);
    const slowRequests = await sinkRequests(slow);
    expect(slowRequests).toHaveLength(6);
    const peak = Math.max(...slowRequests.map((r) => r.concurrent));
    expect(peak).toBeGreaterThan(1);
    expect(peak).toBeLessThanOrEqual(6);
  });
});

describe('dead-letter queue', () => {
  it('closes still-open deliveries as failed', async () => {
    const { id } = await setup();
    const result = await runBatch([{ delivery_id: id }], 'http-notifier-deliveries-dlq');
    expect(result.ackAll).toBe(true);
    expect(await row(id)).toMatchObject({ status: 'failed', last_error: expect.stringMatching(/dead-lettered/) });
  });
});
