/**
 * 1. Ingestion: POST /v1/events (one matching automation) against GET /health on the same
 * instance, each under the same closed-loop load. For context, also against an endpoint
 * that does nothing but one trivial D1 query: the floor for anything that touches D1.
 */
import { figure } from '../lib/report.mjs';
import { measureLoad } from '../lib/load.mjs';
import { BASELINE_HOST } from '../lib/runtime.mjs';
import { accountWithAutomations, drain, measureEventLoad } from './shared.mjs';

export async function ingestion(ctx) {
  const { profile } = ctx;
  const account = await accountWithAutomations(ctx, 'bench-ingest', 1);
  const health = () => measureLoad({ url: `${ctx.url}/health`, connections: profile.connections, durationSec: profile.loadSec });

  const oneQuery = (durationSec) =>
    measureLoad({ url: `${ctx.url}/one-d1-query`, headers: { host: BASELINE_HOST }, connections: profile.connections, durationSec });

  // Warm every path (JIT, D1 statement cache) before measuring; let the warm-up's deliveries
  // finish so they do not compete with the baselines.
  await measureLoad({ url: `${ctx.url}/health`, connections: profile.connections, durationSec: profile.warmupSec });
  await oneQuery(profile.warmupSec);
  const warm = await measureEventLoad(ctx, account, profile.warmupSec);
  await drain(ctx, account.bucket, warm.ok);
  const healthRun = await health();
  const oneQueryRun = await oneQuery(profile.loadSec);
  const eventsRun = await measureEventLoad(ctx, account, profile.loadSec);
  const expected = warm.ok + eventsRun.ok;
  const delivered = await drain(ctx, account.bucket, expected);

  const ratio = eventsRun.requestsPerSec / healthRun.requestsPerSec;
  return {
    details: { health: healthRun, oneD1Query: oneQueryRun, events: eventsRun, deliveriesExpected: expected, deliveriesArrived: delivered },
    figures: [
      figure({
        id: '1', measure: 'ingestion rate, POST /v1/events (1 automation)', value: eventsRun.requestsPerSec, unit: 'req/s',
        baseline: healthRun.requestsPerSec, baselineLabel: 'GET /health', goal: '≥ 0.5× /health', met: ratio >= 0.5,
      }),
      figure({
        id: '1', measure: 'ingestion rate against the one-D1-query floor', value: eventsRun.requestsPerSec, unit: 'req/s',
        baseline: oneQueryRun.requestsPerSec, baselineLabel: 'GET that runs SELECT 1 on D1',
      }),
      figure({ id: '1', measure: 'ingestion latency p50', value: eventsRun.p50Ms, unit: 'ms', baseline: healthRun.p50Ms, baselineLabel: '/health p50' }),
      figure({ id: '1', measure: 'ingestion latency p99', value: eventsRun.p99Ms, unit: 'ms', baseline: healthRun.p99Ms, baselineLabel: '/health p99' }),
    ],
  };
}
