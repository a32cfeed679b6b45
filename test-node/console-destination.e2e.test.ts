/**
 * A paused destination in a real browser: one endpoint answering 500 and one host refusing
 * connections are paused for real by their failures; the settings page shows each pause with
 * what it holds (the endpoint, or every path of the host), why and until when; "Resume now"
 * ends it, and the oldest waiting delivery reaches the receiver at once, long before the pause
 * would have ended, followed by the others.
 *
 * Pauses last 24-36 s at first and are not configurable, so before each click the test waits
 * (through the API) for a pause with time left: while the receiver still fails, a pause that
 * runs out is probed, fails again and comes back twice as long. Only then is the receiver fixed.
 */
import type { Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from './support/api-client';
import { startConsole, type ConsoleFixture } from './support/console-fixture';
import { freePort } from './support/processes';
import { startWebhookSink, type WebhookSink } from './support/webhook-sink';

let ui: ConsoleFixture;
let failing: WebhookSink;
let refusedPort = 0;
let revived: WebhookSink | undefined;
const sinks = () => [failing, revived].filter((sink): sink is WebhookSink => sink !== undefined);

// Enough failures in a row to pause (FAILURE_THRESHOLD in src/domain/destination-gate.ts).
const EVENTS = 5;
// Time the browser gets between reading a pause's end and clicking "Resume now".
const ROOM_MS = 12_000;

beforeAll(async () => {
  [ui, failing, refusedPort] = await Promise.all([startConsole('e2e-destination'), startWebhookSink(), freePort()]);
  failing.status = 500;
}, 180_000);

afterAll(async () => {
  await ui?.close();
  for (const sink of sinks()) await sink.close();
});

interface DestinationView { state: string; scope?: string; until?: string; reason?: string }

const destinationOf = async (id: string) => (await ui.admin.get(`/v1/automations/${id}`)).body.destination as DestinationView;

/** Waits until the API shows `id` paused for `scope` with at least ROOM_MS left; returns the pause. */
async function pausedWithRoom(id: string, scope: 'endpoint' | 'origin') {
  return eventually(async () => {
    const destination = await destinationOf(id);
    expect(destination).toMatchObject({ state: 'paused', scope });
    expect(Date.parse(destination.until!) - Date.now()).toBeGreaterThan(ROOM_MS);
    return destination as Required<DestinationView>;
  }, 90_000, 250);
}

async function createTask(name: string, trigger: string, url: string): Promise<string> {
  const created = await ui.admin.post('/v1/automations', { name, trigger, url, format: 'json', body: '{"call_id": "{{call_id}}"}' });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body.id as string;
}

/** Posts EVENTS events one after the other, so that the first is the oldest delivery. */
async function postEvents(trigger: string, prefix: string): Promise<void> {
  for (let i = 1; i <= EVENTS; i++) {
    const posted = await ui.events.post('/v1/events', { id: `${prefix}-${i}`, type: trigger, data: { call_id: `${prefix}-call-${i}` } });
    expect(posted.status).toBe(202);
  }
}

const noteOf = (id: string): Locator => ui.page.locator(`tr[data-automation-id="${id}"] [data-destination-state]`);

/** The note beside a paused task: its words, and the end of the pause it shows (datetime of its <time>). */
async function pausedNote(id: string) {
  const note = noteOf(id);
  await note.waitFor();
  expect(await note.getAttribute('data-destination-state')).toBe('paused');
  return { text: (await note.innerText()).trim(), until: await note.locator('time').getAttribute('datetime') };
}

/** Webhooks a sink answered 200 on `path`, oldest first. */
const delivered = (sink: WebhookSink, path: string) => sink.received.filter((webhook) => webhook.path === path && webhook.status === 200);

/** Every delivery of a task succeeded (the waiting ones went once the probe succeeded). */
async function allSucceeded(id: string): Promise<void> {
  await eventually(async () => {
    const list = await ui.admin.get(`/v1/deliveries?automation_id=${id}`);
    expect(list.body.data.map((d: { status: string }) => d.status)).toEqual(Array(EVENTS).fill('succeeded'));
  }, 60_000, 250);
}

let endpointTask = '';
let hostTask = '';
let hostNeighbour = '';

describe('a paused destination in the console', () => {
  it('shows an endpoint answering 500 and a host refusing connections as paused, with what, why and until when', async () => {
    endpointTask = await createTask('Calls to CRM', 'inbound_call_ended', `${failing.url}/hooks/calls`);
    hostTask = await createTask('Outbound calls to helpdesk', 'outbound_call_ended', `http://127.0.0.1:${refusedPort}/hooks/outbound`);
    // Another path of the refusing host: nothing of its own failed, yet a host pause holds it too.
    hostNeighbour = await createTask('Missed calls to helpdesk', 'call_missed', `http://127.0.0.1:${refusedPort}/hooks/missed-calls`);
    await Promise.all([postEvents('inbound_call_ended', 'dest-endpoint'), postEvents('outbound_call_ended', 'dest-host')]);

    const endpointPause = await pausedWithRoom(endpointTask, 'endpoint');
    // At least EVENTS: on a slow machine a pause may already have run out and its probe failed too.
    expect(endpointPause.reason).toMatch(/^\d+ failures in a row, the last: receiver answered 500$/);
    const hostPause = await pausedWithRoom(hostTask, 'origin');
    expect(hostPause.reason).toMatch(/^\d+ failures in a row, the last: .+/);
    expect(await destinationOf(hostNeighbour)).toMatchObject({ state: 'paused', scope: 'origin', reason: hostPause.reason });
    // Nothing reached the failing endpoint but failed attempts; nothing waiting went during the pause.
    expect(failing.received.length).toBeGreaterThanOrEqual(EVENTS);
    expect(delivered(failing, '/hooks/calls')).toEqual([]);

    await ui.page.goto(`${ui.notifier.url}/console`);
    const endpointNote = await pausedNote(endpointTask);
    expect(endpointNote.until).toBe(endpointPause.until);
    expect(endpointNote.text).toMatch(/^Endpoint paused until .+: \d+ failures in a row, the last: receiver answered 500 Resume now$/);
    const hostNote = await pausedNote(hostTask);
    expect(hostNote.until).toBe(hostPause.until);
    expect(hostNote.text).toContain(`Host (every path on it) paused until `);
    expect(hostNote.text).toContain(`: ${hostPause.reason}`);
    expect((await pausedNote(hostNeighbour)).text).toMatch(/^Host \(every path on it\) paused until /);
    // The end is shown in the reader's time zone (the page script rewrote the UTC text).
    expect(await noteOf(endpointTask).locator('time').innerText()).not.toMatch(/UTC$/);
    await ui.page.locator(`tr[data-automation-id="${endpointTask}"]`).getByRole('button', { name: 'Resume now: Calls to CRM (An inbound call ends)' }).waitFor();
    await ui.screenshot('console-destination-paused');

    // A refused resume (the task was deleted meanwhile, say in another tab) is said in its row; the button stays usable.
    const gone = await createTask('Abandoned calls to helpdesk', 'call_abandoned', `http://127.0.0.1:${refusedPort}/hooks/abandoned`);
    await pausedWithRoom(hostTask, 'origin');
    await ui.page.reload();
    await pausedNote(gone);
    expect((await ui.admin.request('DELETE', `/v1/automations/${gone}`)).status).toBe(204);
    const goneRow = ui.page.locator(`tr[data-automation-id="${gone}"]`);
    await goneRow.getByRole('button', { name: /^Resume now/ }).click();
    await eventually(async () => expect((await goneRow.locator('.row-message.is-error').innerText()).trim()).toMatch(/^Could not resume: .*not found/i));
    expect(await goneRow.getByRole('button', { name: /^Resume now/ }).isEnabled()).toBe(true);
    expect(await noteOf(gone).getAttribute('data-destination-state')).toBe('paused');
    expect(ui.problems).toEqual([]);
  });

  it('"Resume now" on the endpoint: the oldest waiting delivery goes at once, then the rest; the note is gone', async () => {
    const pause = await pausedWithRoom(endpointTask, 'endpoint');
    // The administrator fixed the endpoint (same URL), then resumes instead of waiting out the pause.
    failing.status = 200;
    await ui.page.locator(`tr[data-automation-id="${endpointTask}"]`).getByRole('button', { name: /^Resume now/ }).click();
    await eventually(async () => expect((await noteOf(endpointTask).innerText()).trim()).toBe('Resumed: the oldest waiting delivery is sent now, as a probe'));
    expect(await noteOf(endpointTask).getAttribute('data-destination-state')).not.toBe('paused');

    const [probe] = await eventually(() => {
      const sent = delivered(failing, '/hooks/calls');
      expect(sent.length).toBeGreaterThan(0);
      return sent;
    }, 30_000, 100);
    expect(JSON.parse(probe!.body)).toEqual({ call_id: 'dest-endpoint-call-1' });
    // Long before the pause would have let it through.
    expect(probe!.at).toBeLessThan(Date.parse(pause.until));
    await allSucceeded(endpointTask);
    expect(new Set(delivered(failing, '/hooks/calls').map((webhook) => webhook.body)).size).toBe(EVENTS);

    expect((await destinationOf(endpointTask)).state).toBe('ok');
    await ui.page.reload();
    await ui.page.locator(`tr[data-automation-id="${endpointTask}"]`).waitFor();
    expect(await noteOf(endpointTask).count()).toBe(0);
    // The host's pause is its own: still there.
    expect(await noteOf(hostTask).getAttribute('data-destination-state')).not.toBeNull();
    expect(ui.problems).toEqual([]);
  });

  it('"Resume now" on the host, once it takes connections again: every path on it reopens', async () => {
    const pause = await pausedWithRoom(hostTask, 'origin');
    await ui.page.reload();
    await pausedNote(hostTask);
    revived = await startWebhookSink({ port: refusedPort });
    await ui.page.locator(`tr[data-automation-id="${hostTask}"]`).getByRole('button', { name: /^Resume now/ }).click();
    await eventually(async () => expect((await noteOf(hostTask).innerText()).trim()).toMatch(/^Resumed/));

    const [probe] = await eventually(() => {
      const sent = delivered(revived!, '/hooks/outbound');
      expect(sent.length).toBeGreaterThan(0);
      return sent;
    }, 30_000, 100);
    expect(JSON.parse(probe!.body)).toEqual({ call_id: 'dest-host-call-1' });
    expect(probe!.at).toBeLessThan(Date.parse(pause.until));
    await allSucceeded(hostTask);

    expect((await destinationOf(hostNeighbour)).state).toBe('ok');
    await ui.page.reload();
    await ui.page.locator(`tr[data-automation-id="${hostTask}"]`).waitFor();
    expect(await ui.page.locator('[data-destination-state]').count()).toBe(0);
    expect(ui.problems).toEqual([]);
  });
});
