/**
 * Health that tells the truth (issue #18): what is happening now counts (deliveries retrying,
 * attempts failing, a task's failure streak); the Failed count is what the log lists for the
 * same window, also after failures are sent again; a later success closes a delivery's failure
 * notice with `delivery.recovered`; the 7-day view's days are the reader's. All through the API.
 */
import { describe, expect, it } from 'vitest';
import { call, createAccount, createAutomation, expectError, sinkUrl, unique, waitForDelivery, waitForSink } from '../helpers';
import { deliver, manualClock, nextAttempt, row, seedDeliveries } from '../delivery/support';

const H = 3_600_000;
const get = async (token: string, path: string) => {
  const answer = await call(path, { token });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body;
};
/** How many deliveries the log lists as failed for a window's start, and for one task. */
const failedListed = async (token: string, from: string, automationId: string) =>
  (await get(token, `/v1/deliveries?status=failed&automation_id=${automationId}&since=${encodeURIComponent(from)}`)).total;

describe('truthful health', () => {
  it('a task whose every attempt fails is failing while it retries; Failed and the log agree after resending; notices close', async () => {
    const account = await createAccount();
    const okBucket = unique('b');
    await createAutomation(account, { url: sinkUrl(okBucket), trigger: 'contact_created', body: '{"c": "{{contact_id}}"}' });
    // 400 is retried (and, unlike 5xx, does not pause the destination), then the delivery fails.
    const failing = await createAutomation(account, { url: sinkUrl(unique('b'), 'status=400') });
    const clock = await manualClock(account.id);
    const started = clock.now();
    await deliver([...(await seedDeliveries(account, { contact_id: 'CT1' }, clock.now(), 'contact_created')), ...(await seedDeliveries(account, { contact_id: 'CT2' }, clock.now(), 'contact_created'))]);
    const ids = [...(await seedDeliveries(account, { call_id: 'CA1' }, clock.now())), ...(await seedDeliveries(account, { call_id: 'CA2' }, clock.now()))];
    await deliver(ids);

    // Only failing attempts, both deliveries retrying: failing, 0%, with its streak's start; the chart has them.
    const now = await get(account.admin, `/v1/automations/${failing.id}/stats`);
    expect(now).toMatchObject({
      state: 'failing', success_rate: 0, failing_since: new Date(started).toISOString(),
      counts: { succeeded: 0, failed: 0, retried: 2, open: 2, retrying: 2 }, attempts: { total: 2, failed: 2 },
    });
    expect(now.series.points.at(-1)).toMatchObject({ retried: 2 });
    // The account: 2 succeeded elsewhere, 2 retrying here: 50%, not 100%.
    expect(await get(account.admin, '/v1/account/stats')).toMatchObject({ state: 'degraded', success_rate: 0.5, counts: { succeeded: 2, retrying: 2 } });

    // Each retry when due (the alarm that sends one sends the other too when both are due) until both failed.
    for (;;) {
      const open = [];
      for (const id of ids) if ((await row(id, account.id))!.next_attempt_at !== null) open.push(id);
      if (open.length === 0) break;
      await nextAttempt(account.id, open[0]!, clock);
    }
    const failed = await get(account.admin, `/v1/automations/${failing.id}/stats`);
    expect(failed).toMatchObject({ state: 'failing', counts: { failed: 2, retrying: 0, open: 0 } });
    expect(await failedListed(account.admin, failed.from, failing.id)).toBe(2);
    const exhausted = (await get(account.admin, '/v1/account/notices')).data;
    expect(exhausted.map((n: { type: string; closed_at: string | null }) => [n.type, n.closed_at])).toEqual([['delivery.exhausted', null], ['delivery.exhausted', null]]);

    // The endpoint is fixed; one delivery is sent again by hand: it succeeds.
    const fixedBucket = unique('b');
    expect((await call(`/v1/automations/${failing.id}`, { method: 'PATCH', token: account.admin, body: { url: sinkUrl(fixedBucket) } })).status).toBe(200);
    expect((await call(`/v1/deliveries/${ids[0]}/retry`, { method: 'POST', token: account.admin })).status).toBe(202);
    await waitForDelivery(account, ids[0]!, ['succeeded']);
    const one = await get(account.admin, `/v1/automations/${failing.id}/stats`);
    expect(one).toMatchObject({ state: 'degraded', failing_since: null, success_rate: 0.5, counts: { succeeded: 1, failed: 1 } });
    expect(await failedListed(account.admin, one.from, failing.id)).toBe(one.counts.failed);
    // Its failure notice is closed by a delivery.recovered notice naming it; the other stays open.
    const notices = (await get(account.admin, '/v1/account/notices')).data;
    const recovered = notices.find((n: { type: string }) => n.type === 'delivery.recovered');
    const closedOne = notices.find((n: { delivery_id: string; type: string }) => n.type === 'delivery.exhausted' && n.delivery_id === ids[0]);
    const openOne = notices.find((n: { delivery_id: string; type: string }) => n.type === 'delivery.exhausted' && n.delivery_id === ids[1]);
    expect(recovered).toMatchObject({ delivery_id: ids[0], details: { attempt: 5, closes: [closedOne.id] }, closed_at: null });
    expect(closedOne).toMatchObject({ closed_by: recovered.id, closed_at: expect.any(String) });
    expect(openOne).toMatchObject({ closed_at: null, closed_by: null });

    // The rest, as a filtered set: nothing failed is left, and the log agrees.
    const rest = await call('/v1/deliveries/retry', { token: account.admin, body: { status: 'failed', automation_id: failing.id } });
    expect(rest.body).toMatchObject({ retried: 1, more: false });
    await waitForDelivery(account, ids[1]!, ['succeeded']);
    await waitForSink(fixedBucket, 2);
    const all = await get(account.admin, `/v1/automations/${failing.id}/stats`);
    // Every delivery succeeded in the end; the failed attempts of the window still make it "degraded", not "ok".
    expect(all).toMatchObject({ state: 'degraded', failing_since: null, success_rate: 1, counts: { succeeded: 2, failed: 0 }, attempts: { failed: 8 } });
    expect(await failedListed(account.admin, all.from, failing.id)).toBe(0);
    const closed = (await get(account.admin, '/v1/account/notices')).data.filter((n: { type: string }) => n.type === 'delivery.exhausted');
    expect(closed.every((n: { closed_at: string | null }) => n.closed_at !== null)).toBe(true);
    expect((await row(ids[1]!, account.id))!.status).toBe('succeeded');
  });

  it('the 7-day view buckets by the reader’s calendar days', async () => {
    const account = await createAccount();
    await createAutomation(account, { url: sinkUrl(unique('b')) });
    // The latest UTC midnight at least half an hour ago (M); deliveries created at M − 1 h and M + 30 min:
    // two UTC days, one day in Kolkata (UTC+05:30 all year: 04:30 and 06:00 there).
    const DAY = 24 * H;
    const m = Math.floor((Date.now() - 30 * 60_000) / DAY) * DAY;
    // Each sent at the time it was created (the object's clock), then the clock is back at the real time.
    const clock = await manualClock(account.id, m - H);
    await deliver(await seedDeliveries(account, { call_id: 'late' }, m - H));
    clock.set(m + 30 * 60_000);
    await deliver(await seedDeliveries(account, { call_id: 'early' }, m + 30 * 60_000));
    clock.set(Date.now());

    const pointAt = async (tz: string, start: number) => {
      const stats = await get(account.admin, `/v1/account/stats?window=7d&tz=${encodeURIComponent(tz)}`);
      expect(stats.series.points).toHaveLength(7);
      return { zone: stats.zone, point: stats.series.points.find((p: { start: string }) => p.start === new Date(start).toISOString()) };
    };
    expect(await pointAt('UTC', m)).toMatchObject({ zone: 'UTC', point: { succeeded: 1 } });
    expect(await pointAt('UTC', m - DAY)).toMatchObject({ point: { succeeded: 1 } });
    expect(await pointAt('Asia/Kolkata', m - 5.5 * H)).toMatchObject({ zone: 'Asia/Kolkata', point: { succeeded: 2 } });
    expect(await pointAt('+05:30', m - 5.5 * H)).toMatchObject({ point: { succeeded: 2 } });
    // In New York (UTC−05:00 here as a fixed offset) both were the evening of the day before M.
    expect(await pointAt('-05:00', m - 19 * H)).toMatchObject({ point: { succeeded: 2 } });
    // Without a zone, UTC days.
    expect((await get(account.admin, '/v1/account/stats?window=7d')).zone).toBe('UTC');
    const bad = expectError(await call('/v1/account/stats?window=7d&tz=Mars%2FOlympus', { token: account.admin }), 422, 'validation_failed');
    expect(bad.details[0]!.path).toBe('query.tz');
  });
});
