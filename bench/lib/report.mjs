/** Result rows, the printed table and the JSON file. */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { round } from './stats.mjs';

/**
 * One measured figure next to its baseline. `ratio` is value / baseline unless given;
 * `met` is true/false for figures with a goal, null for context figures. `baselineUnit`: when
 * the baseline counts something else (events/s against requests/s); the value's unit otherwise.
 */
export function figure({ id, measure, value, unit, baseline = null, baselineUnit, baselineLabel = '', ratio, goal = '', met = null }) {
  const computed = ratio ?? (baseline ? value / baseline : null);
  return {
    id, measure, value: round(value), unit, baseline: baseline === null ? null : round(baseline), ...(baselineUnit ? { baselineUnit } : {}),
    baselineLabel, ratio: computed === null ? null : round(computed, 3), goal, met,
  };
}

const fmt = (value) => (value === null || value === undefined ? '' : typeof value === 'number' ? String(value) : value);

export function formatTable(figures) {
  const header = ['#', 'measure', 'value', 'baseline', 'ratio', 'goal', 'met'];
  const rows = figures.map((f) => [
    f.id,
    f.measure,
    `${fmt(f.value)} ${f.unit}`.trim(),
    f.baseline === null ? '' : `${fmt(f.baseline)} ${f.baselineUnit ?? f.unit}${f.baselineLabel ? ` (${f.baselineLabel})` : ''}`,
    fmt(f.ratio),
    f.goal,
    f.met === null ? '' : f.met ? 'met' : 'NOT MET',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => `| ${cells.map((c, i) => String(c).padEnd(widths[i])).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

export async function writeResults(outFile, results) {
  await mkdir(dirname(outFile), { recursive: true });
  await writeFile(outFile, `${JSON.stringify(results, null, 2)}\n`);
}
