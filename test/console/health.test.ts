/**
 * Health at a glance in the console (issue #10): the account's card on the settings page and a
 * task's card in its editor show the numbers of GET /v1/…/stats, with a chart drawn on the
 * server, and a 24 hours / 7 days switch made of links that keep the page's query.
 */
import { describe, expect, it } from 'vitest';
import { failedLogHref, latencyText, percentText, statusLogHref } from '../../src/console/pages/health-card';
import { HOUR_MS, hourOf } from '../../src/domain/delivery-stats';
import { deliver, inPlane, seedDeliveries } from '../delivery/support';
import { call, createAccount, createAutomation, sinkUrl, unique } from '../helpers';
import { pageHtml, signIn } from './console-helpers';

/** The markup of one health card. */
function card(page: string, id: string): string {
  const start = page.search(new RegExp(`<section class="card health-card[^"]*" id="${id}"`));
  expect(start, `card ${id}`).toBeGreaterThan(-1);
  return page.slice(start, page.indexOf('</section>', start));
}

/** A stat's shown value, by its data-stat name. */
function stat(cardHtml: string, name: string): string {
  const match = new RegExp(`data-stat="${name}">(?:(?!data-stat=)[\\s\\S])*?class="stat-value[^"]*">([^<]*)<`).exec(cardHtml);
  expect(match, `stat ${name}`).toBeTruthy();
  return match![1]!;
}

/** The chart's bars as drawn: the sum of each outcome's segments. */
function drawn(cardHtml: string): Record<string, number> {
  const sums: Record<string, number> = { succeeded: 0, failed: 0, cancelled: 0, retried: 0 };
  for (const m of cardHtml.matchAll(/<rect class="chart-(\w+)"[^>]* data-outcome="\w+" data-value="(\d+)"/g)) sums[m[1]!]! += Number(m[2]);
  return sums;
}

const decode = (s: string) => s.replaceAll('&amp;', '&');
const periodLinks = (cardHtml: string) =>
  [...cardHtml.matchAll(/<a href="([^"]+)"( aria-current="true")?>(Last [^<]+)<\/a>/g)].map((m) => ({ href: decode(m[1]!), current: !!m[2], label: m[3] }));

async function apiStats(token: string, path: string) {
  const response = await call(path, { token });
  expect(response.status).toBe(200);
  return response.body;
}

function expectCardShows(cardHtml: string, api: Awaited<ReturnType<typeof apiStats>>) {
  expect(stat(cardHtml, 'success_rate')).toBe(percentText(api.success_rate));
  for (const key of ['succeeded', 'failed', 'retried', 'cancelled'] as const) expect(stat(cardHtml, key), key).toBe(String(api.counts[key]));
  expect(stat(cardHtml, 'p50')).toBe(latencyText(api.latency_ms.p50));
  expect(stat(cardHtml, 'p95')).toBe(latencyText(api.latency_ms.p95));
  expect(drawn(cardHtml)).toEqual({ succeeded: api.counts.succeeded, failed: api.counts.failed, cancelled: api.counts.cancelled, retried: api.counts.retried });
  expect(cardHtml).toContain(`data-health-state="${api.state}"`);
  expect(cardHtml.match(/<tbody>[\s\S]*<\/tbody>/)![0].match(/<tr>/g)).toHaveLength(api.series.points.length);
}

describe('console health cards', () => {
  it('show a response time as the band it is known to fall in, and a success rate never rounded up to 100%', () => {
    expect([100, 250, 1_000, 2_500, 10_000, 30_000, null].map(latencyText)).toEqual(
      ['under 100 ms', '100–250 ms', '500 ms–1 s', '1–2.5 s', '5–10 s', 'over 10 s', 'No attempts yet'],
    );
    expect([1, 0.9996, 2 / 3, 0.7, 0, null].map(percentText)).toEqual(['100%', '99.9%', '66.6%', '70%', '0%', '—']);
  });

  it('link the Failed and Expired counts to the log of exactly those: that status, created since the window’s start', () => {
    const from = '2026-01-10T15:00:00.000Z';
    expect(failedLogHref('/console/deliveries', from)).toBe(`/console/deliveries?status=failed&since=${encodeURIComponent(from)}`);
    expect(statusLogHref('/console/deliveries?automation=aut_1', 'expired', from))
      .toBe(`/console/deliveries?automation=aut_1&status=expired&since=${encodeURIComponent(from)}`);
  });

  it('show the account’s and a task’s success rate, outcomes, response times and chart, for 24 hours and 7 days', async () => {
    const account = await createAccount();
    const ok = await createAutomation(account, { url: sinkUrl(unique('b')) });
    const gone = await createAutomation(account, { url: sinkUrl(unique('b'), 'status=410') });
    await deliver(await seedDeliveries(account, { call_id: 'CA1' })); // ok: succeeded; gone: failed (and turned off)
    await deliver(await seedDeliveries(account, { call_id: 'CA2' })); // ok: succeeded
    // Three days ago `ok` had a bad spell: only the 7-day view includes it.
    await inPlane(account.id, (_i, sql) =>
      sql.exec('INSERT INTO stats_hourly (automation_id, hour, succeeded, failed, retried, attempts, attempts_failed, lat_4) VALUES (?, ?, 5, 2, 4, 11, 6, 11)',
        ok.id, hourOf(Date.now()) - 72 * HOUR_MS),
    );
    const { cookie } = await signIn(account.admin);

    const day = card(await pageHtml('/console', cookie), 'account-health');
    const dayApi = await apiStats(account.admin, '/v1/account/stats?window=24h');
    expect(dayApi.counts).toMatchObject({ succeeded: 2, failed: 1 });
    expectCardShows(day, dayApi);
    expect(stat(day, 'success_rate')).toBe('66.6%'); // 2 of 3, rounded down
    expect(day).toContain('2 of 3 succeeded (finished, or retrying now)');
    expect(day).toContain('<svg class="chart-svg" role="img"');
    expect(day).toMatch(/<desc id="account-health-svg-desc">Deliveries per hour over the last 24 hours: 2 succeeded, 1 failed, 0 cancelled, 0 expired, 0 failed attempts retried\./);
    // The link lists exactly what the Failed count counts: failed deliveries created since the window's start.
    expect(day).toContain(`href="/console/deliveries?status=failed&amp;since=${encodeURIComponent(dayApi.from)}">See it in the log</a>`);
    expect(periodLinks(day)).toEqual([
      { href: '/console?health=24h#account-health', current: true, label: 'Last 24 hours' },
      { href: '/console?health=7d#account-health', current: false, label: 'Last 7 days' },
    ]);

    // 7 days, with the page's other parameters kept by the switch.
    const week = card(await pageHtml('/console?notices=abc&health=7d', cookie), 'account-health');
    const weekApi = await apiStats(account.admin, '/v1/account/stats?window=7d');
    expect(weekApi.counts).toMatchObject({ succeeded: 7, failed: 3, retried: 4 });
    expectCardShows(week, weekApi);
    expect(stat(week, 'success_rate')).toBe('70%');
    expect(stat(week, 'p95')).toBe('1–2.5 s');
    expect(week).toContain('Deliveries per day, the last 7 days');
    expect(periodLinks(week)).toEqual([
      { href: '/console?notices=abc&health=24h#account-health', current: false, label: 'Last 24 hours' },
      { href: '/console?notices=abc&health=7d#account-health', current: true, label: 'Last 7 days' },
    ]);
    // An unknown period is the default one.
    expect(card(await pageHtml('/console?health=30d', cookie), 'account-health')).toContain('data-health-window="24h"');

    // A task's card, first on its page; the one-time "saved" message is not carried by the switch.
    const editor = await pageHtml(`/console/automations/${ok.id}?flash=created&health=7d`, cookie);
    expect(editor.indexOf('id="task-health"')).toBeLessThan(editor.indexOf('id="automation-form"'));
    const task = card(editor, 'task-health');
    expectCardShows(task, await apiStats(account.admin, `/v1/automations/${ok.id}/stats?window=7d`));
    expect(stat(task, 'succeeded')).toBe('7');
    expect(stat(task, 'failed')).toBe('2');
    expect(task).toContain(`href="/console/deliveries?automation=${ok.id}&amp;status=failed&amp;since=`);
    expect(periodLinks(task).map((l) => l.href)).toEqual([`/console/automations/${ok.id}?health=24h#task-health`, `/console/automations/${ok.id}?health=7d#task-health`]);
    const goneCard = card(await pageHtml(`/console/automations/${gone.id}`, cookie), 'task-health');
    expectCardShows(goneCard, await apiStats(account.admin, `/v1/automations/${gone.id}/stats`));
    expect(stat(goneCard, 'success_rate')).toBe('0%');
  });

  it('say so when there is nothing to show, and leave the card out of a new task and an account without tasks', async () => {
    const account = await createAccount();
    const { cookie } = await signIn(account.admin);
    expect(await pageHtml('/console', cookie)).not.toContain('health-card');
    expect(await pageHtml('/console/automations/new', cookie)).not.toContain('health-card');

    const quiet = await createAutomation(account);
    const task = card(await pageHtml(`/console/automations/${quiet.id}`, cookie), 'task-health');
    expect(task).toContain('No deliveries in the last 24 hours.');
    expect(task).not.toContain('<svg class="chart-svg"');
    expect(stat(task, 'success_rate')).toBe('—');
    expect(stat(task, 'p50')).toBe('No attempts yet');
    expect(card(await pageHtml('/console?health=7d', cookie), 'account-health')).toContain('No deliveries in the last 7 days.');
  });

  it('show a task whose every attempt fails, still retrying, as failing: red, with since when, never "No deliveries"', async () => {
    const account = await createAccount();
    // Retry-After keeps the retry far off: the delivery stays retrying through the test.
    const busy = await createAutomation(account, { url: sinkUrl(unique('b'), 'status=503&retry_after=60') });
    await deliver(await seedDeliveries(account, { call_id: 'CA9' }));
    const { cookie } = await signIn(account.admin);
    const api = await apiStats(account.admin, `/v1/automations/${busy.id}/stats`);
    expect(api).toMatchObject({ state: 'failing', success_rate: 0, counts: { retrying: 1, retried: 1, failed: 0 } });
    const task = card(await pageHtml(`/console/automations/${busy.id}`, cookie), 'task-health');
    expectCardShows(task, api);
    expect(task).toContain('class="card health-card health-failing"');
    expect(task).toMatch(/data-health-badge="true">Failing</);
    expect(task).toContain(`data-failing-since="${api.failing_since}"`);
    expect(task).toMatch(/every attempt since then has failed; 1 delivery waits to be tried again\./);
    expect(stat(task, 'retrying')).toBe('1');
    expect(stat(task, 'success_rate')).toBe('0%');
    expect(task).not.toContain('No deliveries');
    expect(task).toContain('<rect class="chart-retried"');
    // The account's card: not 100%, and not "healthy".
    const account24 = card(await pageHtml('/console', cookie), 'account-health');
    expect(account24).toContain('data-health-state="failing"');
  });

  it('draw the 7-day view in the reader’s calendar days, from the zone their browser put in a cookie', async () => {
    const account = await createAccount();
    const ok = await createAutomation(account, { url: sinkUrl(unique('b')) });
    await deliver(await seedDeliveries(account, { call_id: 'CA1' }));
    const { cookie } = await signIn(account.admin);
    const week = card(await pageHtml(`/console/automations/${ok.id}?health=7d`, `${cookie}; hn_tz=Asia%2FKolkata`), 'task-health');
    const api = await apiStats(account.admin, `/v1/automations/${ok.id}/stats?window=7d&tz=Asia%2FKolkata`);
    expect(api.series.points.at(-1).start).toMatch(/T18:30:00\.000Z$/);
    expectCardShows(week, api);
    expect(week).toContain('calendar days in Asia/Kolkata');
    expect(week).toContain('data-zone-asked="Asia/Kolkata"');
    expect(week).toContain(`data-point="${api.series.points.at(-1).start}"`);
    // A zone the server cannot read is still echoed (so the page does not reload for ever), and the view stays in UTC.
    const odd = card(await pageHtml(`/console/automations/${ok.id}?health=7d`, `${cookie}; hn_tz=Mars%2FOlympus`), 'task-health');
    expect(odd).toContain('data-zone-asked="Mars/Olympus"');
    expect(odd).toContain('calendar days in UTC');
  });
});
