/**
 * 1. Ingestion: POST /v1/events (one matching automation per account) into one account, and
 * spread over 20 accounts at once (20 account objects), against GET /health on the same
 * instance, each under the same closed-loop load. Each event is durable in its account object
 * before the 202; nothing is written to D1.
 */
import { figure } from '../lib/report.mjs';
import { measureLoad } from '../lib/load.mjs';
import { accountWithAutomations, drainStored, measureEventLoad } from './shared.mjs';

export const SPREAD_ACCOUNTS = 20;

export async function ingestion(ctx) {
  const { profile } = ctx;
  const one = await accountWithAutomations(ctx, 'bench-ingest', 1);
  // For context: the event is stored and nothing is delivered (no automation matches).
  const storeOnly = await accountWithAutomations(ctx, 'bench-ingest-none', 0);
  const many = [];
  for (let i = 0; i < SPREAD_ACCOUNTS; i++) {
    const account = await accountWithAutomations(ctx, `bench-ingest-${String(i).padStart(2, '0')}`, 1);
    many.push(account);
  }
  const health = (durationSec) => measureLoad({ url: `${ctx.url}/health`, connections: profile.connections, durationSec });
  // Warm every path (JIT, each account object's cached configuration) before measuring; let the
  // warm-up's deliveries finish so they do not compete with the baselines.
  await health(profile.warmupSec);
  await measureEventLoad(ctx, one, profile.warmupSec);
  await measureEventLoad(ctx, many, profile.warmupSec);
  await drainStored(ctx, [one]);
  await drainStored(ctx, many);

  const healthRun = await health(profile.loadSec);
  const oneRun = await measureEventLoad(ctx, one, profile.loadSec);
  const oneDrained = await drainStored(ctx, [one]);
  const manyRun = await measureEventLoad(ctx, many, profile.loadSec);
  const manyDrained = await drainStored(ctx, many);
  await measureEventLoad(ctx, storeOnly, profile.warmupSec);
  const storeOnlyRun = await measureEventLoad(ctx, storeOnly, profile.loadSec);

  const goal = (run, label) => [
    figure({
      id: '1', measure: `ingestion rate, POST /v1/events ${label}`, value: run.requestsPerSec, unit: 'req/s',
      baseline: healthRun.requestsPerSec, baselineLabel: 'GET /health', goal: '≥ 0.5× /health', met: run.requestsPerSec / healthRun.requestsPerSec >= 0.5,
    }),
    figure({ id: '1', measure: `ingestion latency p50 ${label}`, value: run.p50Ms, unit: 'ms', baseline: healthRun.p50Ms, baselineLabel: '/health p50' }),
    figure({ id: '1', measure: `ingestion latency p99 ${label}`, value: run.p99Ms, unit: 'ms', baseline: healthRun.p99Ms, baselineLabel: '/health p99' }),
  ];
  return {
    details: {
      health: healthRun,
      oneAccount: { ...oneRun, ...oneDrained },
      manyAccounts: { accounts: SPREAD_ACCOUNTS, ...manyRun, ...manyDrained },
      storeOnly: storeOnlyRun,
    },
    figures: [
      ...goal(oneRun, 'into 1 account'),
      ...goal(manyRun, `into ${SPREAD_ACCOUNTS} accounts at once`),
      figure({
        id: '1', measure: 'ingestion rate into 1 account, no matching automation (event stored, nothing delivered)', value: storeOnlyRun.requestsPerSec,
        unit: 'req/s', baseline: healthRun.requestsPerSec, baselineLabel: 'GET /health',
      }),
    ],
  };
}
