/**
 * Nothing lost, nothing sent twice at once (#8), against the real service: `wrangler dev`
 * with its state in a temporary directory, delivering to real HTTP servers in this process.
 * A burst of events is posted; mid-burst, while webhooks are being sent, the service is killed
 * with SIGKILL (a crash: the local queues, held in memory, are lost with what they carried) and
 * started again on the same port and state, as `npm start` would be. Nobody calls the service
 * after the restart until every accepted event has arrived: the account object's persisted
 * alarm must find and re-send what was lost on its own.
 *
 * Each event goes to two automations with two destinations, so that more deliveries are out at
 * once (50 per destination) than a queue batch holds (50): while a consumer sends one batch,
 * the next waits in the queue. The crash therefore catches deliveries in every state — being
 * sent (leased, some already received but not reported), in the lost queue, and not yet handed
 * to a queue — and the test checks that it did, from the account object's stored state.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient, createTestAccount, eventually } from './support/api-client';
import { accountPlaneStates, type DeliveryStates } from './support/plane-state';
import { stopAllProcesses } from './support/processes';
import { startWebhookSink, type ReceivedWebhook, type WebhookSink } from './support/webhook-sink';
import { startNotifier, TEST_VARS, type LocalServer } from './support/wrangler';

const EVENTS = 200;
const POSTERS = 16;
/** The kill comes with a webhook arriving once this many events were accepted (202). */
const KILL_AFTER_ACCEPTED = 100;
/**
 * After a restart, the alarm re-sends messages of the lost queue 30 s after they were first
 * sent, and deliveries a killed consumer held when their lease runs out (DELIVERY_TIMEOUT_MS
 * + 60 s after it was taken): all is back about 65 s after the kill.
 */
const RECOVERY_TIMEOUT_MS = 100_000;

let sinks: WebhookSink[];
let notifier: LocalServer;
let account: Awaited<ReturnType<typeof createTestAccount>>;

beforeAll(async () => {
  // The sinks answer after a short delay, so that requests stay open long enough for an
  // overlapping second copy of a delivery to be seen.
  let sinkA: WebhookSink, sinkB: WebhookSink;
  [sinkA, sinkB, notifier] = await Promise.all([startWebhookSink({ delayMs: 20 }), startWebhookSink({ delayMs: 20 }), startNotifier()]);
  sinks = [sinkA, sinkB];
  account = await createTestAccount(notifier.url, TEST_VARS.OPERATOR_TOKEN, 'crash-acme');
  expect((await account.setEnabled(true)).status).toBe(200);
  const admin = apiClient(notifier.url, account.adminKey);
  for (const [i, sink] of sinks.entries()) {
    const created = await admin.post('/v1/automations', {
      name: `Calls to test sink ${i}`,
      trigger: 'inbound_call_ended',
      url: `${sink.url}/hooks/calls`,
      format: 'json',
      body: '{"call_id": "{{call_id}}"}',
      max_concurrency: 50,
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
  }
}, 180_000);

afterAll(async () => {
  await stopAllProcesses();
  await Promise.all((sinks ?? []).map((sink) => sink.close()));
  // A killed notifier keeps its state for the restart, whose stop removes it; unless the test
  // failed in between.
  if (notifier) rmSync(notifier.persistDir, { recursive: true, force: true });
});

const callIdOf = (webhook: ReceivedWebhook) => JSON.parse(webhook.body).call_id as string;

/** Posts the events from POSTERS concurrent clients; kills the service mid-burst, mid-send. */
async function burstWithCrash(ids: string[]): Promise<{ accepted: Set<string>; states: DeliveryStates }> {
  const accepted = new Set<string>();
  let crash = null as Promise<void> | null;
  // Killed as a webhook arrives: its delivery is certainly leased and not yet reported.
  const killNow = () => {
    if (crash || accepted.size < KILL_AFTER_ACCEPTED) return;
    crash = notifier.crash();
  };
  for (const sink of sinks) sink.onRequest = killNow;
  let next = 0;
  const post = async (id: string) => {
    try {
      const response = await fetch(`${notifier.url}/v1/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${account.eventsKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ id, type: 'inbound_call_ended', data: { call_id: id } }),
      });
      const text = await response.text();
      if (response.status === 202) accepted.add(id);
      else if (!crash) throw new Error(`POST /v1/events ${id}: ${response.status} ${text}`);
    } catch (error) {
      // Once the kill is under way, a refused or cut connection means "not accepted".
      if (!crash) throw error;
    }
  };
  await Promise.all(
    Array.from({ length: POSTERS }, async () => {
      while (next < ids.length) await post(ids[next++]!);
    }),
  );
  // If the posts all ended before a webhook arrived after the 100th 202, the next one kills.
  await eventually(() => expect(crash).not.toBeNull(), 15_000, 5);
  await crash;
  for (const sink of sinks) sink.onRequest = null;
  return { accepted, states: accountPlaneStates(notifier.persistDir) };
}

async function allDeliveries(baseUrl: string): Promise<any[]> {
  const admin = apiClient(baseUrl, account.adminKey);
  const out: any[] = [];
  let cursor: string | null = null;
  do {
    const page: { status: number; body: any } = await admin.get(`/v1/deliveries?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(page.status).toBe(200);
    out.push(...page.body.data);
    cursor = page.body.next_cursor;
  } while (cursor);
  return out;
}

describe('a crash mid-burst (SIGKILL, then a restart on the same state)', () => {
  it('delivers every accepted event once the service is back, never one delivery twice at once', async () => {
    const ids = Array.from({ length: EVENTS }, (_, i) => `call-${String(i).padStart(4, '0')}`);
    const { accepted, states } = await burstWithCrash(ids);
    const killedAt = Date.now();
    const receivedBeforeKill = sinks.map((s) => s.received.length);
    // The crash caught deliveries in every state, or it would prove less than it claims.
    expect(states.leased, JSON.stringify(states)).toBeGreaterThan(0);
    expect(states.queued, JSON.stringify(states)).toBeGreaterThan(0);
    expect(states.waiting, JSON.stringify(states)).toBeGreaterThan(0);

    const restarted = await startNotifier(TEST_VARS, { resume: notifier });
    const backAt = Date.now();
    await eventually(() => {
      for (const [i, sink] of sinks.entries()) {
        const arrived = new Set(sink.received.map(callIdOf));
        const missing = [...accepted].filter((id) => !arrived.has(id));
        expect(missing, `sink ${i}: ${missing.length} accepted events not delivered yet`).toEqual([]);
      }
    }, RECOVERY_TIMEOUT_MS, 250);
    console.log(
      `crash test: ${accepted.size} events accepted; at the kill ${JSON.stringify(states)}, received ${receivedBeforeKill.join(' + ')}; ` +
        `restart took ${((backAt - killedAt) / 1000).toFixed(1)} s, all delivered ${((Date.now() - backAt) / 1000).toFixed(1)} s after it; ` +
        `received ${sinks.map((s) => s.received.length).join(' + ')} requests in all`,
    );

    // At each destination, every event's requests carry one webhook-id (a re-send after the
    // crash is the same delivery again), and no delivery was ever received twice at once.
    const webhookIds = sinks.map((sink) => {
      const byEvent = new Map<string, Set<string>>();
      for (const r of sink.received) byEvent.set(callIdOf(r), (byEvent.get(callIdOf(r)) ?? new Set()).add(r.webhookId));
      for (const [callId, ids] of byEvent) expect([...ids], callId).toHaveLength(1);
      expect(sink.overlapping).toEqual([]);
      return new Map([...byEvent].map(([callId, ids]) => [callId, [...ids][0]!]));
    });

    // The API agrees: each accepted event has one delivery per automation, each succeeded, and
    // their ids are the webhook-ids received. Events stored but cut off before their 202
    // reached the client are delivered too. A delivery whose request arrived just before the
    // kill, but whose outcome did not, is settled only once its lease runs out, which may be
    // after every event has arrived: so this waits as long as recovery may take.
    await eventually(async () => {
      const deliveries = await allDeliveries(restarted.url);
      for (const delivery of deliveries) expect(delivery.status, JSON.stringify(delivery)).toBe('succeeded');
      const byEvent = new Map<string, string[]>();
      for (const d of deliveries) byEvent.set(d.event_id, [...(byEvent.get(d.event_id) ?? []), d.id]);
      for (const id of accepted) {
        expect(byEvent.get(id)?.sort(), id).toEqual(webhookIds.map((ofSink) => ofSink.get(id)).sort());
      }
    }, Math.max(15_000, RECOVERY_TIMEOUT_MS - (Date.now() - backAt)), 250);
  }, 180_000);
});
