/**
 * 2. Fan-out: events matching 1, 10 and 100 automations. Ingestion latency (sequential
 * posts, one at a time) and the time from posting one event until every one of its
 * deliveries has reached the sink (one event at a time, so nothing else is queued).
 */
import { figure } from '../lib/report.mjs';
import { callEndedData } from '../lib/fixtures.mjs';
import { median, percentile } from '../lib/stats.mjs';
import { accountWithAutomations, drain } from './shared.mjs';

export const FAN_OUT_LEVELS = [1, 10, 100];

let sequence = 1_000_000;

async function postOk(ctx, account, marker) {
  const result = await ctx.api.postEvent(account, callEndedData(sequence++, marker));
  if (result.status !== 202) throw new Error(`POST /v1/events answered ${result.status}: ${JSON.stringify(result.body)}`);
  return result;
}

async function measureLevel(ctx, fanOut) {
  const { profile, sink } = ctx;
  const account = await accountWithAutomations(ctx, `bench-fan-${fanOut}`, fanOut);
  const { bucket } = account;
  let expected = 0;

  // Latency: back-to-back posts (warm-up posts first), then let their deliveries finish.
  for (let i = 0; i < profile.warmupPosts; i++) await postOk(ctx, account, `warm-${fanOut}-${i}`);
  const latencies = [];
  for (let i = 0; i < profile.fanOutLatencySamples; i++) latencies.push((await postOk(ctx, account, `lat-${fanOut}-${i}`)).latencyMs);
  expected += (profile.warmupPosts + profile.fanOutLatencySamples) * fanOut;
  await drain(ctx, account, expected);

  // Completion: one event at a time on an idle queue.
  const completions = [];
  for (let run = 0; run < profile.fanOutCompletionRuns; run++) {
    const marker = `done-${fanOut}-${run}`;
    const posted = await postOk(ctx, account, marker);
    expected += fanOut;
    const arrived = await sink.waitFor(bucket, expected, profile.drainTimeoutMs);
    await drain(ctx, account, expected);
    const mine = sink.arrivals(bucket).filter((a) => a.marker === marker);
    completions.push(arrived ? Math.max(...mine.map((a) => a.t)) - posted.started : NaN);
  }
  return {
    fanOut,
    p50Ms: median(latencies),
    p99Ms: percentile(latencies, 99),
    completionMs: median(completions),
    completionMaxMs: Math.max(...completions),
    deliveriesExpected: expected,
    deliveriesArrived: sink.arrivals(bucket).length,
  };
}

export async function fanOut(ctx) {
  const levels = [];
  for (const level of FAN_OUT_LEVELS) levels.push(await measureLevel(ctx, level));
  const one = levels[0];
  const figures = levels.flatMap((level) => [
    figure({
      id: '2', measure: `fan-out ${level.fanOut}: ingestion p50`, value: level.p50Ms, unit: 'ms', baseline: one.p50Ms, baselineLabel: 'fan-out 1',
      ...(level.fanOut === 100 ? { goal: '≤ 3× fan-out 1', met: level.p50Ms <= 3 * one.p50Ms } : {}),
    }),
    figure({
      id: '2', measure: `fan-out ${level.fanOut}: post → all deliveries arrived (median)`, value: level.completionMs, unit: 'ms',
      baseline: one.completionMs, baselineLabel: 'fan-out 1',
    }),
  ]);
  return { details: { levels }, figures };
}
