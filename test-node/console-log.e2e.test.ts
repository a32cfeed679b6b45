/**
 * The delivery log's filters and paging in a real browser (issue #10): a filter applies as soon
 * as it is chosen and the URL keeps it (reload gives the same page), the time range, Older then
 * Newer back to the same rows, and the count.
 */
import type { Frame } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from './support/api-client';
import { startConsole, type ConsoleFixture } from './support/console-fixture';

let ui: ConsoleFixture;
const tasks: Record<'calls' | 'contacts', string> = { calls: '', contacts: '' };

const rowIds = () => ui.page.locator('tr[data-delivery-id]').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-delivery-id')));
const query = () => new URL(ui.page.url()).searchParams;

describe('delivery log filters and paging', () => {
  beforeAll(async () => {
    ui = await startConsole('e2e-log');
    for (const [key, trigger] of [['calls', 'inbound_call_ended'], ['contacts', 'contact_created']] as const) {
      const created = await ui.admin.post('/v1/automations', { trigger, url: `${ui.receiver.url}/hooks/${key}`, body: '{"ok":true}', name: `${key} hook` });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      tasks[key] = created.body.id;
    }
    // Five call deliveries and three contact deliveries: more than a page of 2 for either task.
    for (let i = 0; i < 5; i++) expect((await ui.events.post('/v1/events', { type: 'inbound_call_ended', data: { call_id: `CA${i}` } })).status).toBe(202);
    for (let i = 0; i < 3; i++) expect((await ui.events.post('/v1/events', { type: 'contact_created', data: { contact_id: `CT${i}` } })).status).toBe(202);
  });

  afterAll(async () => {
    await ui?.close();
  });

  it('shows the count of the whole log', async () => {
    await ui.page.goto(`${ui.notifier.url}/console/deliveries?limit=3`);
    await ui.textOf('#log-count', /^1–3 of 8$/);
    expect(await rowIds()).toHaveLength(3);
  });

  it('applies a task chosen in the filter without a click, keeps it in the URL and on reload', async () => {
    await Promise.all([ui.page.waitForURL((url) => url.searchParams.get('automation') === tasks.calls), ui.page.getByLabel('Task', { exact: true }).selectOption({ label: 'calls hook (An inbound call ends)' })]);
    expect(query().get('limit')).toBe('3');
    await ui.textOf('#log-count', /^1–3 of 5$/);
    const firstPage = await rowIds();
    expect(firstPage).toHaveLength(3);

    await ui.page.reload();
    expect(query().get('automation')).toBe(tasks.calls);
    expect(await ui.page.getByLabel('Task', { exact: true }).inputValue()).toBe(tasks.calls);
    expect(await rowIds()).toEqual(firstPage);
    await ui.textOf('#log-count', /^1–3 of 5$/);
    await ui.screenshot('console-log-filters');

    // Older, then Newer: back to the same rows.
    await ui.page.getByRole('link', { name: 'Older deliveries' }).click();
    await ui.textOf('#log-count', /^4–5 of 5$/);
    const older = await rowIds();
    expect(older).toHaveLength(2);
    expect(older.some((id) => firstPage.includes(id))).toBe(false);
    expect(await ui.page.getByRole('link', { name: 'Older deliveries' }).count()).toBe(0);
    await ui.page.getByRole('link', { name: 'Newer deliveries' }).click();
    await ui.textOf('#log-count', /^1–3 of 5$/);
    expect(await rowIds()).toEqual(firstPage);
    expect(await ui.page.getByRole('link', { name: 'Newer deliveries' }).count()).toBe(0);
  });

  it('filters by a time range preset and a custom range in local time, kept in the URL', async () => {
    await ui.page.goto(`${ui.notifier.url}/console/deliveries?automation=${tasks.contacts}`);
    await Promise.all([ui.page.waitForURL((url) => url.searchParams.get('range') === '1h'), ui.page.getByLabel('Time', { exact: true }).selectOption({ label: 'Last hour' })]);
    expect(query().get('automation')).toBe(tasks.contacts);
    await ui.textOf('#log-count', /^1–3 of 3$/);

    // "Custom range" shows From and To; a From in the future leaves nothing.
    await ui.page.getByLabel('Time', { exact: true }).selectOption({ label: 'Custom range' });
    const from = ui.page.getByLabel('From', { exact: true });
    expect(await from.isVisible()).toBe(true);
    const tomorrow = new Date(Date.now() + 86_400_000);
    const local = await ui.page.evaluate((ms) => {
      const at = new Date(ms);
      return new Date(at.getTime() - at.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
    }, tomorrow.getTime());
    // A time applies once confirmed (Apply), not on each digit typed: one navigation, Apply's.
    let navigations = 0;
    const counted = (frame: Frame) => void (frame === ui.page.mainFrame() && navigations++);
    ui.page.on('framenavigated', counted);
    await from.fill(local);
    expect(await from.inputValue()).toBe(local);
    await Promise.all([ui.page.waitForURL((url) => url.searchParams.has('since')), ui.page.getByRole('button', { name: 'Apply' }).click()]);
    ui.page.off('framenavigated', counted);
    expect(navigations).toBe(1);
    expect(query().get('range')).toBeNull();
    expect(Math.abs(Date.parse(query().get('since')!) - tomorrow.getTime())).toBeLessThan(60_000);
    expect(await rowIds()).toEqual([]);
    await ui.textOf('.empty-state h2', /No deliveries/);
    // Reloaded, the range shows again in local time.
    await ui.page.reload();
    expect(await ui.page.getByLabel('From', { exact: true }).inputValue()).toBe(local);
    expect(await ui.page.getByLabel('Time', { exact: true }).inputValue()).toBe('custom');

    // Any time again: every contact delivery.
    await Promise.all([ui.page.waitForURL((url) => !url.searchParams.has('since')), ui.page.getByLabel('Time', { exact: true }).selectOption({ label: 'Any time' })]);
    await ui.textOf('#log-count', /^1–3 of 3$/);
    expect(await ui.page.getByLabel('From', { exact: true }).isVisible()).toBe(false);
  });

  it('names a filter it could not use instead of failing', async () => {
    await ui.page.goto(`${ui.notifier.url}/console/deliveries?status=lost&automation=${tasks.calls}`);
    await ui.textOf('[role="status"]', /“lost” is not a delivery status/);
    await ui.textOf('#log-count', /^1–5 of 5$/);
    await eventually(() => expect(ui.problems).toEqual([]));
  });

  it('arrow keys in a filter select move the choice without navigating; Enter applies it and focus comes back to the select', async () => {
    await ui.page.goto(`${ui.notifier.url}/console/deliveries`);
    const status = ui.page.getByLabel('Status', { exact: true });
    await status.focus();
    const before = ui.page.url();
    // All statuses → Pending → Retrying → Succeeded → Failed, one arrow at a time.
    for (let i = 0; i < 4; i++) await ui.page.keyboard.press('ArrowDown');
    expect(await status.inputValue()).toBe('failed');
    expect(ui.page.url()).toBe(before);
    expect(await ui.page.evaluate(() => document.activeElement?.id)).toBe('status-filter');
    await ui.textOf('#filters-hint', /Press Enter or Apply/);
    await Promise.all([ui.page.waitForURL((url) => url.searchParams.get('status') === 'failed'), ui.page.keyboard.press('Enter')]);
    await eventually(async () => expect(await ui.page.evaluate(() => document.activeElement?.id)).toBe('status-filter'));
    await ui.textOf('#log-heading', /Failed deliveries/);
  });

  it('a search sends focus to its results, and the page does not shift while it loads', async () => {
    await ui.page.goto(`${ui.notifier.url}/console/deliveries`);
    await ui.page.getByLabel('ID', { exact: true }).fill('CA3');
    await Promise.all([ui.page.waitForURL((url) => url.searchParams.get('q') === 'CA3'), ui.page.getByRole('button', { name: 'Search' }).click()]);
    await eventually(async () => expect(await ui.page.evaluate(() => document.activeElement?.id)).toBe('log-heading'));
    expect(await rowIds()).toHaveLength(1);
    // No layout shift: measured over a fresh load of the search page.
    const shift = await ui.page.evaluate(async () => {
      let total = 0;
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries() as (PerformanceEntry & { value: number; hadRecentInput: boolean })[]) if (!entry.hadRecentInput) total += entry.value;
      }).observe({ type: 'layout-shift', buffered: true });
      // The observer reports buffered entries on its first callback, after the next frames.
      await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
      return total;
    });
    expect(shift).toBeLessThan(0.01);
    expect(await ui.page.getByLabel('From', { exact: true }).isVisible()).toBe(false);
  });
});
