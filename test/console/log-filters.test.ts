/**
 * The delivery log page's filters as the server reads them from the URL: task (or the
 * operations webhook), status, time range (presets, ISO since/until, or the script-less form's
 * UTC from/to), paging both ways with a count, and notes for values it had to leave out.
 */
import { describe, expect, it } from 'vitest';
import { seedLog } from '../delivery/support';
import { createAccount, createAutomation, postEvent, sinkUrl, unique } from '../helpers';
import { listedIds, pageHtml, signIn } from './console-helpers';

const countText = (page: string) => /<p class="pager-count" id="log-count">([^<]*)<\/p>/.exec(page)?.[1] ?? null;
/** The href of the link with this text, unescaped. */
const linkOf = (page: string, text: string) =>
  [...page.matchAll(/<a [^>]*href="([^"]+)"[^>]*>([^<]+)<\/a>/g)].find((m) => m[2] === text)?.[1]?.replaceAll('&amp;', '&') ?? null;
const notes = (page: string) => [...page.matchAll(/<li>([^<]*)<\/li>/g)].map((m) => m[1]!);

const MINUTE = 60_000;

describe('delivery log page: filters in the URL', () => {
  it('filters by task, status and time range, offers every task and the operations webhook, and counts', async () => {
    const account = await createAccount();
    const a = await createAutomation(account, { url: sinkUrl(unique('b')), name: 'Alpha hook' });
    const b = await createAutomation(account, { url: sinkUrl(unique('b')), name: 'Beta hook' });
    const { cookie } = await signIn(account.admin);
    const now = Date.now();
    const ops = `ops_${account.id}`;
    const ids = await seedLog(account, [
      { automation: a.id, status: 'succeeded', at: now - 3 * 86_400_000 },
      { automation: a.id, status: 'failed', at: now - 2 * 3_600_000 },
      { automation: b.id, status: 'failed', at: now - 30 * MINUTE },
      { automation: ops, status: 'succeeded', at: now - 10 * MINUTE },
    ]);

    const all = await pageHtml('/console/deliveries', cookie);
    expect(listedIds(all)).toEqual([...ids].reverse());
    expect(countText(all)).toBe('1–4 of 4');
    expect(all).toContain(`<option value="${a.id}">Alpha hook (An inbound call ends)</option>`);
    expect(all).toContain(`<option value="${ops}">Operations webhook</option>`);
    expect(all).toContain('<option value="" selected="">All tasks</option>');
    // Applied by the page script on a confirmed choice, or by Apply (the same button sends the form without a script).
    expect(all).toMatch(/<button type="submit" class="button" id="filters-apply">Apply<\/button>/);

    const taskA = await pageHtml(`/console/deliveries?automation=${a.id}`, cookie);
    expect(listedIds(taskA)).toEqual([ids[1], ids[0]]);
    expect(taskA).toContain(`<option value="${a.id}" selected="">Alpha hook`);
    expect(listedIds(await pageHtml(`/console/deliveries?automation=${ops}`, cookie))).toEqual([ids[3]]);
    expect(listedIds(await pageHtml('/console/deliveries?status=failed&range=24h', cookie))).toEqual([ids[2], ids[1]]);
    const lastHour = await pageHtml('/console/deliveries?range=1h', cookie);
    expect(listedIds(lastHour)).toEqual([ids[3], ids[2]]);
    expect(lastHour).toContain('<option value="1h" selected="">Last hour</option>');
    expect(countText(lastHour)).toBe('1–2 of 2');
    // A custom range, as the script writes it (ISO) and as the script-less form sends it (UTC).
    const since = new Date(now - 3 * 3_600_000).toISOString();
    const until = new Date(now - 20 * MINUTE).toISOString();
    const custom = await pageHtml(`/console/deliveries?since=${since}&until=${until}`, cookie);
    expect(listedIds(custom)).toEqual([ids[2], ids[1]]);
    expect(custom).toContain('<option value="custom" selected="">Custom range</option>');
    expect(custom).toContain(`data-iso="${since}"`);
    const form = await pageHtml(`/console/deliveries?range=custom&from=${since.slice(0, 16)}&to=${until.slice(0, 16)}&automation=${b.id}`, cookie);
    expect(listedIds(form)).toEqual([ids[2]]);
    // The search keeps the filters, and the filters keep the search.
    const searched = await pageHtml(`/console/deliveries?call_id=CA42&status=failed&range=7d`, cookie);
    expect(searched).toContain('<input type="hidden" name="status" value="failed"/>');
    expect(searched).toContain('<input type="hidden" name="range" value="7d"/>');
    expect(searched).toContain('<input type="hidden" name="call_id" value="CA42"/>');
  });

  it('pages both ways with a count, keeping the filters in the links', async () => {
    const account = await createAccount();
    const { cookie } = await signIn(account.admin);
    const t0 = Date.now() - 60 * MINUTE;
    const ids = await seedLog(account, Array.from({ length: 7 }, (_, i) => ({ automation: 'aut_x', status: i % 2 ? ('failed' as const) : ('succeeded' as const), at: t0 + i * MINUTE })));
    const first = await pageHtml('/console/deliveries?limit=3&range=24h', cookie);
    expect(listedIds(first)).toEqual([ids[6], ids[5], ids[4]]);
    expect(countText(first)).toBe('1–3 of 7');
    expect(linkOf(first, 'Newer deliveries')).toBeNull();
    const olderLink = linkOf(first, 'Older deliveries')!;
    expect(olderLink).toBe(`/console/deliveries?range=24h&limit=3&cursor=${ids[4]}`);
    const second = await pageHtml(olderLink, cookie);
    expect(listedIds(second)).toEqual([ids[3], ids[2], ids[1]]);
    expect(countText(second)).toBe('4–6 of 7');
    const back = await pageHtml(linkOf(second, 'Newer deliveries')!, cookie);
    expect(listedIds(back)).toEqual(listedIds(first));
    expect(countText(back)).toBe('1–3 of 7');
    const last = await pageHtml(linkOf(second, 'Older deliveries')!, cookie);
    expect(countText(last)).toBe('7–7 of 7');
    expect(linkOf(last, 'Older deliveries')).toBeNull();
  });

  it('leaves out unknown or invalid values with a note instead of failing', async () => {
    const account = await createAccount();
    const { cookie } = await signIn(account.admin);
    const [id] = await seedLog(account, [{ automation: 'aut_x', status: 'succeeded', at: Date.now() - MINUTE }]);
    const cases: [string, RegExp][] = [
      ['status=bogus', /“bogus” is not a delivery status/],
      ['automation=aut_gone', /No automated task “aut_gone”/],
      ['range=2w', /“2w” is not a time range/],
      ['since=yesterday', /“yesterday” is not a date and time/],
      ['from=31/12/2024', /“31\/12\/2024” is not a date and time/],
      ['since=2025-02-01T00:00:00Z&until=2025-01-01T00:00:00Z', /The time range was left out: its end must be later than since/],
      ['since=1970-01-01T00:00:00Z', /The time range was left out: its start must be between/],
      ['limit=5000', /“5000” is not a page size/],
    ];
    for (const [query, note] of cases) {
      const page = await pageHtml(`/console/deliveries?${query}`, cookie);
      expect(page, query).toContain('Some filters in the address were left out');
      expect(notes(page).some((text) => note.test(text)), `${query}: ${notes(page).join(' | ')}`).toBe(true);
      expect(listedIds(page), query).toEqual([id]);
    }
    expect(await pageHtml('/console/deliveries?range=24h&status=succeeded', cookie)).not.toContain('Some filters in the address were left out');
  });

  it('finds every delivery of one event by its id, and shows the event and the task by name in each row', async () => {
    const account = await createAccount();
    const named = await createAutomation(account, { url: sinkUrl(unique('e')), name: 'CRM sync' });
    const unnamed = await createAutomation(account, { url: sinkUrl(unique('e')), name: null });
    const { cookie } = await signIn(account.admin);
    expect((await postEvent(account, { id: 'evt-wanted-1', type: 'inbound_call_ended', data: { call_id: 'CA1' } })).status).toBe(202);
    expect((await postEvent(account, { id: 'evt-other-2', type: 'inbound_call_ended', data: { call_id: 'CA2' } })).status).toBe(202);

    for (const path of ['/console/deliveries?event_id=evt-wanted-1', '/console/deliveries?by=event_id&q=evt-wanted-1']) {
      const page = await pageHtml(path, cookie);
      const rows = listedIds(page);
      expect(rows, path).toHaveLength(2); // one per task of the trigger
      expect(page).not.toContain('evt-other-2');
      expect(page).toMatch(/about Event ID <strong class="mono">evt-wanted-1<\/strong>/);
      expect(page).toMatch(/<option value="event_id" selected="">Event ID<\/option>/);
    }

    const all = await pageHtml('/console/deliveries', cookie);
    expect(listedIds(all)).toHaveLength(4);
    // The event column links to that event's deliveries; the task column names the task.
    expect(linkOf(all, 'evt-wanted-1')).toBe('/console/deliveries?event_id=evt-wanted-1');
    expect(linkOf(all, 'CRM sync')).toBe(`/console/automations/${named.id}`);
    expect(linkOf(all, 'An inbound call ends')).toBe(`/console/automations/${unnamed.id}`);
  });
});
