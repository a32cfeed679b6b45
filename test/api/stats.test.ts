/**
 * Health at a glance: GET /v1/automations/{id}/stats and GET /v1/account/stats, from the
 * hourly rollups the account object keeps as outcomes are recorded; test sends left out.
 */
import { describe, expect, it } from 'vitest';
import { LATENCY_BOUNDS_MS } from '../../src/domain/delivery-stats';
import { deliver, seedDeliveries } from '../delivery/support';
import { call, createAccount, createAutomation, expectError, sinkUrl, unique, waitForDelivery } from '../helpers';

const stats = (token: string, path: string) => call(path, { token });

describe('delivery stats', () => {
  it('count a mix of outcomes per automation and for the account, with latency and a chart series', async () => {
    const account = await createAccount();
    const ok = await createAutomation(account, { url: sinkUrl(unique('b')) });
    const gone = await createAutomation(account, { url: sinkUrl(unique('b'), 'status=410') });
    await deliver(await seedDeliveries(account, { call_id: 'CA1' })); // ok: succeeded; gone: failed (and turned off)
    const [second] = await seedDeliveries(account, { call_id: 'CA2' }); // ok: succeeded
    await deliver([second!]);

    // A test send is left out of the stats and of "last delivery".
    const test = await call(`/v1/automations/${ok.id}/test`, { token: account.admin, body: {} });
    expect(test.status).toBe(202);
    await waitForDelivery(account, test.body.delivery_id, ['succeeded']);
    // "Last delivery" of the automation is its newest real delivery, not the later test send.
    const list = await call('/v1/automations', { token: account.admin });
    expect(list.body.data.find((x: { id: string }) => x.id === ok.id).last_delivery.id).toBe(second);

    // Retry-After keeps the retry far off, so nothing else happens to it during the test.
    const busy = await createAutomation(account, { url: sinkUrl(unique('b'), 'status=503&retry_after=60') });
    const third = await seedDeliveries(account, { call_id: 'CA3' }); // ok: succeeded; busy: retrying
    await deliver(third);
    const waiting = await stats(account.admin, `/v1/automations/${busy.id}/stats`);
    expect(waiting.status).toBe(200);
    expect(waiting.body.counts).toEqual({ succeeded: 0, failed: 0, cancelled: 0, expired: 0, retried: 1, filtered: 0, open: 1, retrying: 1 });
    // Retrying now counts as not (yet) succeeded: 0%, and failing (only failed attempts), never "no deliveries".
    expect(waiting.body).toMatchObject({ success_rate: 0, state: 'failing', failing_since: expect.any(String) });
    // Turning it off cancels its open delivery.
    expect((await call(`/v1/automations/${busy.id}`, { method: 'PATCH', token: account.admin, body: { enabled: false } })).status).toBe(200);

    const a = await stats(account.admin, `/v1/automations/${ok.id}/stats?window=24h`);
    expect(a.status).toBe(200);
    expect(a.body).toMatchObject({
      window: '24h', success_rate: 1,
      state: 'ok', failing_since: null,
      counts: { succeeded: 3, failed: 0, cancelled: 0, expired: 0, retried: 0, filtered: 0, open: 0, retrying: 0 },
      attempts: { total: 3, failed: 0 },
    });
    expect(LATENCY_BOUNDS_MS).toContain(a.body.latency_ms.p50);
    expect(a.body.latency_ms.p95).toBeGreaterThanOrEqual(a.body.latency_ms.p50);
    expect(a.body.series.bucket).toBe('hour');
    expect(a.body.series.points).toHaveLength(24);
    expect(a.body.series.points.at(-1)).toMatchObject({ succeeded: 3, failed: 0 });
    expect(Date.parse(a.body.series.points.at(-1).start)).toBeLessThanOrEqual(Date.now());
    expect(Date.parse(a.body.to)).toBeGreaterThan(Date.now());

    const c = await stats(account.admin, `/v1/automations/${gone.id}/stats`);
    expect(c.body).toMatchObject({ success_rate: 0, counts: { succeeded: 0, failed: 1 }, attempts: { total: 1, failed: 1 } });
    const b = await stats(account.admin, `/v1/automations/${busy.id}/stats`);
    expect(b.body.counts).toEqual({ succeeded: 0, failed: 0, cancelled: 1, expired: 0, retried: 1, filtered: 0, open: 0, retrying: 0 });

    const all = await stats(account.admin, '/v1/account/stats?window=7d');
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({
      window: '7d', success_rate: 0.75,
      counts: { succeeded: 3, failed: 1, cancelled: 1, expired: 0, retried: 1, filtered: 0, open: 0, retrying: 0 },
      attempts: { total: 5, failed: 2 },
      series: { bucket: 'day' },
    });
    expect(all.body.series.points).toHaveLength(7);
    expect(all.body.series.points.at(-1)).toMatchObject({ succeeded: 3, failed: 1, cancelled: 1, retried: 1 });
  });

  it('refuse a bad window (422) and an unknown automation (404); admin keys only', async () => {
    const account = await createAccount();
    const automation = await createAutomation(account);
    const bad = await stats(account.admin, `/v1/automations/${automation.id}/stats?window=1h`);
    expectError(bad, 422, 'validation_failed');
    expect(bad.body.error.details[0].path).toBe('query.window');
    expectError(await stats(account.admin, '/v1/account/stats?window=30d'), 422, 'validation_failed');
    expectError(await stats(account.admin, '/v1/automations/aut_nope/stats'), 404, 'not_found');
    expect((await stats(account.events, '/v1/account/stats')).status).toBe(403);
    const empty = await stats(account.admin, '/v1/account/stats');
    expect(empty.body).toMatchObject({ window: '24h', state: 'idle', success_rate: null, latency_ms: { p50: null, p95: null } });
    expect(empty.body).not.toHaveProperty('failing_since');
  });
});
