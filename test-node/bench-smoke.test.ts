/**
 * Smoke test of the benchmark harness (bench/): a run of a few seconds that must build the
 * Worker, run every section and write its JSON. It checks that the numbers are sane —
 * positive rates, finite ratios, every delivery arrived — never how fast anything is.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBench } from '../bench/run.mjs';

interface Figure {
  id: string;
  measure: string;
  value: number;
  baseline: number | null;
  ratio: number | null;
  met: boolean | null;
}

describe('benchmark harness (smoke profile)', () => {
  let dir: string;
  let outFile: string;
  let results: any;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hn-bench-smoke-'));
    outFile = join(dir, 'results.json');
    results = await runBench({ smoke: true, outFile, log: () => {} });
  }, 180_000);

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('writes the results it returns, with the machine described', async () => {
    const written = JSON.parse(await readFile(outFile, 'utf8'));
    expect(written.figures).toEqual(results.figures);
    expect(written.profile).toBe('smoke');
    expect(written.machine).toMatchObject({ cores: expect.any(Number), memoryGiB: expect.any(Number), node: expect.stringMatching(/^v\d+/) });
    expect(written.machine.workerd).toMatch(/^\d/);
    expect(written.queue).toMatchObject({ maxBatchSize: expect.any(Number), maxBatchTimeout: expect.any(Number) });
  });

  it('measures every section, each figure with a finite value, baseline and ratio', () => {
    const figures = results.figures as Figure[];
    expect(new Set(figures.map((f) => f.id))).toEqual(new Set(['1', '2', '3', '4', '5', '6', '7']));
    for (const f of figures) {
      expect(Number.isFinite(f.value), `${f.measure}: value ${f.value}`).toBe(true);
      expect(f.value, f.measure).toBeGreaterThan(0);
      expect(Number.isFinite(f.baseline), `${f.measure}: baseline ${f.baseline}`).toBe(true);
      expect(Number.isFinite(f.ratio), `${f.measure}: ratio ${f.ratio}`).toBe(true);
    }
    // Every goal of the brief is judged (met or not), none silently skipped.
    expect(figures.filter((f) => f.met !== null).length).toBeGreaterThanOrEqual(7);
  });

  it('delivered every webhook it caused, without errors', () => {
    const { sections } = results;
    for (const run of [sections.ingestion.events, sections.ingestion.health, sections.ingestion.oneD1Query]) expect(run.non2xx + run.errors).toBe(0);
    expect(sections.ingestion.deliveriesArrived).toBe(sections.ingestion.deliveriesExpected);
    for (const level of sections.fanOut.levels) expect(level.deliveriesArrived).toBe(level.deliveriesExpected);
    expect(sections.configurationSize.deliveriesArrived).toBe(sections.configurationSize.deliveriesExpected);
    expect(sections.deliveryThroughput.notifier.arrived).toBe(sections.deliveryThroughput.deliveries);
    expect(sections.deliveryThroughput.baseline.arrived).toBe(sections.deliveryThroughput.deliveries);
    expect(sections.endToEndLatency.arrived).toBe(sections.endToEndLatency.events);
    expect(sections.memory.arrived).toBe(true);
    expect(results.workerErrors.count).toBe(0);
  });

  it('keeps rendered JSON valid with hostile values', () => {
    const { hostile, realisticValid } = results.sections.rendering;
    expect(realisticValid).toBe(true);
    expect(hostile.engineValid).toBe(hostile.total);
    expect(hostile.engineRoundTrips).toBe(hostile.total);
  });
});
