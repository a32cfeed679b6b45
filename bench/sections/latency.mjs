/**
 * 5. End-to-end latency: from POST /v1/events to the webhook's arrival at the sink, for
 * events posted at a steady moderate rate (open loop), against the floor of any queue-based
 * sender measured the same way: a request to the POST-only worker that enqueues one message,
 * whose consumer POSTs it to the sink (same batch settings). The goal is relative to the
 * queue's max_batch_timeout (how long a message may wait for its batch to fill).
 */
import http from 'node:http';
import { figure } from '../lib/report.mjs';
import { callEndedData } from '../lib/fixtures.mjs';
import { BASELINE_HOST } from '../lib/runtime.mjs';
import { sleep } from '../lib/stats.mjs';
import { accountWithAutomations, arrivalLatencies, drain } from './shared.mjs';

/** Starts `count` calls of `post(i)` on a fixed schedule, whether or not earlier ones answered. */
async function openLoop(count, ratePerSec, post) {
  const intervalMs = 1000 / ratePerSec;
  const posts = [];
  const startedAt = performance.now();
  for (let i = 0; i < count; i++) {
    const wait = startedAt + i * intervalMs - performance.now();
    if (wait > 0) await sleep(wait);
    posts.push(post(i));
  }
  await Promise.all(posts);
}

/** POST /enqueue on the baseline worker, through the same entry as the API (by host name). */
function enqueueOne(ctx, payload) {
  const { hostname, port } = new URL(ctx.url);
  const body = JSON.stringify(payload);
  return new Promise((resolve, reject) => {
    const req = http.request({ hostname, port, method: 'POST', path: '/enqueue', headers: { host: BASELINE_HOST, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`baseline enqueue answered ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(body);
  });
}

export async function endToEndLatency(ctx) {
  const { profile, sink } = ctx;
  const account = await accountWithAutomations(ctx, 'bench-e2e', 1);
  const batchTimeoutMs = ctx.config.deliveryConsumer.maxBatchTimeout * 1000;
  const count = Math.max(1, Math.round(profile.e2eSec * profile.e2eRatePerSec));

  const baselineBucket = 'bench-e2e-baseline';
  const baselinePosted = new Map();
  await openLoop(count, profile.e2eRatePerSec, (i) => {
    const marker = `e2e-base-${i}`;
    baselinePosted.set(marker, performance.now());
    return enqueueOne(ctx, { url: sink.url(baselineBucket), body: JSON.stringify({ call_id: marker }), count: 1 });
  });
  await sink.waitFor(baselineBucket, count, profile.drainTimeoutMs);
  const baseline = arrivalLatencies(sink, baselineBucket, baselinePosted);

  const posted = new Map();
  await openLoop(count, profile.e2eRatePerSec, (i) => {
    const marker = `e2e-${i}`;
    return ctx.api.postEvent(account, callEndedData(3_000_000 + i, marker)).then((r) => posted.set(marker, r.started));
  });
  await drain(ctx, account, count);
  const notifier = arrivalLatencies(sink, account.bucket, posted);

  return {
    details: {
      events: count, ratePerSec: profile.e2eRatePerSec, arrived: notifier.latencies.length, p50Ms: notifier.p50Ms, p99Ms: notifier.p99Ms,
      baseline: { arrived: baseline.latencies.length, p50Ms: baseline.p50Ms, p99Ms: baseline.p99Ms }, maxBatchTimeoutMs: batchTimeoutMs,
    },
    figures: [
      figure({
        id: '5', measure: `end-to-end latency p50 (${profile.e2eRatePerSec} events/s)`, value: notifier.p50Ms, unit: 'ms', baseline: baseline.p50Ms,
        baselineLabel: 'enqueue → POST-only consumer', goal: `≤ max_batch_timeout (${batchTimeoutMs} ms) + 250 ms`, met: notifier.p50Ms <= batchTimeoutMs + 250,
      }),
      figure({ id: '5', measure: 'end-to-end latency p99', value: notifier.p99Ms, unit: 'ms', baseline: baseline.p99Ms, baselineLabel: 'enqueue → POST-only consumer' }),
    ],
  };
}
