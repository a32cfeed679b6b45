/**
 * The delivery log's attempts in a real browser: the request exactly as sent beside the answer
 * (its signature checked here with the `standardwebhooks` package, an implementation of its
 * own), "Send again" on a delivery that succeeded asking first, and turning off a task with
 * deliveries waiting saying how many are cancelled.
 */
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from './support/api-client';
import { startConsole, type ConsoleFixture } from './support/console-fixture';

let ui: ConsoleFixture;
let automationId = '';
let signingSecret = '';
let deliveryId = '';
const CALL_ID = 'CA-attempts-1';

beforeAll(async () => {
  ui = await startConsole('e2e-attempts');
}, 180_000);

afterAll(async () => {
  await ui?.close();
});

/** The receiver's captured requests to `path`, newest first. */
async function received(path: string): Promise<{ path: string; headers: Record<string, string>; body: string }[]> {
  const answer = await fetch(`${ui.receiver.url}/requests`);
  const { data } = (await answer.json()) as { data: { path: string; headers: Record<string, string>; body: string }[] };
  return data.filter((request) => request.path === path);
}

describe('the delivery log: what was sent, sending again, turning off', () => {
  it('shows an attempt’s request exactly as sent — URL, signed headers, body — beside the response', async () => {
    const created = await ui.admin.post('/v1/automations', {
      name: 'Calls to CRM', trigger: 'inbound_call_ended', url: `${ui.receiver.url}/hooks/attempts`, format: 'json',
      body: '{\n  "call_id": "{{call_id}}",\n  "note": "héllo ✓"\n}',
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    automationId = created.body.id;
    signingSecret = (await ui.admin.get(`/v1/automations/${automationId}/secret`)).body.signing_secret;
    expect(signingSecret).toMatch(/^whsec_/);
    const posted = await ui.events.post('/v1/events', { id: 'attempts-evt-1', type: 'inbound_call_ended', data: { call_id: CALL_ID } });
    expect(posted).toMatchObject({ status: 202, body: { deliveries: 1 } });
    deliveryId = await eventually(async () => {
      const list = await ui.admin.get('/v1/deliveries?event_id=attempts-evt-1');
      expect(list.body.data.map((d: { status: string }) => d.status)).toEqual(['succeeded']);
      return list.body.data[0].id as string;
    }, 30_000);

    const { page } = ui;
    await page.goto(`${ui.notifier.url}/console/deliveries`);
    await page.getByLabel('Find by').selectOption({ label: 'Call ID' });
    await page.getByLabel('ID', { exact: true }).fill(CALL_ID);
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.waitForURL(/[?&]q=CA-attempts-1/);
    const rows = page.locator('tr[data-delivery-id]');
    expect(await rows.count()).toBe(1);
    await rows.first().getByRole('button', { name: /^Attempts:/ }).click();

    const attempt = page.getByRole('listitem', { name: /^Attempt 1/ });
    const request = attempt.getByRole('region', { name: 'Request of attempt 1' });
    const response = attempt.getByRole('region', { name: 'Response of attempt 1' });
    await request.waitFor();
    expect((await request.locator('.request-line').innerText()).trim()).toBe(`POST ${ui.receiver.url}/hooks/attempts`);
    const names = await request.locator('dl.request-headers dt').allTextContents();
    const values = await request.locator('dl.request-headers dd').allTextContents();
    const headers = Object.fromEntries(names.map((name, i) => [name, values[i]!]));
    expect(headers).toMatchObject({ 'webhook-id': deliveryId, 'content-type': expect.stringMatching(/^application\/json/) });
    const shown = await request.getByLabel('Request body of attempt 1', { exact: true }).textContent();
    expect(shown).toContain(CALL_ID);
    expect(await request.locator('.attempt-note').count()).toBe(0); // not cut

    // The body is shown indented; "Copy" gives it exactly as sent: what the receiver got, and its
    // signature verifies with the task's secret.
    await ui.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: ui.notifier.url });
    await request.getByRole('button', { name: 'Copy request body of attempt 1 as sent' }).click();
    const body = await page.evaluate(() => navigator.clipboard.readText());
    const [got] = await received('/hooks/attempts');
    expect(got!.body).toBe(body);
    expect(JSON.parse(shown!)).toEqual(JSON.parse(body));
    expect(got!.headers['webhook-signature']).toBe(headers['webhook-signature']);
    expect(() => new Webhook(signingSecret).verify(body!, headers)).not.toThrow();
    expect(() => new Webhook(signingSecret).verify(`${body} `, headers)).toThrow();
    // The secret itself is nowhere: not in a header, not on the page.
    const key = signingSecret.slice('whsec_'.length);
    for (const value of values) expect(value).not.toContain(key);
    expect(await page.locator('body').innerText()).not.toContain(key);

    expect(await response.innerText()).toMatch(/Status\s+HTTP 200[\s\S]*Took\s+\d+ ms/);
    expect(JSON.parse((await response.getByLabel('Response body of attempt 1', { exact: true }).textContent())!)).toMatchObject({ received: true });
    // Side by side on a wide screen.
    const [left, right] = [await request.boundingBox(), await response.boundingBox()];
    expect(right!.x).toBeGreaterThan(left!.x + left!.width - 1);
    await attempt.scrollIntoViewIfNeeded();
    await ui.screenshot('console-attempt-request');

    // One above the other on a narrow screen.
    await page.setViewportSize({ width: 420, height: 900 });
    const [top, below] = [await request.boundingBox(), await response.boundingBox()];
    expect(below!.y).toBeGreaterThanOrEqual(top!.y + top!.height - 1);
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('"Send again" on a succeeded delivery asks first: Cancel sends nothing, confirming sends it again', async () => {
    const { page } = ui;
    const row = page.locator(`tr[data-delivery-id="${deliveryId}"]`);
    const dialog = page.getByRole('dialog', { name: 'Send this delivery again?' });
    await row.getByRole('button', { name: /^Send again/ }).click();
    await dialog.waitFor();
    expect(await dialog.innerText()).toMatch(/already succeeded: your endpoint answered HTTP 200[\s\S]*same webhook-id/);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.waitForTimeout(1500);
    expect((await ui.admin.get(`/v1/deliveries/${deliveryId}`)).body).toMatchObject({ status: 'succeeded', attempt_count: 1 });
    expect(await row.locator('.row-message').textContent()).toBe('');

    await row.getByRole('button', { name: /^Send again/ }).click();
    await dialog.getByRole('button', { name: 'Send again', exact: true }).click();
    await ui.textOf(`tr[data-delivery-id="${deliveryId}"] .row-message`, /Queued to be sent again/);
    await eventually(async () => {
      expect((await ui.admin.get(`/v1/deliveries/${deliveryId}`)).body).toMatchObject({ status: 'succeeded', attempt_count: 2 });
    }, 30_000);
    // The open attempts follow: the second one appears with its own request.
    await page.getByRole('listitem', { name: /^Attempt 2/ }).getByRole('region', { name: 'Request of attempt 2' }).waitFor({ timeout: 30_000 });
    expect(await received('/hooks/attempts')).toHaveLength(2);
  });

  it('turning off a task with deliveries waiting to be retried warns with their number, then cancels them', async () => {
    const created = await ui.admin.post('/v1/automations', {
      trigger: 'outbound_call_ended', url: `${ui.receiver.url}/status/503/x`, format: 'json', body: '{"call_id": "{{call_id}}"}',
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const failing = created.body.id as string;
    for (const n of [1, 2, 3]) {
      expect((await ui.events.post('/v1/events', { id: `attempts-out-${n}`, type: 'outbound_call_ended', data: { call_id: `CA-out-${n}` } })).status).toBe(202);
    }
    await eventually(async () => expect((await ui.admin.get(`/v1/automations/${failing}/stats`)).body.counts.open).toBe(3));

    const { page } = ui;
    await page.goto(`${ui.notifier.url}/console`);
    const toggle = page.locator(`button[data-toggle-automation="${failing}"]`);
    const dialog = page.getByRole('dialog', { name: 'Turn this task off?' });
    await toggle.click();
    await dialog.waitFor();
    expect(await dialog.innerText()).toMatch(/3 deliveries waiting to be sent or retried will be cancelled\./);
    await dialog.getByRole('button', { name: 'Keep it on' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect(await toggle.getAttribute('aria-checked')).toBe('true');
    expect((await ui.admin.get(`/v1/automations/${failing}`)).body.enabled).toBe(true);

    await toggle.click();
    await dialog.getByRole('button', { name: 'Turn off', exact: true }).click();
    await eventually(async () => expect(await toggle.getAttribute('aria-checked')).toBe('false'));
    const row = page.locator(`tr[data-automation-id="${failing}"]`);
    await ui.textOf(`tr[data-automation-id="${failing}"] .row-message`, /^Turned off\. \d waiting deliver(y was|ies were) cancelled\./);
    await eventually(async () => {
      const list = await ui.admin.get(`/v1/deliveries?automation_id=${failing}`);
      expect(list.body.data.map((d: { status: string }) => d.status)).toEqual(['cancelled', 'cancelled', 'cancelled']);
    }, 30_000);
    await row.getByRole('link', { name: 'Show cancelled deliveries' }).click();
    await page.waitForURL(/status=cancelled/);
    expect(await page.locator('tr[data-delivery-id][data-status="cancelled"]').count()).toBe(3);

    // With nothing waiting, turning off just turns off, and says so.
    await page.goto(`${ui.notifier.url}/console`);
    const quiet = page.locator(`button[data-toggle-automation="${automationId}"]`);
    await quiet.click();
    await eventually(async () => expect(await quiet.getAttribute('aria-checked')).toBe('false'));
    expect(await dialog.isVisible()).toBe(false);
    await ui.textOf(`tr[data-automation-id="${automationId}"] .row-message`, /^Turned off\. Nothing was waiting to be sent\.$/);
  });

  it('the editor’s "On" box warns what saving would cancel, and says what happened once saved', async () => {
    const created = await ui.admin.post('/v1/automations', {
      trigger: 'outbound_call_missed', url: `${ui.receiver.url}/status/503/y`, format: 'json', body: '{"call_id": "{{call_id}}"}',
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.id as string;
    for (const n of [1, 2]) {
      expect((await ui.events.post('/v1/events', { id: `attempts-missed-${n}`, type: 'outbound_call_missed', data: { call_id: `CA-m-${n}` } })).status).toBe(202);
    }
    await eventually(async () => expect((await ui.admin.get(`/v1/automations/${id}/stats`)).body.counts.open).toBe(2));

    const { page } = ui;
    await page.goto(`${ui.notifier.url}/console/automations/${id}`);
    const onBox = page.getByRole('checkbox', { name: /On: send a webhook/ });
    await onBox.uncheck();
    await ui.textOf('#enabled-note', /^Saving turns this task off\. 2 deliveries waiting to be sent or retried will be cancelled\./);
    await onBox.check();
    await eventually(async () => expect(await page.locator('#enabled-note').textContent()).toBe(''));
    await onBox.uncheck();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await ui.textOf('#form-status', /^Saved .*\. Turned off\. \d waiting deliver(y was|ies were) cancelled\./);
    await eventually(async () => {
      const list = await ui.admin.get(`/v1/deliveries?automation_id=${id}`);
      expect(list.body.data.map((d: { status: string }) => d.status)).toEqual(['cancelled', 'cancelled']);
    }, 30_000);
  });

  it('ran without script errors or Content-Security-Policy violations', () => {
    expect(ui.problems).toEqual([]);
  });
});
