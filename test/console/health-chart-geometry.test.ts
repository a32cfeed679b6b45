/** The health chart's layout: y scale, stacked bar positions, labels; pure, so checked with exact numbers. */
import { describe, expect, it } from 'vitest';
import { chartGeometry, MIN_SEGMENT, niceStep, type ChartPoint, type ChartSize } from '../../src/console/pages/health-chart-geometry';

/** A plot of 100 × 100 starting at (10, 10): numbers are easy to check by hand. */
const SIZE: ChartSize = { width: 110, height: 130, margin: { top: 10, right: 0, bottom: 20, left: 10 } };
const point = (i: number, counts: Partial<Omit<ChartPoint, 'start'>> = {}): ChartPoint => ({
  start: new Date(Date.UTC(2026, 0, 10, i)).toISOString(), succeeded: 0, failed: 0, cancelled: 0, expired: 0, retried: 0, ...counts,
});

describe('health chart geometry', () => {
  it('y scale: whole-number steps of 1, 2 or 5 × 10ⁿ, at most 4 of them, topping the largest bar', () => {
    expect([1, 3, 4, 5, 7, 9, 11, 40, 41, 1_000_000].map(niceStep)).toEqual([1, 1, 1, 2, 2, 5, 5, 10, 20, 500_000]);
    const top = (largest: number) => chartGeometry([point(0, { succeeded: largest })], 1, SIZE)!;
    expect(top(1).yTicks.map((t) => t.value)).toEqual([0, 1]);
    expect(top(7).yTicks.map((t) => t.value)).toEqual([0, 2, 4, 6, 8]);
    expect(top(7).yTicks.map((t) => t.y)).toEqual([110, 85, 60, 35, 10]);
    expect(top(9).max).toBe(10);
    expect(top(123_456).max).toBe(150_000);
  });

  it('stacks succeeded, failed and cancelled from the axis up, each bar centred in its slot', () => {
    const g = chartGeometry([point(0, { succeeded: 2, failed: 1, cancelled: 1 }), point(1), point(2, { failed: 3 }), point(3, { succeeded: 1 })], 1, SIZE)!;
    expect(g.max).toBe(4);
    expect(g.plot).toEqual({ left: 10, top: 10, right: 110, bottom: 110 });
    // Four slots of 25 across 100; bars take 70% of a slot.
    expect(g.bars.map((b) => [b.x, b.width])).toEqual([[13.75, 17.5], [38.75, 17.5], [63.75, 17.5], [88.75, 17.5]]);
    expect(g.bars[0]!.segments).toEqual([
      { outcome: 'succeeded', value: 2, y: 60, height: 50 },
      { outcome: 'failed', value: 1, y: 35, height: 25 },
      { outcome: 'cancelled', value: 1, y: 10, height: 25 },
    ]);
    expect(g.bars[1]!.segments).toEqual([]);
    expect(g.bars[2]!.segments).toEqual([{ outcome: 'failed', value: 3, y: 35, height: 75 }]);
    expect(g.bars.map((b) => b.total)).toEqual([4, 0, 3, 1]);
  });

  it('one huge value: small outcomes stay visible and no bar leaves the plot', () => {
    const g = chartGeometry([point(0, { succeeded: 1_000_000, failed: 1 }), point(1, { cancelled: 1 })], 1, SIZE)!;
    expect(g.max).toBe(1_500_000);
    const [huge, small] = g.bars;
    expect(small!.segments).toEqual([{ outcome: 'cancelled', value: 1, y: 110 - MIN_SEGMENT, height: MIN_SEGMENT }]);
    expect(huge!.segments[1]).toMatchObject({ outcome: 'failed', height: MIN_SEGMENT });
    const full = chartGeometry([point(0, { succeeded: 1_000, failed: 1 })], 1, SIZE)!; // 1,001 of a 1,500 scale
    expect(full.max).toBe(1_500);
    for (const bar of [...g.bars, ...full.bars]) {
      for (const s of bar.segments) expect(s.y).toBeGreaterThanOrEqual(g.plot.top);
    }
    // A bar at exactly the top: the tiny segment takes its room from the big one.
    const exact = chartGeometry([point(0, { succeeded: 1_000, failed: 0, cancelled: 0 }), point(1, { succeeded: 999, failed: 1 })], 1, SIZE)!;
    expect(exact.max).toBe(1_000);
    expect(exact.bars[1]!.segments).toEqual([
      { outcome: 'succeeded', value: 999, y: 12, height: 98 },
      { outcome: 'failed', value: 1, y: 10, height: 2 },
    ]);
  });

  it('labels every nth point counting back from the newest; no chart at all without deliveries', () => {
    const hours = Array.from({ length: 24 }, (_, i) => point(i, { succeeded: i % 2 }));
    expect(chartGeometry(hours, 3, SIZE)!.labelled).toEqual([2, 5, 8, 11, 14, 17, 20, 23]);
    expect(chartGeometry(hours.slice(0, 7), 1, SIZE)!.labelled).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(chartGeometry(hours.map((h) => ({ ...h, succeeded: 0 })), 3, SIZE)).toBeNull();
    expect(chartGeometry([], 3, SIZE)).toBeNull();
  });

  it('a point with only failed attempts that were retried is drawn (on top of any outcomes), never an empty chart', () => {
    const only = chartGeometry([point(0), point(1, { retried: 3 })], 1, SIZE)!;
    expect(only).not.toBeNull();
    expect(only.bars[1]!.segments).toEqual([{ outcome: 'retried', value: 3, y: 10, height: 100 }]);
    const mixed = chartGeometry([point(0, { succeeded: 2, retried: 2 })], 1, SIZE)!;
    expect(mixed.bars[0]!.segments.map((s) => s.outcome)).toEqual(['succeeded', 'retried']);
  });
});
