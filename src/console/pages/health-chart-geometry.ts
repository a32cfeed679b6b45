/**
 * Where the health chart's parts go: a y scale with a round top and whole-number ticks, one
 * stacked bar per point (succeeded at the bottom, then failed, cancelled and expired, then failed
 * attempts that were retried), and which points get a time label. Pure, so the markup
 * (health-chart.tsx) only draws what this decides.
 */
import { FinishedStatus } from '../../domain/vocabulary';

/** A finished delivery's status is its outcome; the vocabulary's order is the bars' order. */
export const OUTCOMES = FinishedStatus.options;
/**
 * What the bars stack: the outcomes, and on top the attempts that failed and were retried, so
 * a receiver failing right now shows before any delivery has finished failing.
 */
export const SERIES = [...OUTCOMES, 'retried'] as const;
export type Outcome = (typeof SERIES)[number];

export interface ChartPoint {
  start: string;
  succeeded: number;
  failed: number;
  cancelled: number;
  expired: number;
  retried: number;
}

export interface ChartSize {
  width: number;
  height: number;
  /** Room for the y labels on the left, the x labels below, and a little above and right. */
  margin: { top: number; right: number; bottom: number; left: number };
}

export const CHART_SIZE: ChartSize = { width: 960, height: 200, margin: { top: 12, right: 12, bottom: 40, left: 44 } };

/** A bar's share of its slot; the rest is the gap between bars. */
const BAR_SHARE = 0.7;
/** A segment with any deliveries is drawn at least this tall, so one failure beside a thousand successes still shows. */
export const MIN_SEGMENT = 2;
/** At most this many steps up the y axis. */
const MAX_Y_STEPS = 4;

export interface Segment {
  outcome: Outcome;
  value: number;
  y: number;
  height: number;
}

export interface Bar {
  index: number;
  start: string;
  total: number;
  x: number;
  width: number;
  segments: Segment[];
}

export interface ChartGeometry {
  size: ChartSize;
  plot: { left: number; top: number; right: number; bottom: number };
  /** The top of the y scale: a round number at least the largest bar. */
  max: number;
  yTicks: { value: number; y: number }[];
  bars: Bar[];
  /** Indexes of the points whose start is written under the axis; always including the newest. */
  labelled: number[];
}

/** A whole-number step of 1, 2 or 5 × 10ⁿ so that `max` takes at most MAX_Y_STEPS of them. */
export function niceStep(max: number): number {
  const raw = Math.max(max / MAX_Y_STEPS, 1);
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw)!;
}

const round = (n: number) => Math.round(n * 100) / 100;

/**
 * The chart's layout, or null when no point has any deliveries (the caller says so in words
 * instead of drawing an empty frame).
 */
export function chartGeometry(points: readonly ChartPoint[], labelEvery: number, size: ChartSize = CHART_SIZE): ChartGeometry | null {
  const totals = points.map((p) => SERIES.reduce((sum, s) => sum + p[s], 0));
  const largest = Math.max(0, ...totals);
  if (largest === 0) return null;
  const step = niceStep(largest);
  const max = Math.ceil(largest / step) * step;
  const plot = { left: size.margin.left, top: size.margin.top, right: size.width - size.margin.right, bottom: size.height - size.margin.bottom };
  const plotHeight = plot.bottom - plot.top;
  const slot = (plot.right - plot.left) / points.length;
  const yOf = (value: number) => round(plot.bottom - (value / max) * plotHeight);

  const bars = points.map((point, index): Bar => {
    const heights = SERIES.map((o) => (point[o] === 0 ? 0 : Math.max((point[o] / max) * plotHeight, MIN_SEGMENT)));
    // Raising small segments to MIN_SEGMENT can push a full bar past the top: the largest gives the room back.
    const excess = heights.reduce((a, b) => a + b, 0) - plotHeight;
    if (excess > 0) {
      const largestAt = heights.indexOf(Math.max(...heights));
      heights[largestAt] = heights[largestAt]! - excess;
    }
    let base = plot.bottom;
    const segments: Segment[] = [];
    SERIES.forEach((outcome, i) => {
      const height = heights[i]!;
      if (height === 0) return;
      base -= height;
      segments.push({ outcome, value: point[outcome], y: round(base), height: round(height) });
    });
    const width = slot * BAR_SHARE;
    return { index, start: point.start, total: totals[index]!, x: round(plot.left + index * slot + (slot - width) / 2), width: round(width), segments };
  });

  const yTicks = Array.from({ length: max / step + 1 }, (_, i) => ({ value: i * step, y: yOf(i * step) }));
  // Counted back from the newest point, so the current hour (or day) always has its label.
  const every = Math.max(1, Math.floor(labelEvery));
  const labelled = points.map((_, i) => i).filter((i) => (points.length - 1 - i) % every === 0);
  return { size, plot, max, yTicks, bars, labelled };
}
