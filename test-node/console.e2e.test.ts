/**
 * The admin console in a real browser: the Worker (wrangler dev, fresh local D1) and the
 * local receiver run as servers; headless Chromium walks the flow an account admin would.
 * The steps share one browser page and run in order.
 *
 * UPDATE_SCREENSHOTS=1 also writes the screenshots to docs/ (see scripts/screenshots.mjs).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient, createTestAccount, eventually } from './support/api-client';
import { launchChromium } from './support/browser';
import { screenshotOf, textIn, watchProblems } from './support/console-fixture';
import { stopAllProcesses } from './support/processes';
import { ROOT, startNotifier, startReceiver, TEST_VARS, type LocalServer } from './support/wrangler';

const CALL_ID_EXAMPLE = '17378a31cf7546d3acb9621f29a4e883';
const AGENT_ID_EXAMPLE = '4f78ded32b0ac00001000001';

let notifier: LocalServer;
let receiver: LocalServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let account: Awaited<ReturnType<typeof createTestAccount>>;
let automationId = '';
let signingSecret = '';
let rotatedSecret = '';
/** Script errors and CSP violations seen on any page. */
const pageProblems: string[] = [];

const screenshot = (name: string) => screenshotOf(page, name);
const textOf = (selector: string, pattern: RegExp, timeoutMs?: number) => textIn(page, selector, pattern, timeoutMs);

beforeAll(async () => {
  [notifier, receiver] = await Promise.all([startNotifier(), startReceiver()]);
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  page.setDefaultTimeout(15_000);
  watchProblems(page, pageProblems);
  account = await createTestAccount(notifier.url, TEST_VARS.OPERATOR_TOKEN, 'e2e-acme', 'Acme Support Center');
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await stopAllProcesses();
});

describe('admin console, end to end', () => {
  it('signs in with an admin key (a wrong one is refused); the browser holds only an HttpOnly session cookie', async () => {
    await page.goto(`${notifier.url}/`);
    expect(new URL(page.url()).pathname).toBe('/console/sign-in');
    await page.getByLabel('Admin API key').fill('hnk_admin_not-a-real-key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await textOf('[role="alert"]', /This is not an API key/);

    await page.getByLabel('Admin API key').fill(account.adminKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${notifier.url}/console`);
    // The session cookie, and the reader's time zone the pages share (not a secret).
    const cookies = await context.cookies();
    expect(cookies.map((c) => c.name).sort()).toEqual(['hn_console', 'hn_tz']);
    const session = cookies.find((c) => c.name === 'hn_console')!;
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    expect(session.value).not.toContain(account.adminKey);
    expect(await page.evaluate(() => localStorage.length + sessionStorage.length)).toBe(0);
  });

  it('explains that the integration is off until Support enables it', async () => {
    await textOf('#integration-disabled', /not enabled for this account[\s\S]*contact Support/);
    expect(await page.getByRole('button', { name: 'Add your first automated task' }).isDisabled()).toBe(true);
    expect((await account.setEnabled(true)).status).toBe(200); // Support switches it on
    await page.reload();
    expect(await page.locator('#integration-disabled').count()).toBe(0);
    await page.getByRole('link', { name: 'Add your first automated task' }).click();
    await page.waitForURL('**/console/automations/new');
  });

  it('builds the body by dragging and by keyboard, with live checks that point at the line and column', async () => {
    expect(await page.locator('#trigger option').count()).toBe(26); // 25 triggers and "Choose a trigger…"
    await page.getByLabel('Trigger', { exact: true }).selectOption({ label: 'An inbound call ends' });
    expect(await page.locator('#action option').allInnerTexts()).toEqual(['Make HTTP POST']);
    await page.getByLabel('URL', { exact: true }).fill(`${receiver.url}/hooks/e2e`);
    await page.locator('li[data-field="call_id"]').waitFor();
    // The field list's hidden "Insert" labels stay inside its scroll box: the page is as tall as its content.
    const heights = await page.evaluate(() => ({
      document: document.documentElement.scrollHeight,
      content: Math.max(...Array.from(document.body.children, (node) => node.getBoundingClientRect().bottom + window.scrollY)),
    }));
    expect(heights.document - heights.content).toBeLessThan(80);

    // An unfinished body: the check names the line and column, and the gutter marks that line.
    await page.getByLabel('Body template', { exact: true }).fill('{\n  "call_id": "\n}');
    const problem = await textOf('#body-check', /JSON syntax error at line 2, column \d+/);
    const column = Number(/line 2, column (\d+)/.exec(problem)![1]);
    await textOf('.code-gutter-inner .is-error', /^2$/);
    expect(await page.locator('.code-backdrop mark').count()).toBeGreaterThan(0);
    await page.setViewportSize({ width: 1280, height: 1300 });
    await page.locator('#body').evaluate((el) => el.scrollIntoView({ block: 'center' }));
    await screenshot('console-editor-error');
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.getByRole('button', { name: /^Show line 2, column \d+ in the body$/ }).click();
    const selectionStart = await page.locator('#body').evaluate((el: HTMLTextAreaElement) => el.selectionStart);
    expect(selectionStart).toBe('{\n'.length + column - 1);

    // Drag a field onto line 2, right of its text: "{{call_id}}" lands at the end of that line.
    await page.locator('#body').evaluate((el) => el.scrollIntoView({ block: 'center' }));
    const box = (await page.locator('#body').boundingBox())!;
    const line2 = 10 + 20 + 10; // padding, one 20 px line, half of the next
    await page.dragAndDrop('li[data-field="call_id"]', '#body', { targetPosition: { x: box.width - 40, y: line2 } });
    expect(await page.locator('#body').inputValue()).toBe('{\n  "call_id": "{{call_id}}\n}');

    // Keyboard: the drop left the cursor after the field. The field list is one tab stop;
    // arrows move between fields and Enter inserts at the cursor.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('body');
    await page.keyboard.type('",\n  "agent_id": "');
    await page.locator('#field-filter').focus();
    await page.keyboard.press('Tab');
    for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowDown');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-placeholder'))).toBe('{{agent_id}}');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-placeholder'))).toBe('{{agent_id}}');
    await page.locator('#body').focus();
    await page.keyboard.type('"');
    expect(await page.locator('#body').inputValue()).toBe('{\n  "call_id": "{{call_id}}",\n  "agent_id": "{{agent_id}}"\n}');

    await textOf('#body-check', /^Valid JSON/);
    const preview = await textOf('#preview', new RegExp(CALL_ID_EXAMPLE));
    expect(JSON.parse(preview)).toEqual({ call_id: CALL_ID_EXAMPLE, agent_id: AGENT_ID_EXAMPLE });
    expect(await page.locator('.code-gutter-inner .is-error').count()).toBe(0);
  });

  it('names an unknown placeholder', async () => {
    const good = await page.locator('#body').inputValue();
    await page.getByLabel('Body template', { exact: true }).fill('{"who": "{{caller_mood}}"}');
    await textOf('#body-check', /unknown placeholder \{\{caller_mood\}\}/i);
    await page.getByLabel('Body template', { exact: true }).fill(good);
    await textOf('#body-check', /^Valid JSON/);
    // The whole editor in one picture: a tall window, the field list scrolled to its start.
    await page.setViewportSize({ width: 1280, height: 1700 });
    await page.evaluate(() => {
      window.scrollTo(0, 0);
      document.getElementById('field-list')!.scrollTop = 0;
      (document.activeElement as HTMLElement | null)?.blur();
    });
    await screenshot('console-editor');
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('keeps the focused preview clear of the sticky save bar; the format selector shows where focus is', async () => {
    // The preview starts just below the window; Tab from the body scrolls it into view.
    await page.evaluate(() => {
      const top = document.getElementById('preview')!.getBoundingClientRect().top + window.scrollY;
      window.scrollTo(0, top - window.innerHeight + 20);
      document.getElementById('body')!.focus({ preventScroll: true });
    });
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('preview');
    const [preview, bar] = await page.evaluate(() => ['preview', 'save-button'].map((id) => {
      const node = document.getElementById(id)!;
      return (id === 'preview' ? node : node.closest('.form-actions')!).getBoundingClientRect().toJSON() as DOMRect;
    }));
    expect(preview!.bottom).toBeLessThanOrEqual(bar!.top + 1);

    await page.getByLabel('URL', { exact: true }).focus();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement).name)).toBe('format');
    const ring = await page.locator('.segmented:has(input[name="format"])').evaluate((node) => getComputedStyle(node).outlineStyle);
    expect(ring).toBe('solid');
  });

  it('redacts a field: the preview shows what would be sent, and a trigger change keeps the choice', async () => {
    await page.locator('#redact-details > summary').click();
    await page.getByLabel('agent_id', { exact: true }).selectOption({ label: 'Last 4 only' });
    await textOf('#redact-count', /^1 field redacted$/);
    const masked = '*'.repeat(AGENT_ID_EXAMPLE.length - 4) + AGENT_ID_EXAMPLE.slice(-4);
    const preview = await textOf('#preview', new RegExp(masked.replace(/\*/g, '\\*')));
    expect(JSON.parse(preview)).toEqual({ call_id: CALL_ID_EXAMPLE, agent_id: masked });
    // Another trigger with the same field keeps the choice; the rows follow the trigger.
    const trigger = page.getByLabel('Trigger', { exact: true });
    await trigger.selectOption({ label: 'An agent logs in' });
    await eventually(async () => expect(await page.locator('#redact-rows select').count()).toBe(8));
    await trigger.selectOption({ label: 'An inbound call ends' });
    await eventually(async () => expect(await page.locator('#redact-rows select').count()).toBeGreaterThan(8));
    expect(await page.getByLabel('agent_id', { exact: true }).inputValue()).toBe('last4');
    await textOf('#preview', new RegExp(masked.replace(/\*/g, '\\*')));
  });

  it('saves (an API error appears beside its field), sends a test and shows the signing secret', async () => {
    // A save the server refuses for the body: its error goes once the live check passes again.
    const body = page.getByLabel('Body template', { exact: true });
    const goodBody = await body.inputValue();
    await body.fill('{\n  "call_id": "{{call_id}}",\n}');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await textOf('#body-error', /JSON syntax error/);
    await body.fill(goodBody);
    await textOf('#body-check', /^Valid JSON/);
    await eventually(async () => expect(await page.locator('#body-error').isHidden()).toBe(true));
    expect(await body.getAttribute('aria-invalid')).toBeNull();

    // Extra headers: a header the product sets itself is refused beside its row, then replaced.
    await page.getByRole('button', { name: 'Add header' }).click();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('header-name-1');
    await page.getByLabel('Header 1 name').fill('Content-Type');
    await page.getByLabel('Header 1 value').fill('text/plain');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await textOf('#header-name-1-error', /.+/);
    expect(await page.getByLabel('Header 1 name').getAttribute('aria-invalid')).toBe('true');
    await page.getByLabel('Header 1 name').fill('X-Tenant');
    await page.getByLabel('Header 1 value').fill('acme');
    await page.getByRole('button', { name: 'Add header' }).click();
    await page.getByLabel('Header 2 name').fill('X-Removed');
    await page.getByRole('button', { name: 'Remove header 2' }).click();
    expect(await page.locator('#header-rows li').count()).toBe(1);

    const url = page.getByLabel('URL', { exact: true });
    const good = await url.inputValue();
    await url.fill('ftp://files.example.com/drop');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await textOf('#url-error', /.+/);
    expect(await url.getAttribute('aria-invalid')).toBe('true');
    expect(await url.getAttribute('aria-describedby')).toContain('url-error');
    await textOf('#form-error', /not saved/);
    await url.fill(good);
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.waitForURL(/\/console\/automations\/aut_[0-9a-f]+\?flash=created$/);
    automationId = /automations\/(aut_[0-9a-f]+)/.exec(page.url())![1]!;
    await textOf('[role="status"].callout', /Automated task saved/);
    const saved = (await apiClient(notifier.url, account.adminKey).get(`/v1/automations/${automationId}`)).body;
    expect(saved.redact).toEqual({ agent_id: 'last4' });
    expect(saved.headers).toEqual({ 'X-Tenant': 'acme' });
    expect(await page.getByLabel('Header 1 name').inputValue()).toBe('X-Tenant');
    expect(await page.title()).toMatch(/^Edit: /);
    expect(await page.getByLabel('agent_id', { exact: true }).inputValue()).toBe('last4');

    await page.getByRole('button', { name: 'Send test' }).click();
    await textOf('#test-result', /Succeeded[\s\S]*HTTP 200/, 30_000);

    await page.getByRole('button', { name: 'Show signing secret' }).click();
    signingSecret = await eventually(async () => {
      const value = await page.getByLabel('Signing secret').inputValue();
      expect(value).toMatch(/^whsec_/);
      return value;
    });
  });

  it('shows an event’s delivery on the settings page and in the delivery log', async () => {
    const events = apiClient(notifier.url, account.eventsKey);
    const posted = await events.post('/v1/events', { id: 'e2e-call-1', type: 'inbound_call_ended', data: { call_id: 'call-e2e-1', agent_id: 'agent-7' } });
    expect(posted).toMatchObject({ status: 202, body: { deliveries: 1 } });

    await page.goto(`${notifier.url}/console/deliveries?automation=${automationId}`);
    const rows = page.locator('tr[data-delivery-id]');
    await eventually(async () => expect(await rows.count()).toBe(2));
    // The live log updates rows that were still pending when the page loaded.
    await eventually(async () => expect(await page.locator('tr[data-status="succeeded"]').count()).toBe(2), 30_000);
    const eventRow = page.locator('tr[data-delivery-id]').first(); // newest first: the event, then the test
    expect(await eventRow.innerText()).toMatch(/Succeeded[\s\S]*HTTP 200[\s\S]*"received":\s?true/);
    expect(await page.locator('tr[data-delivery-id]').nth(1).innerText()).toContain('TEST');
    await eventRow.getByRole('button', { name: 'Attempts' }).click();
    await textOf('tr.row-details:not([hidden])', /Attempt 1[\s\S]*HTTP 200/);
    await screenshot('console-deliveries');

    await page.goto(`${notifier.url}/console`);
    await textOf(`tr[data-automation-id="${automationId}"]`, /An inbound call ends[\s\S]*\/hooks\/e2e[\s\S]*JSON[\s\S]*Succeeded/);
    await screenshot('console-settings');
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot('console-settings-narrow');
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('rotates the secret with an overlap: shows the new one and until when the previous one signs', async () => {
    await page.goto(`${notifier.url}/console/automations/${automationId}`);
    await page.getByLabel('Keep signing with the current secret for').selectOption('1');
    await page.getByRole('button', { name: 'Rotate secret' }).click();
    await textOf('#rotate-result', /New secret created[\s\S]*previous secret is still sent alongside it until/);
    rotatedSecret = await eventually(async () => {
      const value = await page.getByLabel('Signing secret').inputValue();
      expect(value).toMatch(/^whsec_/);
      expect(value).not.toBe(signingSecret);
      return value;
    });
    await textOf('#previous-secrets', /A previous secret also signs until/);
    const api = await apiClient(notifier.url, account.adminKey).get(`/v1/automations/${automationId}/secret`);
    expect(api.body.signing_secret).toBe(rotatedSecret);
    // Sent during the overlap: the receiver's check below accepts it with either secret.
    const events = apiClient(notifier.url, account.eventsKey);
    const posted = await events.post('/v1/events', { id: 'e2e-call-2', type: 'inbound_call_ended', data: { call_id: 'call-e2e-2' } });
    expect(posted).toMatchObject({ status: 202, body: { deliveries: 1 } });
    const admin = apiClient(notifier.url, account.adminKey);
    await eventually(async () => {
      const list = await admin.get('/v1/deliveries?event_id=e2e-call-2');
      expect(list.body.data.map((d: { status: string }) => d.status)).toEqual(['succeeded']);
    }, 30_000);
    await page.goto(`${notifier.url}/console`);
  });

  it('finds a call’s deliveries by its call ID, and replays its event after confirmation', async () => {
    await page.goto(`${notifier.url}/console/deliveries`);
    await page.getByLabel('Find by').selectOption({ label: 'Call ID' });
    await page.getByLabel('ID', { exact: true }).fill('call-e2e-1');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.waitForURL(/\/console\/deliveries\?by=call_id&q=call-e2e-1$/);
    const rows = page.locator('tr[data-delivery-id]');
    expect(await rows.count()).toBe(1); // the event's delivery; the test send is about no call
    await textOf('.lede', /about Call ID call-e2e-1, across all automated tasks/);

    await rows.first().getByRole('button', { name: 'Replay this event' }).click();
    const dialog = page.getByRole('dialog', { name: 'Replay this event?' });
    await dialog.waitFor();
    expect(await dialog.getByRole('radio', { name: /^Only An inbound call ends to .*\/hooks\/e2e$/ }).isChecked()).toBe(true);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect(await rows.count()).toBe(1);

    await rows.first().getByRole('button', { name: 'Replay this event' }).click();
    await dialog.getByRole('button', { name: 'Replay', exact: true }).click();
    await page.waitForURL(/[?&]replayed=1$/);
    expect(new URL(page.url()).searchParams.get('q')).toBe('call-e2e-1'); // the search is kept
    await textOf('[role="status"].callout', /Event replayed[\s\S]*One new delivery/);
    await eventually(async () => expect(await rows.count()).toBe(2));
    expect(await rows.first().innerText()).toMatch(/REPLAY/);
    await eventually(async () => expect(await page.locator('tr[data-status="succeeded"]').count()).toBe(2), 30_000);
    await screenshot('console-deliveries-search');

    // The event column links to every delivery of that event: the original and its replay.
    await rows.first().getByRole('link', { name: 'e2e-call-1' }).click();
    await page.waitForURL(/\/console\/deliveries\?event_id=e2e-call-1$/);
    await textOf('.lede', /about Event ID e2e-call-1/);
    expect(await page.locator('tr[data-delivery-id]').count()).toBe(2);
    expect(await page.getByLabel('Find by').inputValue()).toBe('event_id');
  });

  it('saves per-call ordering with the task, and resends failed deliveries since a time', async () => {
    await page.goto(`${notifier.url}/console/automations/${automationId}`);
    const ordering = page.getByLabel('Order deliveries per call');
    expect(await ordering.isChecked()).toBe(false);
    await ordering.check();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await textOf('#form-status', /^Saved/);
    const admin = apiClient(notifier.url, account.adminKey);
    expect((await admin.get(`/v1/automations/${automationId}`)).body.ordering).toBe('per_call');
    await page.reload();
    expect(await ordering.isChecked()).toBe(true);

    // The time starts at 24 hours ago; nothing of this task has failed.
    const since = await page.getByLabel('Resend failed since').inputValue();
    expect(Math.abs(Date.now() - 86_400_000 - new Date(since).getTime())).toBeLessThan(120_000);
    await page.getByRole('button', { name: 'Resend failed', exact: true }).click();
    await textOf('#recover-result', /No failed deliveries since .*: nothing to resend\./);
    // More than 14 days back is refused before asking the API.
    await page.getByLabel('Resend failed since').fill('2020-01-01T00:00');
    await page.getByRole('button', { name: 'Resend failed', exact: true }).click();
    await textOf('#recover-result', /within the last 14 days/);
  });

  it('sets the operations webhook (showing its secret once saved) and removes it', async () => {
    await page.goto(`${notifier.url}/console`);
    await textOf('#notices', /No notices/);
    await page.getByLabel('URL', { exact: true }).fill(`${receiver.url}/hooks/ops`);
    await page.locator('#ops-save').click();
    const secret = await eventually(async () => {
      const value = await page.getByLabel('Operations webhook signing secret').inputValue();
      expect(value).toMatch(/^whsec_/);
      return value;
    });
    const admin = apiClient(notifier.url, account.adminKey);
    expect((await admin.get('/v1/account/operations-webhook')).body).toEqual({ url: `${receiver.url}/hooks/ops`, signing_secret: secret });
    await page.reload();
    await page.getByRole('button', { name: 'Show signing secret' }).click();
    await eventually(async () => expect(await page.getByLabel('Operations webhook signing secret').inputValue()).toBe(secret));

    page.once('dialog', (confirm) => { void confirm.accept(); });
    await page.getByRole('button', { name: 'Remove', exact: true }).click();
    await textOf('#ops-result', /Removed/);
    expect((await admin.get('/v1/account/operations-webhook')).body).toEqual({ url: null, signing_secret: null });
    expect(await page.getByLabel('URL', { exact: true }).inputValue()).toBe('');
  });

  it('turns the task off, and "Send again" is then no longer offered (it could not send)', async () => {
    const toggle = page.locator(`button[data-toggle-automation="${automationId}"]`);
    expect(await toggle.getAttribute('aria-checked')).toBe('true');
    await toggle.click();
    await eventually(async () => expect(await toggle.getAttribute('aria-checked')).toBe('false'));
    const saved = await apiClient(notifier.url, account.adminKey).get(`/v1/automations/${automationId}`);
    expect(saved.body.enabled).toBe(false);

    await page.goto(`${notifier.url}/console/deliveries?automation=${automationId}`);
    const eventRow = page.locator('tr[data-delivery-id]').first();
    await eventRow.getByRole('button', { name: /^Attempts/ }).waitFor();
    expect(await eventRow.getByRole('button', { name: /^Send again/ }).count()).toBe(0);
  });

  it('deletes the task only after confirmation', async () => {
    await page.goto(`${notifier.url}/console/automations/${automationId}`);
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete this automated task?' });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Keep it' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect(new URL(page.url()).pathname).toBe(`/console/automations/${automationId}`);

    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await dialog.getByRole('button', { name: 'Delete', exact: true }).click();
    await page.waitForURL('**/console?flash=deleted');
    await textOf('[role="status"].callout', /Automated task deleted/);
    await textOf('main', /Add your first automated task/);
  });

  it('signs out: the session is gone', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL('**/console/sign-in?signed_out');
    await textOf('[role="status"]', /signed out/);
    expect((await context.cookies()).map((c) => c.name)).toEqual(['hn_tz']);
    await page.goto(`${notifier.url}/console`);
    expect(new URL(page.url()).pathname).toBe('/console/sign-in');
  });

  it('signs in from a followed link and lands on that page; the key can be shown while typing', async () => {
    await page.goto(`${notifier.url}/console/deliveries?status=failed`);
    expect(new URL(page.url()).pathname).toBe('/console/sign-in');
    const key = page.getByLabel('Admin API key');
    await key.fill(account.adminKey);
    expect(await key.getAttribute('type')).toBe('password');
    await page.getByRole('button', { name: 'Show' }).click();
    expect(await key.getAttribute('type')).toBe('text');
    expect(await page.getByRole('button', { name: 'Hide' }).getAttribute('aria-pressed')).toBe('true');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${notifier.url}/console/deliveries?status=failed`);
  });

  it('ran without script errors or Content-Security-Policy violations', () => {
    expect(pageProblems).toEqual([]);
  });

  it('the receiver verified the signature of what was sent', async () => {
    await page.goto(`${receiver.url}/?secret=${encodeURIComponent(signingSecret)}`);
    const verified = page.getByText('signature verified');
    // The test, the event, the event sent after the rotation and the replay (both signed with the previous secret too).
    await eventually(async () => expect(await verified.count()).toBe(4));
    expect(await page.getByText('signature invalid').count()).toBe(0);
    const received = await page.locator('body').innerText();
    expect(received).toContain('call-e2e-1');
    // agent_id is redacted to its last 4 characters.
    expect(received).toContain('***nt-7');
    expect(received).not.toContain('agent-7');
    // With the new secret only what was sent after the rotation verifies: the event and the replay.
    await page.goto(`${receiver.url}/?secret=${encodeURIComponent(rotatedSecret)}`);
    await eventually(async () => expect(await page.getByText('signature verified').count()).toBe(2));
    expect(await page.getByText('signature invalid').count()).toBe(2);
  });
});

describe('npm run demo (against the same servers)', () => {
  const runDemo = () =>
    spawnSync(process.execPath, [join(ROOT, 'scripts', 'demo.mjs')], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, NOTIFIER_URL: notifier.url, RECEIVER_URL: receiver.url, OPERATOR_TOKEN: TEST_VARS.OPERATOR_TOKEN },
    });

  it('sets up an account and automation, delivers signed sample events, and can run again with the same keys', async () => {
    const first = runDemo();
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toContain('created');
    expect(first.stdout.match(/succeeded \(HTTP 200\)/g)).toHaveLength(3);
    expect(first.stdout).toContain(`${notifier.url}/console`);
    const receiverLink = new RegExp(`${receiver.url}/\\?secret=(whsec_\\S+)`).exec(first.stdout);
    expect(receiverLink).not.toBeNull();
    expect(first.stdout).toMatch(/hnk_admin_\S+/);

    const second = runDemo();
    expect(second.status, second.stderr).toBe(0);
    expect(second.stdout).toContain('reused');
    expect(second.stdout).toContain(/hnk_admin_\S+/.exec(first.stdout)![0]);
    expect(second.stdout.match(/succeeded \(HTTP 200\)/g)).toHaveLength(3);

    const seen = await (await fetch(`${receiver.url}/requests?secret=${receiverLink![1]}`)).json() as { data: { path: string; signature: { status: string } }[] };
    const demoRequests = seen.data.filter((request) => request.path === '/webhooks/demo');
    expect(demoRequests).toHaveLength(6);
    expect(demoRequests.every((request) => request.signature.status === 'verified')).toBe(true);
  });
});
