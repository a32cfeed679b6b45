/**
 * 4. Delivery throughput: webhooks/s reaching the sink when many deliveries are queued at
 * once, against the baseline worker that only POSTs queue messages to the sink with the
 * same batch settings and the same 6 requests in flight. All go to one destination, so the
 * notifier's automations allow 50 in flight there (the most an automation may ask for): the
 * comparison is of the delivery path, not of the gate. For context, the same with the
 * default cap of 4 per destination.
 */
import { figure } from '../lib/report.mjs';
import { callEndedData, SAMPLE_BODY } from '../lib/fixtures.mjs';
import { accountWithAutomations, drain } from './shared.mjs';

const FAN_OUT = 100;
const POST_CONCURRENCY = 10;

/** Rate over the arrivals of one burst: steady state (first→last arrival) and from the start of the burst. */
function rates(arrivals, startedAt) {
  const times = arrivals.map((a) => a.t).sort((a, b) => a - b);
  const first = times[0];
  const last = times[times.length - 1];
  let maxGapMs = 0;
  for (let i = 1; i < times.length; i++) maxGapMs = Math.max(maxGapMs, times[i] - times[i - 1]);
  return {
    arrived: times.length,
    maxGapMs,
    webhooksPerSec: times.length > 1 ? (times.length - 1) / ((last - first) / 1000) : NaN,
    fromStartPerSec: times.length / ((last - startedAt) / 1000),
    totalMs: last - startedAt,
  };
}

async function measureBaseline(ctx, account, count) {
  const sender = await ctx.mf.getWorker('bench-baseline-sender');
  // The same rendered body the notifier sends, so both move the same bytes.
  const body = JSON.stringify(JSON.parse(SAMPLE_BODY.replace(/\{\{(\w+)\}\}/g, (_, name) => callEndedData(7)[name])));
  const bucket = `${account.bucket}-baseline`;
  const startedAt = performance.now();
  const response = await sender.fetch('http://bench/enqueue', { method: 'POST', body: JSON.stringify({ url: ctx.sink.url(bucket), body, count }) });
  if (!response.ok) throw new Error(`baseline enqueue answered ${response.status}`);
  await response.arrayBuffer();
  await ctx.sink.waitFor(bucket, count, ctx.profile.drainTimeoutMs);
  return rates(ctx.sink.arrivals(bucket), startedAt);
}

async function measureNotifier(ctx, account, count) {
  if (count % FAN_OUT !== 0) throw new Error(`throughputDeliveries must be a multiple of ${FAN_OUT}`);
  const events = Math.ceil(count / FAN_OUT);
  const startedAt = performance.now();
  let next = 0;
  const lanes = Array.from({ length: Math.min(POST_CONCURRENCY, events) }, async () => {
    while (next < events) {
      const result = await ctx.api.postEvent(account, callEndedData(2_000_000 + next++));
      if (result.status !== 202) throw new Error(`POST /v1/events answered ${result.status}`);
    }
  });
  await Promise.all(lanes);
  await drain(ctx, account, events * FAN_OUT);
  return rates(ctx.sink.arrivals(account.bucket), startedAt);
}

export async function deliveryThroughput(ctx) {
  const count = ctx.profile.throughputDeliveries;
  const account = await accountWithAutomations(ctx, 'bench-throughput', FAN_OUT, undefined, { max_concurrency: 50 });
  const capped = await accountWithAutomations(ctx, 'bench-throughput-cap4', FAN_OUT);
  const baseline = await measureBaseline(ctx, account, count);
  const notifier = await measureNotifier(ctx, account, count);
  const defaultCap = await measureNotifier(ctx, capped, count);
  const ratio = notifier.webhooksPerSec / baseline.webhooksPerSec;
  return {
    details: { deliveries: count, notifier, defaultCap, baseline },
    figures: [
      figure({
        id: '4', measure: `delivery throughput (${count} webhooks queued at once)`, value: notifier.webhooksPerSec, unit: 'webhooks/s',
        baseline: baseline.webhooksPerSec, baselineLabel: 'POST-only worker', goal: '≥ 0.5× baseline', met: ratio >= 0.5,
      }),
      figure({
        id: '4', measure: 'delivery throughput to one destination at the default cap (4 in flight)', value: defaultCap.webhooksPerSec, unit: 'webhooks/s',
        baseline: baseline.webhooksPerSec, baselineLabel: 'POST-only worker (6 in flight)',
      }),
      figure({
        id: '4', measure: 'delivery throughput incl. ingestion (from first POST)', value: notifier.fromStartPerSec, unit: 'webhooks/s',
        baseline: baseline.fromStartPerSec, baselineLabel: 'from first enqueue',
      }),
    ],
  };
}
