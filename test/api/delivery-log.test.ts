/**
 * GET /v1/deliveries: the time range, paging both ways and the counts, on logs seeded straight
 * into the account object (ids minted from their creation time, as the object mints them).
 */
import { describe, expect, it } from 'vitest';
import { COUNT_CAP } from '../../src/domain/log-query';
import { call, createAccount, createAutomation, expectError, postEvent, sinkUrl, unique, type TestAccount } from '../helpers';
import { inPlane, seedLog } from '../delivery/support';

const MINUTE = 60_000;
const base = () => Math.floor(Date.now() / MINUTE) * MINUTE - 60 * MINUTE;
const iso = (ms: number) => new Date(ms).toISOString();
const ids = (body: { data: { id: string }[] }) => body.data.map((d) => d.id);

async function list(account: TestAccount, query: string) {
  const result = await call(`/v1/deliveries?${query}`, { token: account.admin });
  expect(result.status, JSON.stringify(result.body)).toBe(200);
  return result.body as { data: { id: string; status: string; automation_id: string; created_at: string }[]; next_cursor: string | null; prev_cursor: string | null; total: number; total_capped: boolean; newer_count: number | null };
}

describe('delivery log: time range', () => {
  it('lists deliveries created in [since, until), newest first, and counts them', async () => {
    const account = await createAccount();
    const t0 = base();
    const seeded = await seedLog(account, Array.from({ length: 10 }, (_, i) => ({ automation: 'aut_a', status: 'succeeded' as const, at: t0 + i * MINUTE })));
    const window = await list(account, `since=${iso(t0 + 3 * MINUTE)}&until=${iso(t0 + 7 * MINUTE)}`);
    expect(ids(window)).toEqual(seeded.slice(3, 7).reverse());
    expect(window).toMatchObject({ total: 4, total_capped: false, newer_count: 0, next_cursor: null, prev_cursor: null });
    // since alone, until alone; the bounds are inclusive and exclusive to the millisecond.
    expect(ids(await list(account, `since=${iso(t0 + 8 * MINUTE)}`))).toEqual(seeded.slice(8).reverse());
    expect(ids(await list(account, `until=${iso(t0 + MINUTE)}`))).toEqual([seeded[0]]);
    expect(ids(await list(account, `until=${iso(t0 + MINUTE + 1)}`))).toEqual([seeded[1], seeded[0]]);
    expect(ids(await list(account, `since=${iso(t0 + 9 * MINUTE + 1)}`))).toEqual([]);
    // Any offset is understood: 14:03+02:00 is 12:03Z.
    const plusTwo = (ms: number) => `${new Date(ms + 2 * 60 * MINUTE).toISOString().slice(0, 19)}%2B02:00`;
    expect(ids(await list(account, `since=${plusTwo(t0 + 3 * MINUTE)}&until=${plusTwo(t0 + 4 * MINUTE)}`))).toEqual([seeded[3]]);
  });

  it('filters by task, status and time together', async () => {
    const account = await createAccount();
    const t0 = base();
    const statuses = ['succeeded', 'failed', 'cancelled'] as const;
    const seeds = Array.from({ length: 30 }, (_, i) => ({ automation: i % 2 ? 'aut_b' : 'aut_a', status: statuses[i % 3]!, at: t0 + i * MINUTE }));
    const seeded = await seedLog(account, seeds);
    const since = t0 + 5 * MINUTE;
    const until = t0 + 25 * MINUTE;
    const expected = seeded.filter((_, i) => seeds[i]!.automation === 'aut_b' && seeds[i]!.status === 'failed' && seeds[i]!.at >= since && seeds[i]!.at < until);
    expect(expected.length).toBeGreaterThan(1);
    const page = await list(account, `automation_id=aut_b&status=failed&since=${iso(since)}&until=${iso(until)}`);
    expect(ids(page)).toEqual(expected.reverse());
    expect(page.total).toBe(expected.length);
    expect(page.data.every((d) => d.automation_id === 'aut_b' && d.status === 'failed')).toBe(true);
  });

  it('takes the time of a delivery made by a real event', async () => {
    const account = await createAccount();
    await createAutomation(account, { url: sinkUrl(unique('b')) });
    const before = Date.now() - 1;
    const posted = await postEvent(account, { type: 'inbound_call_ended', data: {} });
    expect(posted.body.deliveries).toBe(1);
    const after = Date.now() + 1;
    const within = await list(account, `since=${iso(before)}&until=${iso(after)}`);
    expect(within.total).toBe(1);
    expect(Date.parse(within.data[0]!.created_at)).toBeGreaterThanOrEqual(before);
    expect((await list(account, `until=${iso(before)}`)).total).toBe(0);
    expect((await list(account, `since=${iso(after)}`)).total).toBe(0);
  });
});

describe('delivery log: paging both ways', () => {
  it('pages older, then newer back through the same pages, with cursors and positions', async () => {
    const account = await createAccount();
    const t0 = base();
    const seeded = await seedLog(account, Array.from({ length: 10 }, (_, i) => ({ automation: 'aut_a', status: 'succeeded' as const, at: t0 + i * MINUTE })));
    const newestFirst = [...seeded].reverse();

    const forward = [];
    let page = await list(account, 'limit=3');
    forward.push(page);
    while (page.next_cursor) {
      page = await list(account, `limit=3&cursor=${page.next_cursor}`);
      forward.push(page);
    }
    expect(forward.map(ids)).toEqual([newestFirst.slice(0, 3), newestFirst.slice(3, 6), newestFirst.slice(6, 9), newestFirst.slice(9)]);
    expect(forward.map((p) => p.newer_count)).toEqual([0, 3, 6, 9]);
    expect(forward.map((p) => p.total)).toEqual([10, 10, 10, 10]);
    expect(forward[0]!.prev_cursor).toBeNull();
    expect(forward.slice(1).every((p) => p.prev_cursor === p.data[0]!.id)).toBe(true);

    const backward = [page];
    while (page.prev_cursor) {
      page = await list(account, `limit=3&ending_before=${page.prev_cursor}`);
      backward.unshift(page);
    }
    expect(backward.map(ids)).toEqual(forward.map(ids));
    expect(backward.map((p) => p.newer_count)).toEqual([0, 3, 6, 9]);
    expect(backward.map((p) => p.next_cursor)).toEqual(forward.map((p) => p.next_cursor));
    expect(backward[0]!.prev_cursor).toBeNull();
  });

  it('pages within the filter: cursors stop at the edges of the time range and status', async () => {
    const account = await createAccount();
    const t0 = base();
    const seeds = Array.from({ length: 12 }, (_, i) => ({ automation: 'aut_a', status: (i % 2 ? 'failed' : 'succeeded') as 'failed' | 'succeeded', at: t0 + i * MINUTE }));
    const seeded = await seedLog(account, seeds);
    // Failed ones in [2, 10): 3, 5, 7, 9.
    const filter = `status=failed&since=${iso(t0 + 2 * MINUTE)}&until=${iso(t0 + 10 * MINUTE)}&limit=2`;
    const first = await list(account, filter);
    expect(ids(first)).toEqual([seeded[9], seeded[7]]);
    expect(first).toMatchObject({ total: 4, prev_cursor: null, next_cursor: seeded[7] });
    const second = await list(account, `${filter}&cursor=${first.next_cursor}`);
    expect(ids(second)).toEqual([seeded[5], seeded[3]]);
    expect(second).toMatchObject({ next_cursor: null, prev_cursor: seeded[5], newer_count: 2 });
    const back = await list(account, `${filter}&ending_before=${second.prev_cursor}`);
    expect(ids(back)).toEqual(ids(first));
    expect(back).toMatchObject({ prev_cursor: null, next_cursor: seeded[7], newer_count: 0 });
    // Newer than the newest: an empty page, no cursors.
    expect(await list(account, `${filter}&ending_before=${seeded[9]}`)).toMatchObject({ data: [], prev_cursor: null, next_cursor: null, newer_count: null, total: 4 });
  });
});

describe('delivery log: counts', () => {
  it(`counts exactly up to ${COUNT_CAP}, then says there are more`, async () => {
    const account = await createAccount();
    const t0 = base();
    const n = COUNT_CAP + 5;
    // One per 100 ms over the last hour or so; every 1,000th failed.
    await inPlane(account.id, (_instance, sql) =>
      sql.exec(
        `WITH RECURSIVE seq(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM seq WHERE i < ?)
         INSERT INTO deliveries (id, automation_id, event_id, destination, status, opened_at, created_at, updated_at)
         SELECT 'dlv_' || printf('%012x', ? + i * 100) || printf('%016x', i), 'aut_bulk', 'evt_bulk', 'https://example.com',
                CASE WHEN i % 1000 = 0 THEN 'failed' ELSE 'succeeded' END, ? + i * 100, ? + i * 100, ? + i * 100 FROM seq`,
        n - 1, t0, t0, t0, t0,
      ),
    );
    const all = await list(account, 'limit=1');
    expect(all).toMatchObject({ total: COUNT_CAP, total_capped: true, newer_count: 0 });
    const failed = await list(account, 'status=failed&automation_id=aut_bulk');
    expect(failed).toMatchObject({ total: 11, total_capped: false });
    expect(failed.data).toHaveLength(11);
    // Exactly at the cap is exact; one over is capped.
    const until = (k: number) => iso(t0 + k * 100);
    expect(await list(account, `until=${until(COUNT_CAP)}&limit=1`)).toMatchObject({ total: COUNT_CAP, total_capped: false });
    expect(await list(account, `until=${until(COUNT_CAP + 1)}&limit=1`)).toMatchObject({ total: COUNT_CAP, total_capped: true });
    // Deep pages: the position is exact below the cap, null past it.
    const deep = await list(account, `limit=1&cursor=${all.data[0]!.id}`);
    expect(deep.newer_count).toBe(1);
    const oldest = await list(account, `limit=1&ending_before=dlv_&since=${iso(t0)}&until=${until(1)}`);
    expect(oldest.total).toBe(1);
    const last = await list(account, `limit=2&cursor=${'dlv_' + (t0 + 100).toString(16).padStart(12, '0')}`);
    expect(last).toMatchObject({ newer_count: null, next_cursor: null });
    expect(last.data).toHaveLength(1);
  });
});

describe('delivery log: bad input', () => {
  it('answers every bad time or paging parameter with a 422 naming it, and changes nothing', async () => {
    const account = await createAccount();
    const t0 = base();
    await seedLog(account, [{ automation: 'aut_a', status: 'succeeded', at: t0 }]);
    const before = await list(account, '');
    const bad: [string, string][] = [
      ['since=yesterday', 'since'],
      ['until=2025-13-01T00:00:00Z', 'until'],
      ['since=2025-05-01', 'since'], // a date without a time
      ['since=2025-05-01T00:00:00', 'since'], // no offset: whose midnight?
      ['since=1999-12-31T23:59:59Z', 'since'],
      ['until=2100-01-01T00:00:00.001Z', 'until'],
      ['since=9999-01-01T00:00:00Z', 'since'],
      [`since=${iso(t0)}&until=${iso(t0)}`, 'until'],
      [`since=${iso(t0 + 1)}&until=${iso(t0)}`, 'until'],
      ['cursor=dlv_1&ending_before=dlv_2', 'ending_before'],
      ['ending_before=', 'ending_before'],
      [`ending_before=${'x'.repeat(129)}`, 'ending_before'],
    ];
    for (const [query, field] of bad) {
      const error = expectError(await call(`/v1/deliveries?${query}`, { token: account.admin }), 422, 'validation_failed');
      expect(error.details.map((d) => d.path), query).toEqual([expect.stringMatching(new RegExp(`(^|\\.)${field}$`))]);
    }
    expect(await list(account, '')).toEqual(before);
  });
});

describe('delivery log: OpenAPI', () => {
  it('documents the time range, both cursors and the counts', async () => {
    const { body } = await call('/openapi.json');
    const params = (body.paths['/v1/deliveries'].get.parameters as { name: string }[]).map((p) => p.name);
    expect(params).toEqual(expect.arrayContaining(['since', 'until', 'cursor', 'ending_before', 'limit', 'status', 'automation_id']));
    const page = body.components.schemas.DeliveryPage;
    expect(Object.keys(page.properties)).toEqual(['data', 'next_cursor', 'prev_cursor', 'total', 'total_capped', 'newer_count']);
    expect(page.properties.total_capped.description).toContain('10,000');
  });
});
