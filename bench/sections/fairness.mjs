/**
 * 8. Fairness: account B's median time from POST /v1/events to the webhook's arrival, while
 * account A's deliveries flood the delivery plane: A posts `floodEvents` events whose
 * automation points at a bad endpoint — (a) one that never answers (the bench runs with
 * DELIVERY_TIMEOUT_MS=2000), (b) one answering 500 at once, (c) one answering 429 with
 * Retry-After: 30 — and right after they are accepted (as the issue measured it), B posts a
 * few events spread over a few seconds. Baseline: B's median alone, in the same run.
 * B starts once A's posts are in because here every account object, the Worker and the load
 * share one process on two cores: B posting during A's posting measures that CPU contention
 * (ingestion capacity is section 1), not whether A's deliveries hold B's back.
 * Each case has its own account A (its own account object and gates); afterwards A's
 * automation is deleted, which cancels its deliveries.
 */
import { figure } from '../lib/report.mjs';
import { callEndedData } from '../lib/fixtures.mjs';
import { usageOf } from '../lib/plane.mjs';
import { median, sleep } from '../lib/stats.mjs';
import { accountWithAutomations, arrivalLatencies, drain, postAccepted } from './shared.mjs';

export const FAIRNESS_CASES = [
  { key: 'a', behaviour: 'hang', label: 'never answers (2 s timeout)' },
  { key: 'b', behaviour: 'fail500', label: 'answers 500 at once' },
  { key: 'c', behaviour: 'retry429', label: 'answers 429, Retry-After: 30' },
  // Issue 16: an endpoint known to be quick, so in the fast lane, that stops answering just
  // before the flood; B posts from the start of A's flood, as the first deliveries to the dead
  // endpoint are being tried. The fast lane's send budget must keep them from holding it.
  { key: 'a2', behaviour: 'hang', label: 'answered quickly, then stops answering (B posting from the flood\'s start)', healthyFirst: true, overlap: true },
];
/** A posts with this many requests in flight, as fast as the API takes them. */
const FLOOD_CONCURRENCY = 10;

let sequence = 6_000_000;

/** B's events: `profile.fairnessBEvents` posts spread evenly over `profile.fairnessBSpreadMs`. */
export async function measureB(ctx, b, tag) {
  const { profile, sink } = ctx;
  const posted = new Map();
  const answerMs = [];
  const posts = [];
  const startedAt = performance.now();
  const interval = profile.fairnessBSpreadMs / Math.max(1, profile.fairnessBEvents - 1);
  for (let i = 0; i < profile.fairnessBEvents; i++) {
    const wait = startedAt + i * interval - performance.now();
    if (wait > 0) await sleep(wait);
    const marker = `fair-${tag}-${i}`;
    posts.push(postAccepted(ctx, b, callEndedData(sequence++, marker)).then((r) => {
      posted.set(marker, r.started);
      answerMs.push(r.latencyMs);
    }));
  }
  await Promise.all(posts);
  await waitForMarkers(ctx, b.bucket, [...posted.keys()]);
  const result = arrivalLatencies(sink, b.bucket, posted);
  return {
    events: posted.size, arrived: result.latencies.length, p50Ms: result.p50Ms, p99Ms: result.p99Ms, maxMs: Math.max(...result.latencies),
    // How much of it was the API's answer (ingestion) rather than the way to the receiver.
    postAnswerP50Ms: median(answerMs),
  };
}

async function waitForMarkers(ctx, bucket, markers) {
  const deadline = performance.now() + ctx.profile.drainTimeoutMs;
  const wanted = new Set(markers);
  while (performance.now() < deadline) {
    const seen = new Set(ctx.sink.arrivals(bucket).map((a) => a.marker));
    if ([...wanted].every((m) => seen.has(m))) return true;
    await sleep(20);
  }
  return false;
}

/** Posts `count` events for `account` with FLOOD_CONCURRENCY in flight. */
export async function flood(ctx, account, count) {
  const startedAt = performance.now();
  let next = 0;
  const lanes = Array.from({ length: Math.min(FLOOD_CONCURRENCY, count) }, async () => {
    while (next < count) {
      next++;
      await postAccepted(ctx, account, callEndedData(sequence++));
    }
  });
  await Promise.all(lanes);
  return { events: count, postMs: performance.now() - startedAt };
}

/** A's state afterwards, for the record: what reached its endpoint and what its gate says. */
async function aftermath(ctx, a) {
  const { status, body } = await ctx.api.request('GET', `/v1/automations/${a.automations[0]}`, a.admin);
  return {
    attemptsAtEndpoint: ctx.sink.requests(a.bucket),
    destination: status === 200 ? body.destination : null,
    usage: await usageOf(ctx.api, a.id),
  };
}

/**
 * Deletes A's automation: its waiting deliveries are cancelled at once, those being tried are
 * cancelled when their retry falls due (seconds). The run checks at its end that every
 * account object settled; nothing waits for it here.
 */
export async function retire(ctx, a) {
  await ctx.api.deleteAutomation(a, a.automations[0]);
}

export async function fairness(ctx) {
  const { profile, sink } = ctx;
  const b = await accountWithAutomations(ctx, 'bench-fair-b', 1);
  ctx.fairnessB = b;
  // Warm B's path (its account object and cached configuration), then B alone: the baseline.
  await measureB(ctx, b, 'warm');
  const alone = await measureB(ctx, b, 'alone');
  ctx.fairnessBAlone = alone;

  const cases = [];
  for (const c of FAIRNESS_CASES) {
    const a = await accountWithAutomations(ctx, `bench-fair-a-${c.key}`, 1);
    if (c.healthyFirst) {
      await flood(ctx, a, 5);
      await drain(ctx, a, 5);
    }
    sink.behave(a.bucket, c.behaviour);
    const flooding = flood(ctx, a, profile.floodEvents);
    if (!c.overlap) await flooding;
    else await sleep(100);
    const during = await measureB(ctx, b, c.key);
    const floodResult = await flooding;
    const after = await aftermath(ctx, a);
    await retire(ctx, a);
    cases.push({ ...c, flood: floodResult, b: during, a: after });
  }

  return {
    details: { bEvents: profile.fairnessBEvents, bSpreadMs: profile.fairnessBSpreadMs, floodEvents: profile.floodEvents, alone, cases },
    figures: cases.map((c) => figure({
      id: '8', measure: `fairness: B's post → arrival p50 while A floods ${profile.floodEvents} events to an endpoint that ${c.label}`,
      value: c.b.p50Ms, unit: 'ms', baseline: alone.p50Ms, baselineLabel: 'B alone',
      ...(c.context ? {} : { goal: '≤ 1.5× B alone', met: c.b.p50Ms <= 1.5 * alone.p50Ms }),
    })),
  };
}
