/**
 * Loop protection, layer by layer: the service's own hosts are never a target (saved or sent),
 * and a webhook of ours coming back to the events API is refused with nothing stored.
 */
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { attempts, deliver, row, runBatch, messageFor, seedDeliveries } from '../delivery/support';
import { call, createAccount, createAutomation, expectError, sinkUrl, unique, waitForSink, type TestAccount } from '../helpers';

const LOOP = /is this service's own: a webhook sent there would post to the service itself \(a loop\)/;

/** A valid event of the automation's own trigger: what a looping automation would post. */
const loopEvent = (id: string) => ({ id, type: 'inbound_call_ended', data: { call_id: 'CA-loop' } });

describe('layer 1: the service itself is never a target', () => {
  it.each([
    ['the origin the request came in on', 'http://notifier.test/v1/events'],
    ['that origin on another port and scheme', 'https://notifier.test:8443/v1/events/batch'],
    ['a name in SELF_HOSTNAMES', 'https://notifier.example.com/v1/events'],
  ])('refuses %s when an automation is created or changed', async (_what, url) => {
    const account = await createAccount();
    const created = expectError(await call('/v1/automations', {
      token: account.admin, body: { trigger: 'inbound_call_ended', url, body: '{"a":"{{call_id}}"}' },
    }), 422, 'validation_failed');
    expect(created.details).toEqual([{ path: 'url', message: expect.stringMatching(LOOP) }]);
    const automation = await createAutomation(account);
    const patched = expectError(await call(`/v1/automations/${automation.id}`, { method: 'PATCH', token: account.admin, body: { url } }), 422, 'validation_failed');
    expect(patched.details).toEqual([{ path: 'url', message: expect.stringMatching(LOOP) }]);
    expect((await call(`/v1/automations/${automation.id}`, { token: account.admin })).body.url).toBe(automation.url);
  });

  it('refuses the service itself as the operations webhook', async () => {
    const account = await createAccount();
    for (const url of ['http://notifier.test/v1/events', 'https://notifier.example.com./v1/events']) {
      const refused = expectError(await call('/v1/account/operations-webhook', { method: 'PUT', token: account.admin, body: { url } }), 422, 'validation_failed');
      expect(refused.details).toEqual([{ path: 'url', message: expect.stringMatching(LOOP) }]);
    }
    expect((await call('/v1/account/operations-webhook', { token: account.admin })).body.url).toBeNull();
  });

  it('checks again before every send: a target that became one of SELF_HOSTNAMES fails with no request', async () => {
    const account = await createAccount();
    const bucket = unique('self');
    await createAutomation(account, { url: sinkUrl(bucket) });
    const [id] = await seedDeliveries(account, { call_id: 'CA1' });
    // The same service, now told that the sink's host and port are its own.
    const sinkHost = new URL(env.SINK_URL).host;
    await runBatch([messageFor(id!)], undefined, { ...env, SELF_HOSTNAMES: `other.example.com, ${sinkHost}` });
    const failed = (await row(id!))!;
    expect(failed.status).toBe('failed');
    expect(failed.last_error).toMatch(LOOP);
    expect((await attempts(id!))[0]).toMatchObject({ status_code: null, error: expect.stringMatching(/^target refused: /) });
    expect(await (await fetch(`${env.SINK_URL}/requests/${bucket}`)).json()).toEqual([]);
  });
});

describe('layer 2: our webhooks carry a hop header, and the events API refuses them', () => {
  async function receivedWebhook(account: TestAccount) {
    const bucket = unique('hop');
    await createAutomation(account, { url: sinkUrl(bucket) });
    await deliver(await seedDeliveries(account, { call_id: 'CA1' }));
    return (await waitForSink(bucket, 1))[0]!;
  }

  it('every webhook says where it comes from', async () => {
    const account = await createAccount();
    const webhook = await receivedWebhook(account);
    expect(webhook.headers['webhook-origin']).toBe('http-notifier');
  });

  it('POST /v1/events answers 422 to an event arriving with it, and stores nothing', async () => {
    const account = await createAccount();
    const webhook = await receivedWebhook(account);
    const id = unique('evt');
    // What a webhook relayed to the events API brings along: its headers, with the events key added.
    const refused = expectError(await call('/v1/events', {
      token: account.events, headers: { 'webhook-origin': webhook.headers['webhook-origin']!, 'webhook-id': webhook.headers['webhook-id']! }, body: loopEvent(id),
    }), 422, 'validation_failed');
    expect(refused.details).toEqual([{ path: 'headers.webhook-origin', message: expect.stringMatching(/webhook sent by HTTP Notifier.*Nothing was stored/) }]);
    // Not stored: the same id posted without the header is new.
    const accepted = await call('/v1/events', { token: account.events, body: loopEvent(id) });
    expect(accepted.status).toBe(202);
    expect(accepted.body.duplicate).toBe(false);
  });

  it('POST /v1/events/batch refuses the whole batch, whatever the value, and stores nothing', async () => {
    const account = await createAccount();
    const ids = [unique('evt'), unique('evt')];
    const events = ids.map(loopEvent);
    const refused = expectError(await call('/v1/events/batch', { token: account.events, headers: { 'Webhook-Origin': 'another-notifier' }, body: { events } }), 422, 'validation_failed');
    expect(refused.details[0]!.path).toBe('headers.webhook-origin');
    const accepted = await call('/v1/events/batch', { token: account.events, body: { events } });
    expect(accepted.body.results.map((r: { status: string }) => r.status)).toEqual(['accepted', 'accepted']);
  });
});
