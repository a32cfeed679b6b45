/**
 * 9. A slow but healthy receiver (200 after 1 s) gets `profile.slowDeliveries` deliveries
 * (one event each) from account A: it should receive them at about its cap per second (the
 * default cap is 4 in flight per destination, so about 4/s), while account B, posting right
 * after A's events are accepted, stays within 1.5× its time alone (measured by the fairness
 * section in the same run).
 */
import { figure } from '../lib/report.mjs';
import { DEFAULT_MAX_CONCURRENCY } from '../lib/fixtures.mjs';
import { flood, measureB, retire } from './fairness.mjs';
import { accountWithAutomations } from './shared.mjs';

const RESPONSE_MS = 1000;

export async function slowReceiver(ctx) {
  const { profile, sink } = ctx;
  const b = ctx.fairnessB;
  const alone = ctx.fairnessBAlone;
  if (!b || !alone) throw new Error('the slow-receiver section needs the fairness section first (B and its time alone)');
  const count = profile.slowDeliveries;
  const a = await accountWithAutomations(ctx, 'bench-slow-a', 1);
  sink.behave(a.bucket, 'slow1s');

  const floodResult = await flood(ctx, a, count);
  const during = await measureB(ctx, b, 'slow');
  // At the cap it takes count / cap seconds; allow twice that.
  const capPerSec = DEFAULT_MAX_CONCURRENCY / (RESPONSE_MS / 1000);
  const arrived = await sink.waitFor(a.bucket, count, Math.max(profile.drainTimeoutMs, (2 * count * 1000) / capPerSec));
  const times = sink.arrivals(a.bucket).map((x) => x.t).sort((x, y) => x - y);
  // Steady state: from the first arrival to the last, as the first ones include the posting.
  const ratePerSec = (times.length - 1) / ((times.at(-1) - times[0]) / 1000);
  await retire(ctx, a);

  return {
    details: { deliveries: count, arrived, received: times.length, ratePerSec, capPerSec, flood: floodResult, b: during, alone },
    figures: [
      figure({
        id: '9', measure: `slow receiver (200 after 1 s), ${count} deliveries: receive rate`, value: ratePerSec, unit: 'webhooks/s',
        baseline: capPerSec, baselineLabel: `its cap: ${DEFAULT_MAX_CONCURRENCY} in flight ÷ 1 s`, goal: '≈ its cap (≥ 0.75×)', met: ratePerSec >= 0.75 * capPerSec,
      }),
      figure({
        id: '9', measure: `fairness: B's post → arrival p50 meanwhile`, value: during.p50Ms, unit: 'ms',
        baseline: alone.p50Ms, baselineLabel: 'B alone', goal: '≤ 1.5× B alone', met: during.p50Ms <= 1.5 * alone.p50Ms,
      }),
    ],
  };
}
