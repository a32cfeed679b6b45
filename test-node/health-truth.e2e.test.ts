/**
 * Truthful health and acting on a filtered set, in a real browser (issue #18): a task whose
 * endpoint fails every attempt is shown failing while its deliveries still retry (never "No
 * deliveries"); once they have failed, the Failed count and its link list the same deliveries;
 * "Resend all N shown by these filters" in the log sends them all again after a confirmation
 * stating N, and the health card and notices follow. Numbers are checked against the API.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from './support/api-client';
import { startConsole, type ConsoleFixture } from './support/console-fixture';

let ui: ConsoleFixture;
let taskId = '';

interface Stats {
  state: string;
  from: string;
  success_rate: number | null;
  failing_since?: string | null;
  counts: { succeeded: number; failed: number; cancelled: number; retried: number; open: number; retrying: number };
}
const taskStats = async () => (await ui.admin.get<Stats>(`/v1/automations/${taskId}/stats`)).body;
const statText = (name: string) => ui.page.locator(`#task-health [data-stat="${name}"] .stat-value`).innerText();

beforeAll(async () => {
  ui = await startConsole('e2e-truth');
  // Every attempt answers 400 after 3 s, so the deliveries stay retrying for half a minute (schedule 2, 5, 10 s);
  // a 4xx, unlike a 5xx, never pauses the destination, so the failures come on schedule.
  const created = await ui.admin.post('/v1/automations', {
    name: 'Always failing', trigger: 'inbound_call_ended', url: `${ui.receiver.url}/status/400/down?delay_ms=3000`, body: '{"call_id": "{{call_id}}"}',
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  taskId = created.body.id;
}, 180_000);

afterAll(async () => {
  await ui?.close();
});

describe('truthful health, and resending a filtered set', () => {
  it('a task with only failing retries is shown failing, with since when, never "No deliveries"', async () => {
    for (const call of ['CA1', 'CA2']) expect((await ui.events.post('/v1/events', { type: 'inbound_call_ended', data: { call_id: call } })).status).toBe(202);
    const stats = await eventually(async () => {
      const s = await taskStats();
      expect(s.counts).toMatchObject({ retrying: 2, failed: 0, succeeded: 0 });
      return s;
    }, 30_000, 250);
    expect(stats).toMatchObject({ state: 'failing', success_rate: 0, failing_since: expect.any(String) });

    await ui.page.goto(`${ui.notifier.url}/console/automations/${taskId}`);
    const card = ui.page.locator('#task-health');
    expect(await card.getAttribute('data-health-state')).toBe('failing');
    await ui.textOf('#task-health [data-health-badge]', /^Failing$/);
    await ui.textOf('#task-health [data-failing-since]', /^Failing since .+: every attempt since then has failed; 2 deliveries wait to be tried again\.$/);
    expect(await statText('retrying')).toBe(String(stats.counts.retrying));
    expect(await statText('success_rate')).toBe('0%');
    expect(await statText('failed')).toBe('0');
    expect(await card.innerText()).not.toMatch(/No deliveries/);
    // The chart draws the failed attempts; red, not a success colour.
    expect(await card.locator('rect.chart-retried').count()).toBeGreaterThan(0);
    expect(await card.evaluate((el) => getComputedStyle(el).borderTopColor)).toBe('rgb(179, 38, 30)'); // --danger
    await ui.screenshot('console-health-failing');

    // The account's card says the same: not "healthy", not 100%.
    await ui.page.goto(`${ui.notifier.url}/console`);
    expect(await ui.page.locator('#account-health').getAttribute('data-health-state')).toBe('failing');
    expect(ui.problems).toEqual([]);
  });

  it('resending a filtered set from the log: N stated, all sent again, the card and notices follow', async () => {
    // Every attempt used: both failed. Failed and its link agree.
    const failed = await eventually(async () => {
      const s = await taskStats();
      expect(s.counts).toMatchObject({ failed: 2, retrying: 0 });
      return s;
    }, 90_000, 500);
    await ui.page.goto(`${ui.notifier.url}/console/automations/${taskId}`);
    expect(await statText('failed')).toBe('2');
    await ui.page.locator('#task-health').getByRole('link', { name: 'See these 2 in the log' }).click();
    await ui.page.waitForURL(/\/console\/deliveries\?/);
    expect(new URL(ui.page.url()).searchParams.get('since')).toBe(failed.from);
    await ui.textOf('#log-count', /^1–2 of 2$/);

    // The endpoint is fixed; from the log, resend everything these filters show.
    expect((await ui.admin.request('PATCH', `/v1/automations/${taskId}`, { url: `${ui.receiver.url}/hooks/fixed` })).status).toBe(200);
    const button = ui.page.getByRole('button', { name: 'Resend all 2 shown by these filters' });
    await button.click();
    const dialog = ui.page.getByRole('dialog', { name: 'Resend all 2 failed deliveries?' });
    await dialog.waitFor();
    expect(await dialog.innerText()).toMatch(/Every one of the 2 failed deliveries these filters show is sent again/);
    await ui.screenshot('console-resend-all');
    // Cancel first: nothing is sent (the page's requests are watched; the dialog closing is the signal).
    const resends: string[] = [];
    ui.page.on('request', (request) => {
      if (request.method() === 'POST' && new URL(request.url()).pathname === '/v1/deliveries/retry') resends.push(request.url());
    });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect(resends).toEqual([]);
    expect((await taskStats()).counts.failed).toBe(2);
    await button.click();
    await Promise.all([ui.page.waitForURL(/resent=2/), dialog.getByRole('button', { name: 'Resend 2' }).click()]);
    expect(resends).toHaveLength(1);
    await ui.textOf('#resend-all-outcome h2', /^Sent again: 2$/);

    const after = await eventually(async () => {
      const s = await taskStats();
      expect(s.counts).toMatchObject({ succeeded: 2, failed: 0, open: 0 });
      return s;
    }, 30_000, 250);
    expect(after).toMatchObject({ failing_since: null, success_rate: 1 });
    await ui.page.goto(`${ui.notifier.url}/console/automations/${taskId}`);
    expect(await statText('failed')).toBe('0');
    expect(await statText('succeeded')).toBe('2');
    expect(await ui.page.locator('#task-health [data-failing-since]').count()).toBe(0);

    // The two "Delivery failed" notices are closed, each by a "Delivery recovered" notice.
    const notices = (await ui.admin.get('/v1/account/notices')).body.data as { type: string; closed_at: string | null }[];
    expect(notices.filter((n) => n.type === 'delivery.exhausted').map((n) => n.closed_at !== null)).toEqual([true, true]);
    expect(notices.filter((n) => n.type === 'delivery.recovered')).toHaveLength(2);
    await ui.page.goto(`${ui.notifier.url}/console`);
    expect(await ui.page.locator('[data-notice-type="delivery.exhausted"][data-notice-closed="true"]').count()).toBe(2);
    expect(ui.problems).toEqual([]);
  });
});
