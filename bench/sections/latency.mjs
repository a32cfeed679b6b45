/**
 * 5. End-to-end latency: from POST /v1/events to the webhook's arrival at the sink, for
 * events posted at a steady moderate rate, next to the queue's max_batch_timeout (a
 * message waits up to that long for its batch to fill).
 */
import { figure } from '../lib/report.mjs';
import { callEndedData } from '../lib/fixtures.mjs';
import { percentile, sleep } from '../lib/stats.mjs';
import { accountWithAutomations } from './shared.mjs';

export async function endToEndLatency(ctx) {
  const { profile, sink } = ctx;
  const account = await accountWithAutomations(ctx, 'bench-e2e', 1);
  const batchTimeoutMs = ctx.config.deliveryConsumer.maxBatchTimeout * 1000;

  const count = Math.max(1, Math.round(profile.e2eSec * profile.e2eRatePerSec));
  const intervalMs = 1000 / profile.e2eRatePerSec;
  const posted = new Map();
  const posts = [];
  const startedAt = performance.now();
  for (let i = 0; i < count; i++) {
    // Open loop: each post starts on schedule, whether or not the previous one has answered.
    const due = startedAt + i * intervalMs;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const marker = `e2e-${i}`;
    posts.push(ctx.api.postEvent(account, callEndedData(3_000_000 + i, marker)).then((r) => posted.set(marker, r.started)));
  }
  await Promise.all(posts);
  await sink.waitFor(account.bucket, count, profile.drainTimeoutMs);

  const latencies = sink.arrivals(account.bucket).filter((a) => posted.has(a.marker)).map((a) => a.t - posted.get(a.marker));
  const p50 = percentile(latencies, 50);
  const p99 = percentile(latencies, 99);
  return {
    details: { events: count, ratePerSec: profile.e2eRatePerSec, arrived: latencies.length, p50Ms: p50, p99Ms: p99, maxBatchTimeoutMs: batchTimeoutMs },
    figures: [
      figure({
        id: '5', measure: `end-to-end latency p50 (${profile.e2eRatePerSec} events/s)`, value: p50, unit: 'ms', baseline: batchTimeoutMs,
        baselineLabel: 'max_batch_timeout', goal: '≤ batch timeout + 250 ms', met: p50 <= batchTimeoutMs + 250,
      }),
      figure({ id: '5', measure: 'end-to-end latency p99', value: p99, unit: 'ms', baseline: batchTimeoutMs, baselineLabel: 'max_batch_timeout' }),
    ],
  };
}
