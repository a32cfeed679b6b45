/**
 * The destination gate, end to end: events posted through the API, delivered by the real
 * queues and consumer to the loopback sink, scheduled by the account object's alarm.
 */
import { describe, expect, it } from 'vitest';
import { FAILURE_THRESHOLD } from '../../src/domain/destination-gate';
import { call, createAccount, createAutomation, postEvent, sinkRequests, sinkUrl, unique, waitForSink, type TestAccount } from '../helpers';
import { manualClock, queueSpy, row, runAlarm } from '../delivery/support';
import { vi } from 'vitest';

async function postMany(account: TestAccount, count: number, prefix = 'C') {
  for (let i = 0; i < count; i++) {
    const posted = await postEvent(account, { type: 'inbound_call_ended', data: { call_id: `${prefix}-${i}` } });
    expect(posted.status).toBe(202);
  }
}

describe('destination gate', () => {
  it('never has more than max_concurrency deliveries in flight to one destination', async () => {
    const account = await createAccount();
    const bucket = unique('b');
    await createAutomation(account, { url: sinkUrl(bucket, 'delay_ms=400'), max_concurrency: 2 });
    await postMany(account, 8);
    const received = await waitForSink(bucket, 8, 20_000);
    // `concurrent` is how many requests the sink was serving, this one included.
    expect(Math.max(...received.map((r) => r.concurrent))).toBeLessThanOrEqual(2);
  }, 30_000);

  it('paces a rate-limited automation', async () => {
    const account = await createAccount();
    const bucket = unique('b');
    await createAutomation(account, { url: sinkUrl(bucket), rate_limit_per_second: 2 });
    await postMany(account, 5);
    const received = await waitForSink(bucket, 5, 20_000);
    const times = received.map((r) => r.received_at).sort((a, b) => a - b);
    // Two per second: half a second apart (less a little timer slack), however the queue batched them.
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!, `gap before request ${i + 1}`).toBeGreaterThanOrEqual(450);
  }, 30_000);

  it(`pauses a destination after ${FAILURE_THRESHOLD} failures in a row, without using up the waiting deliveries' attempts`, async () => {
    const account = await createAccount({ partitions: 1 }); // the breaker is one object's: watched through its clock and queues
    const bucket = unique('b');
    const automation = await createAutomation(account, { url: sinkUrl(bucket, 'status=500'), max_concurrency: 1 });
    await postMany(account, 8);
    const paused = await vi.waitUntil(
      async () => {
        const read = await call(`/v1/automations/${automation.id}`, { token: account.admin });
        return read.body.destination.state === 'paused' ? read.body.destination : false;
      },
      { timeout: 20_000, interval: 100 },
    );
    expect(paused.reason).toMatch(new RegExp(`${FAILURE_THRESHOLD} failures in a row, the last: receiver answered 500`));
    expect(paused.scope).toBe('endpoint');
    expect(Date.parse(paused.until)).toBeGreaterThan(Date.now());
    const sent = (await sinkRequests(bucket)).length;
    expect(sent).toBeGreaterThanOrEqual(FAILURE_THRESHOLD);
    // While paused, a scheduling pass hands nothing to the queues…
    const clock = await manualClock(account.id);
    const queued = await queueSpy(account.id);
    await runAlarm(account.id);
    expect(queued()).toEqual([]);
    // …and the deliveries still waiting have used no attempt: they are due when the pause ends.
    const { data } = (await call(`/v1/deliveries?automation_id=${automation.id}&status=pending`, { token: account.admin })).body;
    expect(data.length).toBeGreaterThan(0);
    for (const d of data) expect(d.attempt_count).toBe(0);
    for (const d of data) expect(Date.parse(d.next_attempt_at)).toBeGreaterThanOrEqual(Date.parse(paused.until));
    expect((await sinkRequests(bucket)).length).toBe(sent);
    // Once the pause is over the next pass sends one delivery: the probe.
    clock.set(Date.parse(paused.until));
    await runAlarm(account.id);
    expect(queued()).toHaveLength(1);
  }, 30_000);

  it('probes a paused destination with one delivery once the pause ends, and reopens on success', async () => {
    const account = await createAccount({ partitions: 1 }); // the breaker is one object's: watched through its clock and queues
    const bucket = unique('b');
    // The first five requests fail (503 without Retry-After): the destination pauses. Each answer
    // takes 200 ms, so requests sent together overlap at the sink.
    const automation = await createAutomation(account, { url: sinkUrl(bucket, `fail_first=${FAILURE_THRESHOLD}&delay_ms=200`), max_concurrency: 4 });
    const clock = await manualClock(account.id);
    const logged = vi.spyOn(console, 'log');
    const gateLines = () => logged.mock.calls
      .map(([line]) => (typeof line === 'string' && line.startsWith('{') ? JSON.parse(line) : null))
      .filter((l) => l?.account_id === account.id && String(l.msg).startsWith('destination '));
    await postMany(account, FAILURE_THRESHOLD, 'F');
    await waitForSink(bucket, FAILURE_THRESHOLD, 20_000);
    const destination = async () => (await call(`/v1/automations/${automation.id}`, { token: account.admin })).body.destination;
    const paused = await vi.waitUntil(async () => ((await destination()).state === 'paused' ? destination() : false), { timeout: 10_000 });
    // The pause ends: the destination is probed, one delivery at a time.
    clock.set(Date.parse(paused.until));
    expect(await destination()).toMatchObject({ state: 'probing', reason: paused.reason });
    await postMany(account, 6);
    await runAlarm(account.id);
    const received = await waitForSink(bucket, FAILURE_THRESHOLD + 6, 20_000);
    // The first request after the pause went alone; after its success the gate reopened to its cap.
    const [probe, next] = [received[FAILURE_THRESHOLD]!, received[FAILURE_THRESHOLD + 1]!];
    expect(probe.concurrent).toBe(1);
    expect(next.received_at - probe.received_at).toBeGreaterThanOrEqual(190);
    expect(Math.max(...received.slice(FAILURE_THRESHOLD).map((r) => r.concurrent))).toBeGreaterThan(1);
    await vi.waitUntil(async () => (await destination()).in_flight === 0, { timeout: 10_000 });
    expect(await destination()).toEqual({ state: 'ok', in_flight: 0 });
    // Operators saw both gate decisions, each one line with the origin only (no path, no query).
    const origin = new URL(automation.url).origin;
    expect(gateLines()).toEqual([
      { msg: 'destination paused', account_id: account.id, destination: origin, scope: 'endpoint', until: paused.until, cause: 'failures', consecutive_failures: FAILURE_THRESHOLD, pauses_in_a_row: 1 },
      { msg: 'destination resumed', account_id: account.id, destination: origin, scope: 'endpoint' },
    ]);
    logged.mockRestore();
  }, 30_000);

  it('one account’s endpoint that never answers does not hold up another account’s webhooks', async () => {
    const noisy = await createAccount();
    const quiet = await createAccount();
    const dead = unique('b');
    const healthy = unique('b');
    await createAutomation(noisy, { url: sinkUrl(dead, 'delay_ms=5000') });
    await createAutomation(quiet, { url: sinkUrl(healthy) });
    await postMany(noisy, 30, 'N');
    const start = Date.now();
    await postMany(quiet, 3, 'Q');
    await waitForSink(healthy, 3, 15_000);
    // Alone, the quiet account's webhooks arrive within the queue's 1 s batch window; the noisy
    // account's timeouts (1.5 s here) hold at most the batch they share.
    expect(Date.now() - start).toBeLessThan(5_000);
  }, 30_000);

  it('a destination starts in the slow lane, earns the fast lane by answering quickly, and loses it by timing out', async () => {
    const account = await createAccount({ partitions: 1 }); // a destination's lane is learnt per object
    const [slowBucket, fastBucket] = [unique('b'), unique('b')];
    // Two origins on the one sink: 127.0.0.1 and localhost are different destinations.
    const later = await createAutomation(account, { url: sinkUrl(slowBucket).replace('127.0.0.1', 'localhost') });
    const fast = await createAutomation(account, { url: sinkUrl(fastBucket) });
    const post = async (callId: string) => {
      const posted = await postEvent(account, { type: 'inbound_call_ended', data: { call_id: callId } });
      const { data } = (await call(`/v1/deliveries?event_id=${posted.body.event_id}`, { token: account.admin })).body;
      return Object.fromEntries((data as { id: string; automation_id: string }[]).map((d) => [d.automation_id, d.id]));
    };
    const settled = (id: string, test: (r: Awaited<ReturnType<typeof row>>) => boolean) =>
      vi.waitUntil(async () => test(await row(id, account.id)), { timeout: 15_000, interval: 100 });
    const laneOf = async (id: string) => (await row(id, account.id))!.lane;

    const first = await post('L-1');
    await settled(first[later.id]!, (r) => r!.status === 'succeeded');
    await settled(first[fast.id]!, (r) => r!.status === 'succeeded');
    expect([await laneOf(first[later.id]!), await laneOf(first[fast.id]!)]).toEqual(['slow', 'slow']);

    // Same origin, now answering after 3 s (the timeout here is 1.5 s).
    await call(`/v1/automations/${later.id}`, { method: 'PATCH', token: account.admin, body: { url: sinkUrl(slowBucket, 'delay_ms=3000').replace('127.0.0.1', 'localhost') } });
    const second = await post('L-2');
    // Sent in the fast lane, stopped at its send budget and moved to the slow lane, where it timed out.
    await settled(second[later.id]!, (r) => r!.last_error?.startsWith('timed out') === true);
    expect(await laneOf(second[later.id]!)).toBe('slow');

    const third = await post('L-3');
    await settled(third[fast.id]!, (r) => r!.status === 'succeeded');
    await settled(third[later.id]!, (r) => r!.lane !== null);
    expect(await laneOf(third[later.id]!)).toBe('slow');
    expect(await laneOf(third[fast.id]!)).toBe('fast');
  }, 45_000);
});
