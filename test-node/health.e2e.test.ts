/**
 * Health at a glance in a real browser: a task delivers some events, then its endpoint starts
 * answering 400 (retried on the schedule, then failed); the task's card and the account's card
 * show the numbers of the stats API, the chart shows both outcomes, and the period switch
 * (plain links) moves to 7 days. All under the console's CSP, with no script errors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiAnswer } from './support/api-client';
import { eventually } from './support/api-client';
import { startConsole, type ConsoleFixture } from './support/console-fixture';

let ui: ConsoleFixture;
let taskId = '';

beforeAll(async () => {
  ui = await startConsole('e2e-health');
}, 180_000);

afterAll(async () => {
  await ui?.close();
});

interface Stats {
  success_rate: number | null;
  counts: { succeeded: number; failed: number; cancelled: number; retried: number; open: number };
  series: { points: unknown[] };
}

const statsOf = async (path: string) => ((await ui.admin.get(path)) as ApiAnswer<Stats>).body;

let sent = 0;
async function sendEvents(n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    sent += 1;
    const posted = await ui.events.post('/v1/events', { id: `health-${sent}`, type: 'inbound_call_ended', data: { call_id: `call-health-${sent}` } });
    expect(posted.status).toBe(202);
  }
}

/** The value a card shows for one stat. */
const statText = (card: string, name: string) => ui.page.locator(`${card} [data-stat="${name}"] .stat-value`).innerText();

/** What a card shows, in the stats API's terms. */
async function shownCounts(card: string) {
  const counts: Record<string, number> = {};
  for (const name of ['succeeded', 'failed', 'retried', 'cancelled']) counts[name] = Number((await statText(card, name)).replace(/,/g, ''));
  return counts;
}

/** The chart's drawn bars, summed per outcome from the segments' values. */
async function drawnCounts(card: string) {
  return ui.page.locator(`${card} rect[data-outcome]`).evaluateAll((rects) => {
    const sums: Record<string, number> = { succeeded: 0, failed: 0, cancelled: 0, retried: 0 };
    for (const rect of rects as SVGRectElement[]) sums[rect.dataset.outcome!]! += Number(rect.dataset.value);
    return sums;
  });
}

describe('health at a glance', () => {
  it('a task with successes, then failures: its card matches the stats API and its chart shows both', async () => {
    const created = await ui.admin.post('/v1/automations', {
      name: 'Health check', trigger: 'inbound_call_ended', url: `${ui.receiver.url}/hooks/health`, body: '{"call_id": "{{call_id}}"}',
    });
    expect(created.status).toBe(201);
    taskId = created.body.id;
    await sendEvents(4);
    await eventually(async () => expect((await statsOf(`/v1/automations/${taskId}/stats`)).counts.succeeded).toBe(4), 30_000);

    // 400 is retried on the schedule (2, 5, 10 s here), then the delivery fails.
    const patched = await ui.admin.request('PATCH', `/v1/automations/${taskId}`, { url: `${ui.receiver.url}/status/400/x` });
    expect(patched.status).toBe(200);
    await sendEvents(1);
    const day = await eventually(async () => {
      const stats = await statsOf(`/v1/automations/${taskId}/stats?window=24h`);
      expect(stats.counts).toMatchObject({ succeeded: 4, failed: 1, retried: 3, open: 0 });
      return stats;
    }, 60_000, 500);

    await ui.page.goto(`${ui.notifier.url}/console/automations/${taskId}`);
    const card = '#task-health';
    await ui.textOf(`${card} h2`, /Health of this task/);
    expect(await shownCounts(card)).toEqual({ succeeded: 4, failed: 1, retried: 3, cancelled: 0 });
    expect(await statText(card, 'success_rate')).toBe('80%');
    expect(day.success_rate).toBe(0.8);
    // Response times are bands: "under 100 ms", "100–250 ms", "500 ms–1 s", … never a made-up exact number.
    for (const p of ['p50', 'p95']) expect(await statText(card, p)).toMatch(/^(under 100 ms|\d+(?: ms)?–[\d.]+ m?s|over 10 s)$/);
    expect(await drawnCounts(card)).toEqual({ succeeded: 4, failed: 1, cancelled: 0, retried: 3 });
    expect(await ui.page.locator(`${card} rect.chart-failed`).evaluate((r) => getComputedStyle(r).fill)).not.toBe(
      await ui.page.locator(`${card} rect.chart-succeeded`).first().evaluate((r) => getComputedStyle(r).fill),
    );
    const chart = ui.page.getByRole('img', { name: 'Deliveries per hour, the last 24 hours' });
    expect(await chart.getAttribute('aria-describedby')).toBe('task-health-svg-desc');
    expect(await ui.page.locator('#task-health-svg-desc').textContent()).toMatch(/^Deliveries per hour over the last 24 hours: 4 succeeded, 1 failed, 0 cancelled, 0 expired, 3 failed attempts retried\./);
    expect(await ui.page.locator(`${card} table tbody tr`).count()).toBe(24);
    // The page script relabelled the UTC times in the reader's zone.
    await ui.textOf(`${card} [data-chart-zone]`, /^Times in your time zone/);
    await ui.screenshot('console-health');

    // The switch is a link: 7 days, same numbers here (everything happened in the last hour), 7 daily bars.
    await ui.page.locator(card).getByRole('link', { name: 'Last 7 days' }).click();
    await ui.page.waitForURL(/\?health=7d#task-health$/);
    await ui.page.locator(`${card}[data-health-window="7d"]`).waitFor();
    const week = await statsOf(`/v1/automations/${taskId}/stats?window=7d`);
    expect(await shownCounts(card)).toEqual({ succeeded: week.counts.succeeded, failed: week.counts.failed, retried: week.counts.retried, cancelled: week.counts.cancelled });
    expect(await ui.page.locator(`${card} .chart-bars > g`).count()).toBe(week.series.points.length);
    expect(week.series.points).toHaveLength(7);
    expect(await ui.page.locator(card).getByRole('link', { name: 'Last 7 days' }).getAttribute('aria-current')).toBe('true');
    await ui.page.getByRole('img', { name: 'Deliveries per day, the last 7 days' }).waitFor();
    expect(ui.problems).toEqual([]);
  });

  it('the account’s card on the settings page shows the same totals as the account stats API', async () => {
    await ui.page.goto(`${ui.notifier.url}/console`);
    const card = '#account-health';
    await ui.textOf(`${card} h2`, /Health of all tasks/);
    const account = await statsOf('/v1/account/stats');
    expect(account.counts).toMatchObject({ succeeded: 4, failed: 1, retried: 3 });
    expect(await shownCounts(card)).toEqual({ succeeded: 4, failed: 1, retried: 3, cancelled: 0 });
    expect(await statText(card, 'success_rate')).toBe('80%');
    expect(await drawnCounts(card)).toEqual({ succeeded: 4, failed: 1, cancelled: 0, retried: 3 });
    await ui.page.locator(card).getByRole('link', { name: 'See it in the log' }).waitFor();
    await ui.page.locator(card).scrollIntoViewIfNeeded();
    await ui.screenshot('console-health-account');

    // On a phone the chart scrolls inside its card; the page itself does not grow sideways.
    await ui.page.setViewportSize({ width: 390, height: 844 });
    await ui.page.reload();
    await ui.page.locator(`${card} .chart-svg`).waitFor();
    expect(await ui.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await ui.page.setViewportSize({ width: 1280, height: 900 });
    expect(ui.problems).toEqual([]);
  });
});
