/**
 * 3. Size of configuration: the ingestion rate of one account (one automation) with
 * 10,000 automations stored across 1,000 accounts, against the same with no other
 * accounts. The two states alternate in ABBA order (seeding and unseeding between runs), and
 * each is summarised by its median, so drift and noise hurt both alike.
 */
import { anySecretCiphertext, removeSeededConfiguration, seedConfiguration } from '../lib/database.mjs';
import { figure } from '../lib/report.mjs';
import { median } from '../lib/stats.mjs';
import { accountWithAutomations, drainStored, measureEventLoad } from './shared.mjs';

export async function configurationSize(ctx) {
  const { profile, db } = ctx;
  const account = await accountWithAutomations(ctx, 'bench-config', 1);
  const seed = { accounts: profile.seedAccounts, automations: profile.seedAutomations, secretCiphertext: await anySecretCiphertext(db), url: ctx.sink.url('seeded') };

  await measureEventLoad(ctx, account, profile.warmupSec);
  const runs = { empty: [], seeded: [] };
  let seedMs = 0;
  for (let round = 0; round < profile.configRounds; round++) {
    for (const state of round % 2 === 0 ? ['empty', 'seeded'] : ['seeded', 'empty']) {
      // Each run starts with nothing in flight (the account object has no open delivery).
      await drainStored(ctx, [account]);
      if (state === 'seeded') {
        const started = performance.now();
        await seedConfiguration(db, seed);
        seedMs = performance.now() - started;
      }
      // Bulk writes (seeding, unseeding) leave SQLite work behind that would slow the
      // next run whichever state it measures: absorb it with an unmeasured warm-up first.
      await measureEventLoad(ctx, account, profile.warmupSec);
      runs[state].push(await measureEventLoad(ctx, account, profile.configLoadSec));
      if (state === 'seeded') await removeSeededConfiguration(db);
    }
  }
  const { deliveriesExpected, deliveriesArrived } = await drainStored(ctx, [account]);

  const empty = median(runs.empty.map((r) => r.requestsPerSec));
  const seeded = median(runs.seeded.map((r) => r.requestsPerSec));
  const ratio = seeded / empty;
  return {
    details: { seed: { ...seed, secretCiphertext: undefined, seedMs }, runs, deliveriesExpected, deliveriesArrived },
    figures: [
      figure({
        id: '3', measure: `ingestion rate with ${profile.seedAutomations} automations / ${profile.seedAccounts} accounts stored`,
        value: seeded, unit: 'req/s', baseline: empty, baselineLabel: 'almost empty D1', goal: 'within 10%', met: Math.abs(ratio - 1) <= 0.1,
      }),
      figure({
        id: '3', measure: 'ingestion p50 with that configuration', value: median(runs.seeded.map((r) => r.p50Ms)), unit: 'ms',
        baseline: median(runs.empty.map((r) => r.p50Ms)), baselineLabel: 'almost empty D1',
      }),
    ],
  };
}
