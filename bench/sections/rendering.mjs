/**
 * 6. Rendering: renders/s of the sample body with realistic values inside workerd, with the
 * real template engine against a naive String.replace of each {{placeholder}}; and the
 * engine's output must stay valid JSON with hostile values.
 */
import { figure } from '../lib/report.mjs';
import { callEndedData, hostileEvents, SAMPLE_BODY } from '../lib/fixtures.mjs';

const VALUE_SETS = 64;

export async function rendering(ctx) {
  const worker = await ctx.mf.getWorker('bench-render');
  const response = await worker.fetch('http://bench/render', {
    method: 'POST',
    body: JSON.stringify({
      body: SAMPLE_BODY,
      events: Array.from({ length: VALUE_SETS }, (_, i) => callEndedData(4_000_000 + i)),
      hostileEvents: hostileEvents(),
      durationMs: ctx.profile.renderMs,
      rounds: ctx.profile.renderRounds,
    }),
  });
  if (!response.ok) throw new Error(`render worker answered ${response.status}: ${await response.text()}`);
  const result = await response.json();
  const engineRate = result.engine.count / (result.engine.elapsedMs / 1000);
  const naiveRate = result.naive.count / (result.naive.elapsedMs / 1000);
  const { hostile } = result;
  const alwaysValid = result.realisticValid && hostile.engineValid === hostile.total && hostile.engineRoundTrips === hostile.total;
  return {
    details: result,
    figures: [
      figure({
        id: '6', measure: 'renders of the sample body (realistic values)', value: engineRate, unit: 'renders/s',
        baseline: naiveRate, baselineLabel: 'naive String.replace', goal: '≥ 0.5× naive, always valid JSON',
        met: engineRate / naiveRate >= 0.5 && alwaysValid,
      }),
      figure({
        id: '6', measure: 'hostile values rendered to valid JSON (engine)', value: hostile.engineValid, unit: `of ${hostile.total}`,
        baseline: hostile.naiveValid, baselineLabel: 'naive', goal: 'all', met: alwaysValid,
      }),
    ],
  };
}
