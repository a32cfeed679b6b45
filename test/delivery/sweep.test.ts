import { createExecutionContext, createScheduledController, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { LOST_AFTER_MS, sweep } from '../../src/delivery/sweep';
import worker from '../../src/index';
import { createAccount, createAutomation, sinkRequests, sinkUrl, unique, waitForDelivery, waitForSink } from '../helpers';
import { row, seedDeliveries } from './support';

describe('cron sweep', () => {
  it('re-enqueues deliveries that are overdue and not in flight; they are then delivered', async () => {
    const account = await createAccount();
    const bucket = unique('b');
    await createAutomation(account, { url: sinkUrl(bucket) });
    // Written as ingestion writes them, but never enqueued: as if sendBatch had failed.
    const [lost] = await seedDeliveries(account, { call_id: 'lost' }, Date.now() - LOST_AFTER_MS - 5_000);
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ cron: '* * * * *' }), env, ctx);
    await waitOnExecutionContext(ctx);
    const [request] = await waitForSink(bucket);
    expect(request!.headers['webhook-id']).toBe(lost);
    expect(JSON.parse(request!.body).data.call_id).toBe('lost');
    await waitForDelivery(account, lost!, ['succeeded']);
  });

  it('leaves alone deliveries that are not yet overdue, leased, or finished', async () => {
    const account = await createAccount();
    const bucket = unique('b');
    await createAutomation(account, { url: sinkUrl(bucket) });
    const now = Date.now();
    const [recent] = await seedDeliveries(account, {}, now - 1_000);
    const [leased] = await seedDeliveries(account, {}, now - LOST_AFTER_MS - 5_000);
    const [finished] = await seedDeliveries(account, {}, now - LOST_AFTER_MS - 5_000);
    await env.DB.prepare('UPDATE deliveries SET lease_until = ?2 WHERE id = ?1').bind(leased, now + 60_000).run();
    await env.DB.prepare("UPDATE deliveries SET status = 'succeeded', next_attempt_at = NULL WHERE id = ?1").bind(finished).run();
    const report = await sweep(env, now);
    expect(report.requeued).toBe(0);
    expect((await row(recent!))!.next_attempt_at).toBe(now - 1_000);
    // A taken delivery is not picked again by the next sweep a moment later.
    const [overdue] = await seedDeliveries(account, {}, now - LOST_AFTER_MS - 5_000);
    expect((await sweep(env, now)).requeued).toBe(1);
    expect((await row(overdue!))!.next_attempt_at).toBe(now);
    expect((await sweep(env, now + 1_000)).requeued).toBe(0);
    await waitForSink(bucket);
    expect((await sinkRequests(bucket)).map((r) => r.headers['webhook-id'])).toEqual([overdue]);
  });

  it('purges finished deliveries, their attempts and unreferenced events past RETENTION_DAYS (30)', async () => {
    const account = await createAccount();
    await createAutomation(account, { url: sinkUrl(unique('b')) });
    const old = Date.now() - 31 * 86_400_000;
    const [finishedOld] = await seedDeliveries(account, {}, old);
    const [openOld] = await seedDeliveries(account, {}, old);
    const [finishedNew] = await seedDeliveries(account, {});
    for (const id of [finishedOld, finishedNew]) {
      await env.DB.prepare("UPDATE deliveries SET status = 'succeeded', next_attempt_at = NULL WHERE id = ?1").bind(id).run();
      await env.DB.prepare('INSERT INTO delivery_attempts (delivery_id, attempt, started_at, duration_ms) VALUES (?1, 1, ?2, 5)').bind(id, old).run();
    }
    // The open one is leased so that this sweep does not also re-enqueue it.
    await env.DB.prepare('UPDATE deliveries SET lease_until = ?2 WHERE id = ?1').bind(openOld, Date.now() + 60_000).run();
    const report = await sweep(env);
    expect(report.purgedDeliveries).toBeGreaterThanOrEqual(1);
    expect(await row(finishedOld!)).toBeNull();
    expect(await row(openOld!)).not.toBeNull();
    expect(await row(finishedNew!)).not.toBeNull();
    const attemptsLeft = await env.DB.prepare('SELECT delivery_id FROM delivery_attempts WHERE delivery_id IN (?1, ?2)').bind(finishedOld, finishedNew).all();
    expect(attemptsLeft.results).toEqual([{ delivery_id: finishedNew }]);
    const events = await env.DB.prepare('SELECT COUNT(*) AS n FROM events WHERE account_id = ?1').bind(account.id).first<{ n: number }>();
    // The old event of the purged delivery is gone; the open delivery's and the new one's stay.
    expect(events!.n).toBe(2);
  });
});
