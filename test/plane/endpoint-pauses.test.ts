/**
 * A pause follows the failure: an HTTP answer pauses the endpoint (origin and path), a network
 * error the origin; an administrator resumes either; a test send that gets through ends one.
 * End to end: events through the API, the real queues and consumer, the loopback sink.
 */
import { describe, expect, it, vi } from 'vitest';
import { env } from 'cloudflare:workers';
import { FAILURE_THRESHOLD, FIRST_PAUSE_MS } from '../../src/domain/destination-gate';
import { planeFor, planeKey } from '../../src/plane/client';
import { call, createAccount, createAutomation, postEvent, sinkRequests, sinkUrl, unique, waitForSink, type TestAccount } from '../helpers';
import { manualClock, queueSpy, runAlarm } from '../delivery/support';

async function postMany(account: TestAccount, count: number, prefix: string) {
  for (let i = 0; i < count; i++) {
    expect((await postEvent(account, { type: 'inbound_call_ended', data: { call_id: `${prefix}-${i}` } })).status).toBe(202);
  }
}

const destinationOf = async (account: TestAccount, automationId: string) =>
  (await call(`/v1/automations/${automationId}`, { token: account.admin })).body.destination;

const waitPaused = (account: TestAccount, automationId: string) =>
  vi.waitUntil(async () => {
    const destination = await destinationOf(account, automationId);
    return destination.state === 'paused' ? destination : false;
  }, { timeout: 20_000, interval: 100 });

const resume = (account: TestAccount, automationId: string) =>
  call(`/v1/automations/${automationId}/destination/resume`, { method: 'POST', token: account.admin });

describe('a pause follows the failure', () => {
  it('one path of a host answering 500 pauses that endpoint only: another path of the same host keeps receiving', async () => {
    const account = await createAccount({ partitions: 1 }); // the breaker is one object's
    const [failing, healthy] = [unique('b'), unique('b')];
    const broken = await createAutomation(account, { url: sinkUrl(failing, 'status=500'), max_concurrency: 1 });
    const fine = await createAutomation(account, { url: sinkUrl(healthy, 'client=7') });
    await postMany(account, FAILURE_THRESHOLD + 2, 'P');
    const paused = await waitPaused(account, broken.id);
    expect(paused).toMatchObject({ scope: 'endpoint', reason: expect.stringMatching(/failures in a row, the last: receiver answered 500/) });
    const atPause = (await sinkRequests(failing)).length;

    // The same host, another path: not paused, and its webhooks keep arriving during the pause.
    expect(await destinationOf(account, fine.id)).toMatchObject({ state: 'ok' });
    await postMany(account, 3, 'Q');
    await waitForSink(healthy, FAILURE_THRESHOLD + 2 + 3, 15_000);
    expect((await sinkRequests(failing)).length).toBe(atPause);
    // The query is not part of the endpoint: another automation on the failing path with its own query waits too.
    const sameEndpoint = await createAutomation(account, { url: sinkUrl(failing, 'status=200&other=1') });
    expect(await destinationOf(account, sameEndpoint.id)).toMatchObject({ state: 'paused', scope: 'endpoint', until: paused.until });
  }, 45_000);

  it('a host refusing connections pauses its origin: every path on it waits', async () => {
    const account = await createAccount({ partitions: 1 });
    // Nothing listens on port 1: every request is refused (a network error).
    const first = await createAutomation(account, { url: 'http://127.0.0.1:1/first', max_concurrency: 1 });
    const second = await createAutomation(account, { url: 'http://127.0.0.1:1/second?x=1', trigger: 'contact_created', body: '{"contact":"{{contact_id}}"}' });
    await postMany(account, FAILURE_THRESHOLD + 1, 'R');
    const paused = await waitPaused(account, first.id);
    expect(paused).toMatchObject({ scope: 'origin', reason: expect.stringMatching(/failures in a row, the last: network error/) });
    expect(await destinationOf(account, second.id)).toMatchObject({ state: 'paused', scope: 'origin', until: paused.until });
    // A delivery to the other path is held too: no queue message until the pause ends.
    const clock = await manualClock(account.id);
    const queued = await queueSpy(account.id);
    expect((await postEvent(account, { type: 'contact_created', data: { contact_id: 'CT-1' } })).status).toBe(202);
    await runAlarm(account.id);
    expect(queued()).toEqual([]);
    clock.set(Date.parse(paused.until));
    await runAlarm(account.id);
    expect(queued()).toHaveLength(1); // the probe, alone
  }, 45_000);
});

describe('POST /v1/automations/{id}/destination/resume', () => {
  it('ends the pause at once: the oldest waiting delivery goes as the probe, and its success reopens the destination', async () => {
    const account = await createAccount({ partitions: 1 });
    const bucket = unique('b');
    // The first five answers fail; the receiver is then fixed.
    const automation = await createAutomation(account, { url: sinkUrl(bucket, `fail_first=${FAILURE_THRESHOLD}`), max_concurrency: 1 });
    await postMany(account, FAILURE_THRESHOLD, 'F');
    const paused = await waitPaused(account, automation.id);
    expect(Date.parse(paused.until)).toBeGreaterThan(Date.now() + 10_000);
    // Deliveries posted during the pause wait for it (no attempt used), as do the five failed ones' retries.
    await postMany(account, 3, 'W');
    const { data: waiting } = (await call(`/v1/deliveries?automation_id=${automation.id}&status=pending`, { token: account.admin })).body;
    expect(waiting).toHaveLength(3);
    const { data: all } = (await call(`/v1/deliveries?automation_id=${automation.id}`, { token: account.admin })).body;
    const oldest = all[all.length - 1].id;

    const resumed = await resume(account, automation.id);
    expect(resumed.status).toBe(200);
    expect(resumed.body).toMatchObject({ state: 'probing', scope: 'endpoint' });
    expect(resumed.body.until).toBeUndefined();
    const received = await waitForSink(bucket, 2 * FAILURE_THRESHOLD + 3, 15_000);
    // The probe was the oldest waiting delivery, sent alone.
    expect(received[FAILURE_THRESHOLD]!.headers['webhook-id']).toBe(oldest);
    expect(received[FAILURE_THRESHOLD]!.concurrent).toBe(1);
    await vi.waitUntil(async () => (await destinationOf(account, automation.id)).in_flight === 0, { timeout: 10_000 });
    expect(await destinationOf(account, automation.id)).toEqual({ state: 'ok', in_flight: 0 });

    // Not paused: nothing changes, still 200.
    expect(await resume(account, automation.id)).toMatchObject({ status: 200, body: { state: 'ok', in_flight: 0 } });
    expect((await resume(account, 'aut_unknown')).status).toBe(404);
  }, 45_000);

  it('a failing probe after a resume pauses again from the first length', async () => {
    const account = await createAccount({ partitions: 1 });
    const bucket = unique('b');
    const automation = await createAutomation(account, { url: sinkUrl(bucket, 'status=500'), max_concurrency: 1 });
    const clock = await manualClock(account.id);
    await postMany(account, FAILURE_THRESHOLD, 'F');
    const first = await waitPaused(account, automation.id);
    // A second pause in a row (about twice as long) before the resume.
    clock.set(Date.parse(first.until));
    await runAlarm(account.id);
    const second = await vi.waitUntil(async () => {
      const d = await destinationOf(account, automation.id);
      return d.state === 'paused' && d.until !== first.until ? d : false;
    }, { timeout: 10_000, interval: 100 });
    expect(Date.parse(second.until) - clock.now()).toBeGreaterThan(FIRST_PAUSE_MS * 1.2);

    expect((await resume(account, automation.id)).body.state).toBe('probing');
    const again = await waitPaused(account, automation.id);
    // Jitter spreads a pause over ±20 %: the first length again, not the third.
    expect(Date.parse(again.until) - clock.now()).toBeLessThanOrEqual(FIRST_PAUSE_MS * 1.2);
  }, 45_000);

  it('resumes every partition of a partitioned account', async () => {
    const account = await createAccount({ partitions: 4 });
    const bucket = unique('b');
    const automation = await createAutomation(account, { url: sinkUrl(bucket, 'status=500') });
    const url = automation.url as string;
    const states = () => Promise.all([0, 1, 2, 3].map((p) => planeFor(env, planeKey(account.id, p)).destination(planeKey(account.id, p), url)));
    // Enough calls that each partition sees its five failures in a row.
    await postMany(account, 48, 'M');
    await vi.waitUntil(async () => (await states()).every((s) => s.state === 'paused'), { timeout: 30_000, interval: 200 });
    const resumed = await resume(account, automation.id);
    expect(resumed.body.state).toBe('probing');
    for (const s of await states()) expect(s.state).not.toBe('paused');
  }, 60_000);
});

describe('a test send that gets through ends a pause', () => {
  it('goes while the endpoint is paused, and its success reopens it', async () => {
    const account = await createAccount({ partitions: 1 });
    const bucket = unique('b');
    const automation = await createAutomation(account, { url: sinkUrl(bucket, `fail_first=${FAILURE_THRESHOLD}`), max_concurrency: 1 });
    await postMany(account, FAILURE_THRESHOLD, 'F');
    await waitPaused(account, automation.id);
    await postMany(account, 2, 'W');
    const sent = await call(`/v1/automations/${automation.id}/test`, { token: account.admin, body: {} });
    expect(sent.status).toBe(202);
    // The test send arrives first, then what the pause held, without waiting out the pause.
    const received = await waitForSink(bucket, FAILURE_THRESHOLD + 3, 15_000);
    expect(received[FAILURE_THRESHOLD]!.headers['webhook-id']).toBe(sent.body.delivery_id);
    await vi.waitUntil(async () => (await destinationOf(account, automation.id)).in_flight === 0, { timeout: 10_000 });
    expect(await destinationOf(account, automation.id)).toEqual({ state: 'ok', in_flight: 0 });
  }, 45_000);
});
