/**
 * Issue #18, in a real browser: the delivery log fits its card at desktop widths and tells the
 * truth (the URL each delivery was sent to, only actions that can succeed, when an open one is
 * due and why, bodies indented with copy buttons); no console page scrolls sideways on a phone
 * and charts open at their newest data; the redaction panel sits beside the preview, lists the
 * body's fields first and offers to redact the same kind of data; rotating with no overlap asks.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { eventually } from './support/api-client';
import { startConsole, type ConsoleFixture } from './support/console-fixture';

let ui: ConsoleFixture;
let calls = '';
let failing = '';
let okDelivery = '';
const LONG_PATH = '/hooks/a-very-long-path-segment-that-has-no-spaces-at-all-and-keeps-going-to-test-wrapping-in-the-log';

/** Whether anything makes the page wider than the window (it would scroll sideways). */
const overflow = (page: Page) => page.evaluate(() => ({ page: document.documentElement.scrollWidth, window: window.innerWidth }));

describe('console: fits, tells the truth, works by keyboard and on a phone', () => {
  beforeAll(async () => {
    ui = await startConsole('e2e-ux');
    const body = '{"call": "{{call_id}}", "phone": "{{contact_phone_number}}", "agent": "{{agent_email}}"}';
    const ok = await ui.admin.post('/v1/automations', { trigger: 'inbound_call_ended', url: `${ui.receiver.url}${LONG_PATH}`, body, name: 'Calls_to_the_CRM_of_the_EU_region_production_primary_endpoint' }); // one long word: it must wrap, not widen the log
    const bad = await ui.admin.post('/v1/automations', { trigger: 'inbound_call_ended', url: `${ui.receiver.url}/status/500/always`, body: '{"x":1}', name: 'Always failing' });
    expect([ok.status, bad.status]).toEqual([201, 201]);
    calls = ok.body.id;
    failing = bad.body.id;
    expect((await ui.events.post('/v1/events', { id: 'ux-1', type: 'inbound_call_ended', data: { call_id: 'CA1', contact_phone_number: '+351961918192' } })).status).toBe(202);
    okDelivery = await eventually(async () => {
      const list = await ui.admin.get(`/v1/deliveries?automation_id=${calls}`);
      expect(list.body.data[0]?.status).toBe('succeeded');
      return list.body.data[0].id as string;
    }, 30_000);
    await eventually(async () => {
      const list = await ui.admin.get(`/v1/deliveries?automation_id=${failing}`);
      expect(list.body.data[0]?.attempt_count).toBeGreaterThan(0);
    }, 30_000);
  });

  afterAll(async () => {
    await ui?.close();
  });

  it('the log fits its card from 1,280 to 1,920 px, and opening attempts keeps the status in view', async () => {
    for (const width of [1280, 1440, 1920]) {
      await ui.page.setViewportSize({ width, height: 900 });
      await ui.page.goto(`${ui.notifier.url}/console/deliveries`);
      const fit = await ui.page.evaluate(() => {
        const wrap = document.querySelector('.table-wrap')!;
        const card = wrap.closest('.card')!.getBoundingClientRect();
        const buttons = Array.from(document.querySelectorAll('#delivery-log .row-actions .button')).map((b) => b.getBoundingClientRect());
        return { table: wrap.scrollWidth, wrap: wrap.clientWidth, outside: buttons.filter((b) => b.right > card.right + 0.5).length };
      });
      expect(fit.table, `at ${width} px`).toBeLessThanOrEqual(fit.wrap);
      expect(fit.outside, `at ${width} px`).toBe(0);
      expect((await overflow(ui.page)).page).toBeLessThanOrEqual(width);
    }
    await ui.page.setViewportSize({ width: 1280, height: 900 });
    const row = ui.page.locator(`tr[data-delivery-id="${okDelivery}"]`);
    await row.getByRole('button', { name: /^Attempts/ }).click();
    await ui.textOf('tr.row-details:not([hidden])', /Attempt 1/);
    const status = await row.locator('[data-cell="status"]').boundingBox();
    expect(status!.x).toBeGreaterThanOrEqual(0);
    expect(await ui.page.evaluate(() => document.querySelector('.table-wrap')!.scrollLeft)).toBe(0);
    expect(await ui.page.evaluate(() => { const w = document.querySelector('.table-wrap')!; return w.scrollWidth <= w.clientWidth; })).toBe(true);
  });

  it('bodies are indented, each with a Copy button that copies it as sent', async () => {
    await ui.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: ui.notifier.url });
    const request = ui.page.getByLabel('Request body of attempt 1', { exact: true });
    const shown = await request.innerText();
    expect(shown).toContain('\n  "call": "CA1"');
    await ui.page.getByRole('button', { name: 'Copy request body of attempt 1 as sent' }).click();
    const copied = await ui.page.evaluate(() => navigator.clipboard.readText());
    const sent = (await ui.admin.get(`/v1/deliveries/${okDelivery}`)).body.attempts[0].request.body as string;
    expect(sent).not.toContain('\n'); // sent compact: the indentation is the page's
    expect(copied).toBe(sent);
    await ui.textOf('.copy-status', /Copied, as sent/);
    await ui.screenshot('console-attempt-pretty');
  });

  it('each delivery shows the URL it was sent to, even after its task moved', async () => {
    expect((await ui.admin.request('PATCH', `/v1/automations/${calls}`, { url: `${ui.receiver.url}/hooks/moved` })).status).toBe(200);
    await ui.page.goto(`${ui.notifier.url}/console/deliveries?automation=${calls}`);
    const row = ui.page.locator(`tr[data-delivery-id="${okDelivery}"]`);
    expect(await row.locator('[data-cell="url"]').innerText()).toBe(`${ui.receiver.url}${LONG_PATH}`);
    expect(await row.innerText()).not.toContain('/hooks/moved');
  });

  it('an open delivery offers no "Send again": it says when it is due and why it waits', async () => {
    await ui.page.goto(`${ui.notifier.url}/console/deliveries?automation=${failing}`);
    const row = ui.page.locator('tr[data-delivery-id]').first();
    expect(await row.getAttribute('data-status')).toBe('retrying');
    await ui.textOf('tr[data-delivery-id] [data-cell="wait"]', /An attempt failed: it is retried when due\./);
    expect(await row.getByRole('button', { name: /^Send again/ }).isVisible()).toBe(false);
    await ui.screenshot('console-log-waiting');
  });

  it('no console page scrolls sideways at 390 px, and charts open at their newest data', async () => {
    await ui.page.setViewportSize({ width: 390, height: 844 });
    const pages = [
      '/console', '/console?health=7d', '/console/automations/new', `/console/automations/${calls}`, `/console/automations/${failing}?health=7d`,
      '/console/deliveries', `/console/deliveries?automation=${calls}`, '/console/deliveries?by=call_id&q=CA1', `/console/deliveries?delivery=${okDelivery}`,
      '/console/deliveries?status=failed&range=24h',
    ];
    for (const path of pages) {
      await ui.page.goto(`${ui.notifier.url}${path}`);
      await ui.page.waitForLoadState('load');
      const details = ui.page.locator('#redact-details > summary');
      if (await details.count()) await details.click(); // the redaction table open too
      const attempts = ui.page.locator('button[data-details]').first();
      if (await attempts.count()) {
        await attempts.click();
        await ui.textOf('tr.row-details:not([hidden])', /Attempt 1|No attempt/);
      }
      const { page, window } = await overflow(ui.page);
      expect(page, path).toBeLessThanOrEqual(window);
    }
    await ui.page.goto(`${ui.notifier.url}/console/deliveries?automation=${failing}`);
    await ui.screenshot('console-log-phone');
    // The sign-in page, signed out.
    const fresh = await ui.browser.newContext({ viewport: { width: 390, height: 844 } });
    const signIn = await fresh.newPage();
    await signIn.goto(`${ui.notifier.url}/console/sign-in`);
    expect((await overflow(signIn)).page).toBeLessThanOrEqual(390);
    await fresh.close();

    await ui.page.goto(`${ui.notifier.url}/console/automations/${calls}`);
    const chart = await ui.page.evaluate(() => {
      const box = document.querySelector('.chart-scroll')!;
      const bars = box.querySelectorAll('g[data-point]');
      const newest = bars[bars.length - 1]!.getBoundingClientRect();
      const oldest = bars[0]!.getBoundingClientRect();
      const seen = box.getBoundingClientRect();
      return { scrolls: box.scrollWidth > box.clientWidth, newestSeen: newest.left >= seen.left && newest.right <= seen.right + 1, oldestSeen: oldest.left >= seen.left };
    });
    expect(chart).toEqual({ scrolls: true, newestSeen: true, oldestSeen: false });
    await ui.page.setViewportSize({ width: 1280, height: 900 });
  });

  it('redaction: beside the preview, the body’s fields first, and hiding a phone number offers the other phone fields', async () => {
    await ui.page.setViewportSize({ width: 1280, height: 900 });
    await ui.page.goto(`${ui.notifier.url}/console/automations/${calls}`);
    await ui.page.locator('#redact-details > summary').click();
    const order = await ui.page.locator('#redact-rows tr').evaluateAll((rows) => rows.map((r) => [r.getAttribute('data-field'), r.querySelector('.in-body:not([hidden])') ? 'in body' : '']));
    expect(order.slice(0, 3)).toEqual([['call_id', 'in body'], ['contact_phone_number', 'in body'], ['agent_email', 'in body']]);
    expect(order.slice(3).every(([, mark]) => mark === '')).toBe(true);
    const [preview, panel] = await Promise.all(['#preview', '#redact-section'].map((s) => ui.page.locator(s).boundingBox()));
    expect(panel!.x).toBeGreaterThan(preview!.x + preview!.width - 1); // beside it, not below
    expect(panel!.y).toBeLessThan(preview!.y + preview!.height);

    await ui.page.getByLabel('contact_phone_number', { exact: true }).selectOption({ label: 'Hide' });
    await ui.textOf('#redact-offer', /3 other fields of this trigger carry a phone number[\s\S]*talkdesk_phone_number[\s\S]*contact_phone[\s\S]*customer_phone_number/);
    await ui.screenshot('console-redaction');
    await ui.page.getByRole('button', { name: 'Hide them too' }).click();
    for (const field of ['talkdesk_phone_number', 'contact_phone', 'customer_phone_number']) {
      expect(await ui.page.getByLabel(field, { exact: true }).inputValue()).toBe('hide');
    }
    await ui.textOf('#redact-count', /^4 fields redacted$/);
    expect(await ui.page.getByLabel('agent_email', { exact: true }).inputValue()).toBe('');
    // A body that stops using a field moves it down with the rest.
    await ui.page.getByLabel('Body template', { exact: true }).fill('{"agent": "{{agent_email}}"}');
    await eventually(async () => expect(await ui.page.locator('#redact-rows tr').first().getAttribute('data-field')).toBe('agent_email'));
  });

  it('rotating with no overlap asks first, naming the receiver that breaks', async () => {
    const before = (await ui.admin.get(`/v1/automations/${calls}/secret`)).body.signing_secret;
    await ui.page.getByLabel('Keep signing with the current secret for').selectOption('0');
    await ui.page.getByRole('button', { name: 'Rotate secret' }).click();
    const dialog = ui.page.getByRole('dialog', { name: 'Stop signing with the current secret at once?' });
    await dialog.waitFor();
    expect(await dialog.innerText()).toContain(`${ui.receiver.url}/hooks/moved`);
    await dialog.getByRole('button', { name: 'Keep the current secret' }).click();
    await ui.textOf('#rotate-result', /Not rotated/);
    expect((await ui.admin.get(`/v1/automations/${calls}/secret`)).body.signing_secret).toBe(before);

    await ui.page.getByRole('button', { name: 'Rotate secret' }).click();
    await dialog.getByRole('button', { name: 'Rotate now, no overlap' }).click();
    await ui.textOf('#rotate-result', /New secret created[\s\S]*no longer sent/);
    expect((await ui.admin.get(`/v1/automations/${calls}/secret`)).body.signing_secret).not.toBe(before);
    await eventually(() => expect(ui.problems).toEqual([]));
  });
});
