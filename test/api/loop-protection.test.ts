/**
 * Loop protection, layer by layer: the service's own hosts are never a target (saved or sent),
 * a webhook of ours coming back to the events API is refused with nothing stored, and an
 * automation whose webhooks come back as events of its own trigger by another way is turned off.
 */
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { pageHtml, signIn } from '../console/console-helpers';
import { attempts, deliver, row, runBatch, messageFor, seedDeliveries } from '../delivery/support';
import { call, createAccount, createAutomation, expectError, sinkRequests, sinkUrl, unique, waitForDelivery, waitForSink, type TestAccount } from '../helpers';

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

describe('layer 3: the circuit of an automation whose webhooks come back as events of its own trigger', () => {
  it('turns it off at the third echo within a minute, delivers that event to no one looping, and leaves other automations be', async () => {
    const account = await createAccount();
    const relay = unique('relay');
    const other = unique('other');
    // Its body is an event of its own trigger; its URL a relay that posts what it gets to the
    // events API without our headers (this test plays the relay).
    const looping = await createAutomation(account, {
      url: sinkUrl(relay), body: '{"type": "inbound_call_ended", "data": {"call_id": "{{call_id}}", "agent_id": "{{agent_id}}"}}',
    });
    const bystander = await createAutomation(account, { url: sinkUrl(other) });
    const first = await call('/v1/events', { token: account.events, body: { type: 'inbound_call_ended', data: { call_id: 'CA-loop', agent_id: 'AG1', duration: 5 } } });
    expect(first.body.deliveries).toBe(2);

    const posted: { deliveries: number }[] = [];
    for (let generation = 1; generation <= 3; generation++) {
      const [webhook] = (await waitForSink(relay, generation)).slice(-1);
      // The webhook's delivery is over (reported) before the relay posts it back.
      const [delivery] = (await call(`/v1/deliveries?automation_id=${looping.id}`, { token: account.admin })).body.data;
      await waitForDelivery(account, delivery.id, ['succeeded']);
      const echo = await call('/v1/events', { token: account.events, body: JSON.parse(webhook!.body) });
      expect(echo.status).toBe(202);
      posted.push(echo.body);
    }
    // Echoes one and two were delivered to both; the third opened the circuit: only the bystander got it.
    expect(posted.map((p) => p.deliveries)).toEqual([2, 2, 1]);
    const turnedOff = (await call(`/v1/automations/${looping.id}`, { token: account.admin })).body;
    expect(turnedOff).toMatchObject({ enabled: false, disabled_cause: { kind: 'loop', echoes: 3, event_id: expect.any(String) } });
    expect(turnedOff.disabled_reason).toMatch(/^Turned off automatically: on .* its webhooks were coming back as events of its own trigger \(3 within a minute/);
    const notices = (await call('/v1/account/notices', { token: account.admin })).body.data;
    expect(notices[0]).toMatchObject({ type: 'automation.disabled', automation_id: looping.id, details: { cause: { kind: 'loop' } } });
    // The console says why beside the task, and what to do.
    const settings = await pageHtml('/console', (await signIn(account.admin)).cookie);
    const row = new RegExp(`<tr data-automation-id="${looping.id}"[\\s\\S]*?</tr>`).exec(settings)![0];
    expect(row).toMatch(/its webhooks were coming back as events of its own trigger \(3 within a minute, the last event [^)]+\), so each delivery made another one without end\./);
    expect(row).toContain('Point it at an endpoint that does not post its webhooks back to HTTP Notifier, then turn it on again.');
    expect((await call(`/v1/automations/${bystander.id}`, { token: account.admin })).body.enabled).toBe(true);
    expect(await waitForSink(other, 4)).toHaveLength(4);
    expect(await sinkRequests(relay)).toHaveLength(3);
  });

  it('never counts an automation whose body is an event of its own trigger when nothing comes back', async () => {
    const account = await createAccount();
    const bucket = unique('quiet');
    const automation = await createAutomation(account, { url: sinkUrl(bucket), body: '{"type": "inbound_call_ended", "data": {"call_id": "{{call_id}}"}}' });
    for (let i = 0; i < 4; i++) {
      // Different calls, each event exactly the body its own webhook sends: that is never an echo.
      const posted = await call('/v1/events', { token: account.events, body: { type: 'inbound_call_ended', data: { call_id: `CA${i}` } } });
      expect(posted.body.deliveries).toBe(1);
      await waitForSink(bucket, i + 1);
    }
    expect((await call(`/v1/automations/${automation.id}`, { token: account.admin })).body.enabled).toBe(true);
  });
});
