/**
 * Issue #17 in a real browser: "Simulate a call" shows the call's webhooks as a timeline with
 * each result linked to its attempts; the editor's max age is saved (and refused out of range
 * beside its field); "Send past events since…" backfills a new task once; Expired in the log.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from './support/api-client';
import { startConsole, type ConsoleFixture } from './support/console-fixture';

let ui: ConsoleFixture;
const CALL_TRIGGERS = ['inbound_call_ringing', 'inbound_call_started', 'inbound_call_ended', 'inbound_disposition_set', 'csat_score_received'];

describe('simulated calls, max age and backfill in the console', () => {
  beforeAll(async () => {
    ui = await startConsole('e2e-simulate');
  });

  afterAll(async () => {
    expect(ui?.problems ?? []).toEqual([]);
    await ui?.close();
  });

  it('simulates an inbound call and shows its webhooks in order, each linked to its attempts', async () => {
    for (const trigger of CALL_TRIGGERS) {
      const created = await ui.admin.post('/v1/automations', {
        trigger, name: `CRM: ${trigger}`, url: `${ui.receiver.url}/hooks/crm`, body: '{"event": "{{event}}", "call_id": "{{call_id}}"}',
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
    }
    await ui.page.goto(`${ui.notifier.url}/console`);
    await ui.page.getByRole('link', { name: 'Simulate a call' }).click();
    await ui.textOf('h1', /Simulate a call/);
    expect(await ui.page.getByLabel(/An inbound call answered/).isChecked()).toBe(true);
    await ui.page.getByRole('button', { name: 'Simulate a call' }).click();
    await ui.textOf('#simulate-status', /Every webhook of the call was delivered\./, 30_000);

    const events = await ui.page.locator('.timeline-event').evaluateAll((items) => items.map((item) => item.getAttribute('data-event-type')));
    expect(events).toEqual(CALL_TRIGGERS);
    const statuses = await ui.page.locator('.timeline-result').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-status')));
    expect(statuses).toEqual(CALL_TRIGGERS.map(() => 'succeeded'));
    await ui.textOf('.timeline-result [data-cell="answer"]', /HTTP 200, 1 attempt/);
    const summary = await ui.textOf('#timeline-summary', /^Call [0-9a-f]{32}: 5 events, 5 webhooks\./);
    await ui.page.locator('#timeline-card').scrollIntoViewIfNeeded();
    await ui.screenshot('console-simulate');

    // The receiver got them in the call's order (it lists what it received newest first).
    const callId = summary.match(/Call ([0-9a-f]{32})/)![1]!;
    const received = await eventually(async () => {
      const { data } = (await (await fetch(`${ui.receiver.url}/requests`)).json()) as { data: { body: string }[] };
      const mine = [...data].reverse().map((r) => JSON.parse(r.body) as { event: string; call_id: string }).filter((b) => b.call_id === callId);
      expect(mine).toHaveLength(5);
      return mine;
    });
    expect(received.map((b) => b.event)).toEqual(['inbound_call_ringing', 'inbound_call_started', 'call_finished', 'inbound_disposition_set', 'csat_score_received']);

    // A result opens its delivery in the log, marked Test, with its attempts.
    const first = ui.page.locator('.timeline-result').first();
    const deliveryId = await first.getAttribute('data-delivery-id');
    await first.getByRole('link', { name: 'Attempts' }).click();
    await ui.page.waitForURL((url) => url.searchParams.get('delivery') === deliveryId);
    await ui.textOf(`tr[data-delivery-id="${deliveryId}"]`, /Succeeded\s+Test/i);
  });

  it('saves the max age, refuses one out of range beside the field, and shows Expired deliveries in the log', async () => {
    const created = await ui.admin.post('/v1/automations', {
      trigger: 'call_enters_waiting_queue', name: 'Screen pop', url: `${ui.receiver.url}/hooks/pop`, body: '{"call_id": "{{call_id}}"}',
    });
    const id = created.body.id as string;
    await ui.page.goto(`${ui.notifier.url}/console/automations/${id}`);
    const field = ui.page.getByLabel('Never send later than (seconds after the event)');
    expect(await field.inputValue()).toBe('');
    await field.fill('90000');
    await ui.page.getByRole('button', { name: 'Save', exact: true }).click();
    await ui.textOf('#max-age-error', /86400/);
    await field.fill('60');
    await ui.page.getByRole('button', { name: 'Save', exact: true }).click();
    await ui.textOf('#form-status', /^Saved/);
    expect((await ui.admin.get(`/v1/automations/${id}`)).body.max_age_seconds).toBe(60);
    await ui.page.reload();
    expect(await field.inputValue()).toBe('60');

    // An event ten minutes old when it arrives expires unsent.
    const old = new Date(Date.now() - 600_000).toISOString();
    expect((await ui.events.post('/v1/events', { type: 'call_enters_waiting_queue', occurred_at: old, data: { call_id: 'LATE' } })).status).toBe(202);
    await eventually(async () => expect((await ui.admin.get(`/v1/deliveries?automation_id=${id}&status=expired`)).body.data).toHaveLength(1));
    await ui.page.goto(`${ui.notifier.url}/console/deliveries`);
    await ui.page.getByLabel('Status').selectOption({ label: 'Expired' });
    await ui.page.waitForURL((url) => url.searchParams.get('status') === 'expired');
    await ui.textOf('#log-heading', /Expired deliveries/);
    await ui.textOf('tr[data-delivery-id] [data-cell="error"]', /expired/);
  });

  it('sends a new task the past events of its trigger once, with "Send past events since…"', async () => {
    for (const call_id of ['PAST-1', 'PAST-2']) expect((await ui.events.post('/v1/events', { type: 'call_abandoned', data: { call_id } })).status).toBe(202);
    const created = await ui.admin.post('/v1/automations', {
      trigger: 'call_abandoned', name: 'Abandoned calls', url: `${ui.receiver.url}/hooks/abandoned`, body: '{"call_id": "{{call_id}}"}',
    });
    await ui.page.goto(`${ui.notifier.url}/console/automations/${created.body.id}`);
    await ui.page.getByRole('button', { name: 'Send past events', exact: true }).click();
    await ui.textOf('#backfill-result', /2 past events were queued to be sent, marked “Backfill” in the log\./);
    await ui.page.getByRole('button', { name: 'Send past events', exact: true }).click();
    await ui.textOf('#backfill-result', /No past events since .* are left to send to this task\./);
    await ui.page.goto(`${ui.notifier.url}/console/deliveries?automation=${created.body.id}`);
    expect(await ui.page.locator('tr[data-delivery-id] .tag', { hasText: 'Backfill' }).count()).toBe(2);
  });
});
