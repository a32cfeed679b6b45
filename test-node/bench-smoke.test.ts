/**
 * Smoke test of the benchmark harness (bench/): a run of a few seconds that must build the
 * Worker, run every section and write its JSON. It checks that the numbers are sane —
 * positive rates, finite ratios, every delivery arrived, every account object settled — never
 * how fast anything is.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBench } from '../bench/run.mjs';
import { DESTINATION_STATES } from '../src/domain/destination-gate';

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
    expect(written.slowQueue).toMatchObject({ maxBatchSize: expect.any(Number), maxBatchTimeout: expect.any(Number) });
    expect(written.bindings).toEqual({ DELIVERY_TIMEOUT_MS: '2000' });
  });

  it('measures every section, each figure with a finite value, baseline and ratio', () => {
    const figures = results.figures as Figure[];
    expect(new Set(figures.map((f) => f.id))).toEqual(new Set(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12', '13', '14']));
    for (const f of figures) {
      expect(Number.isFinite(f.value), `${f.measure}: value ${f.value}`).toBe(true);
      expect(f.value, f.measure).toBeGreaterThan(0);
      expect(Number.isFinite(f.baseline), `${f.measure}: baseline ${f.baseline}`).toBe(true);
      expect(Number.isFinite(f.ratio), `${f.measure}: ratio ${f.ratio}`).toBe(true);
    }
    // Every goal of the brief is judged (met or not), none silently skipped.
    expect(figures.filter((f) => f.met !== null).length).toBeGreaterThanOrEqual(19);
    // Batches against /health, 4 partitions against 1, and the busiest partition at N = 4 and 16.
    expect(figures.filter((f) => ['11', '12', '13'].includes(f.id) && f.met !== null)).toHaveLength(4);
    // The fairness cases, each judged against B alone (with issue 16's endpoint that stops answering).
    expect(figures.filter((f) => f.id === '8' && f.met !== null)).toHaveLength(4);
  });

  it('delivered every webhook it caused, without errors, and left no account object with open deliveries', () => {
    const { sections } = results;
    const { oneAccount, manyAccounts } = sections.ingestion;
    for (const run of [oneAccount, manyAccounts, sections.ingestion.health, sections.ingestion.storeOnly]) expect(run.non2xx + run.errors).toBe(0);
    expect(oneAccount.deliveriesArrived).toBe(oneAccount.deliveriesExpected);
    expect(manyAccounts.deliveriesArrived).toBe(manyAccounts.deliveriesExpected);
    expect(manyAccounts.accounts).toBe(20);
    for (const level of sections.fanOut.levels) expect(level.deliveriesArrived).toBe(level.deliveriesExpected);
    expect(sections.configurationSize.deliveriesArrived).toBe(sections.configurationSize.deliveriesExpected);
    const throughput = sections.deliveryThroughput;
    for (const run of [throughput.notifier, throughput.defaultCap, throughput.baseline]) expect(run.arrived).toBe(throughput.deliveries);
    expect(sections.endToEndLatency.arrived).toBe(sections.endToEndLatency.events);
    expect(sections.endToEndLatency.baseline.arrived).toBe(sections.endToEndLatency.events);
    expect(sections.memory.arrived).toBe(true);
    expect(results.openDeliveriesLeft).toEqual({});
    expect(results.workerErrors.count).toBe(0);
  });

  it('measures fairness, the slow receiver and storage from the account objects', () => {
    const { fairness, slowReceiver, storage } = results.sections;
    expect(fairness.alone.arrived).toBe(fairness.alone.events);
    expect(fairness.cases.map((c: { key: string }) => c.key)).toEqual(['a', 'b', 'c', 'a2']);
    for (const c of fairness.cases) {
      expect(c.b.arrived, c.label).toBe(c.b.events);
      expect(c.flood.events).toBe(fairness.floodEvents);
      // A's object stored the whole flood and shows its gate (A settling is checked with the rest;
      // how far A's deliveries got by then is timing, not checked).
      expect(c.a.usage.events_stored, c.label).toBe(fairness.floodEvents + (c.healthyFirst ? 5 : 0));
      expect(DESTINATION_STATES).toContain(c.a.destination.state);
    }
    expect(slowReceiver.received).toBe(slowReceiver.deliveries);
    expect(slowReceiver.b.arrived).toBe(slowReceiver.b.events);
    expect(storage.events).toBe(storage.deliveriesStored);
    expect(storage.arrived).toBe(storage.events + 1);
    expect(storage.after.storage_bytes).toBeGreaterThan(storage.before.storage_bytes);
    expect(storage.sustainedEventsPerSecPerAccount).toBeGreaterThan(0);
  });

  it('measures batches and partitions, with every event it counted stored', () => {
    const { batchIngestion, partitionCost, busiestPartition } = results.sections;
    const loads = [...batchIngestion.automationOff, batchIngestion.automationOn, ...partitionCost.runs.one, ...partitionCost.runs.four];
    for (const run of [...batchIngestion.health, ...loads]) expect(run.non2xx + run.errors).toBe(0);
    // A batch answered 200 may still refuse events: the objects must hold every counted one.
    for (const run of loads) expect(run.allStored, JSON.stringify(run)).toBe(true);
    expect(batchIngestion.automationOn.deliveriesArrived).toBe(batchIngestion.automationOn.deliveriesExpected);
    // ABBA: each side measured as often as the other.
    expect(batchIngestion.health).toHaveLength(batchIngestion.automationOff.length);
    expect(partitionCost.runs.four).toHaveLength(partitionCost.runs.one.length);
    // The computed spread is what the objects hold, partition by partition (the row rests on it).
    const { check, computed } = busiestPartition;
    expect(check.matches).toBe(true);
    expect(check.stored.reduce((a: number, b: number) => a + b, 0)).toBe(check.events);
    for (const n of ['4', '16']) {
      expect(computed[n].routed.median, `N = ${n}`).toBeGreaterThanOrEqual(1);
      expect(computed[n].random.median, `N = ${n}`).toBeGreaterThanOrEqual(1);
    }
  });

  it('counts the account objects\' requests per event where they arrive, exactly for the ingest calls', () => {
    const { cases } = results.sections.requestsPerEvent;
    expect(cases.map((c: { key: string }) => c.key)).toEqual(['single', 'batch', 'batch-p4', 'batch-cap50']);
    for (const c of cases) {
      expect(c.arrived, c.label).toBe(c.events);
      // One ingest per event posted alone; one ingestBatch per batch and partition it touched.
      expect(c.ingestsCounted, `${c.label}: ${JSON.stringify(c.byMethod)} vs ${JSON.stringify(c.expectedIngests)}`).toBe(true);
      // The consumer claimed and reported them (a claim that sends nothing reports nothing).
      expect(c.byMethod.claim, c.label).toBeGreaterThan(0);
      expect(c.byMethod.report, c.label).toBeGreaterThan(0);
      expect(c.byMethod.report, c.label).toBeLessThanOrEqual(c.byMethod.claim);
    }
    // A partitioned account's destination cap is held by its gate object.
    expect(cases[2].gates.acquire).toBeGreaterThan(0);
  });

  it('keeps rendered JSON valid with hostile values', () => {
    const { hostile, realisticValid } = results.sections.rendering;
    expect(realisticValid).toBe(true);
    expect(hostile.engineValid).toBe(hostile.total);
    expect(hostile.engineRoundTrips).toBe(hostile.total);
  });
});

describe('benchmark harness: some sections only (--only)', () => {
  it('refuses a section it does not have, before building anything', async () => {
    await expect(runBench({ smoke: true, only: ['storage', 'nope'], outFile: join(tmpdir(), 'unused.json'), log: () => {} })).rejects.toThrow(/unknown section\(s\) nope/);
  });

  it('runs just the sections asked for, and writes only their rows', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hn-bench-only-'));
    try {
      const results = await runBench({ smoke: true, only: ['storage'], outFile: join(dir, 'results.json'), log: () => {} });
      expect(results.only).toEqual(['storage']);
      expect(Object.keys(results.sections)).toEqual(['storage']);
      expect((results.figures as Figure[]).map((f) => f.id)).toEqual(['10']);
      expect(JSON.parse(await readFile(join(dir, 'results.json'), 'utf8')).figures).toEqual(results.figures);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
