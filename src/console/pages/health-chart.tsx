/**
 * Deliveries over time by outcome, drawn on the server as SVG: no script or outside resource,
 * colours from the stylesheet's classes (the CSP allows no inline styles). Screen readers get
 * a one-line summary as the image's description and every number in a visually hidden table.
 * Times are printed in UTC; the page script relabels them in the reader's time zone.
 */
import type { WindowStats } from '../../domain/delivery-stats';
import { STATUS_LABELS, Time } from './components';
import { chartGeometry, OUTCOMES, SERIES, type Outcome } from './health-chart-geometry';

/** The legend's words for each series. */
const SERIES_LABELS: Record<Outcome, string> = { ...STATUS_LABELS, retried: 'Attempt failed, retried' };
/** A segment's count in words ("3 failed", "2 failed attempts retried"). */
const SERIES_WORDS: Record<Outcome, string> = {
  succeeded: 'succeeded', failed: 'failed', cancelled: 'cancelled', expired: 'expired', retried: 'failed attempts retried',
};

const WINDOW_WORDS = { '24h': 'the last 24 hours', '7d': 'the last 7 days' } as const;
/** Hourly points are labelled every 3 hours; daily points each. */
const LABEL_EVERY = { hour: 3, day: 1 } as const;

const UTC_DATE = new Intl.DateTimeFormat('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' });
const utcClock = (iso: string) => `${iso.slice(11, 16)}`;
const count = new Intl.NumberFormat('en-US');
const compact = new Intl.NumberFormat('en-US', { notation: 'compact' });

const plural = (n: number, one: string, many: string) => `${count.format(n)} ${n === 1 ? one : many}`;

/** The chart's words for screen readers: the window's totals and the busiest point. */
export function chartSummary(stats: WindowStats): string {
  const unit = stats.series.bucket;
  const totals = SERIES.map((o) => `${count.format(stats.series.points.reduce((sum, p) => sum + p[o], 0))} ${SERIES_WORDS[o]}`);
  const busiest = Math.max(0, ...stats.series.points.map((p) => OUTCOMES.reduce((sum, o) => sum + p[o], 0)));
  return `Deliveries per ${unit} over ${WINDOW_WORDS[stats.window]}: ${totals.join(', ')}. ` +
    `The busiest ${unit} had ${plural(busiest, 'delivery', 'deliveries')}; the table below gives each ${unit}.`;
}

export function HealthChart({ id, stats }: { id: string; stats: WindowStats }) {
  const { bucket, points } = stats.series;
  const title = `Deliveries per ${bucket}, ${WINDOW_WORDS[stats.window]}`;
  const geometry = chartGeometry(points, LABEL_EVERY[bucket]);
  return (
    <div class="health-chart" data-health-chart={stats.window}>
      <div class="chart-head">
        <h3 id={`${id}-chart-title`}>{title}</h3>
        {geometry && (
          <ul class="chart-legend" aria-label="Legend">
            {SERIES.map((o) => (
              <li><span class={`chart-swatch chart-${o}`} aria-hidden="true"></span>{SERIES_LABELS[o]}</li>
            ))}
          </ul>
        )}
      </div>
      {!geometry ? (
        <p class="chart-empty">
          {stats.counts.open > 0
            ? `Nothing finished or retried in ${WINDOW_WORDS[stats.window]}; ${plural(stats.counts.open, 'delivery is', 'deliveries are')} waiting to be sent now.`
            : `No deliveries in ${WINDOW_WORDS[stats.window]}.`}
        </p>
      ) : (
        <>
          <div class="chart-scroll">
            <svg class="chart-svg" role="img" viewBox={`0 0 ${geometry.size.width} ${geometry.size.height}`}
              aria-labelledby={`${id}-svg-title`} aria-describedby={`${id}-svg-desc`} focusable="false">
              <title id={`${id}-svg-title`}>{title}</title>
              <desc id={`${id}-svg-desc`}>{chartSummary(stats)}</desc>
              <g class="chart-grid">
                {geometry.yTicks.map((tick) => (
                  <>
                    <line x1={geometry.plot.left} x2={geometry.plot.right} y1={tick.y} y2={tick.y} class={tick.value === 0 ? 'chart-axis' : undefined} />
                    <text class="chart-y-label" x={geometry.plot.left - 8} y={tick.y} dy="0.32em">{compact.format(tick.value)}</text>
                  </>
                ))}
              </g>
              <g class="chart-bars">
                {geometry.bars.map((bar) => (
                  <g data-point={bar.start} data-total={bar.total}>
                    {bar.segments.map((s) => (
                      <rect class={`chart-${s.outcome}`} x={bar.x} y={s.y} width={bar.width} height={s.height} data-outcome={s.outcome} data-value={s.value} data-words={SERIES_WORDS[s.outcome]}>
                        <title>{`${count.format(s.value)} ${SERIES_WORDS[s.outcome]}, ${bucket} from ${UTC_DATE.format(new Date(bar.start))} ${utcClock(bar.start)} UTC`}</title>
                      </rect>
                    ))}
                  </g>
                ))}
              </g>
              <g class="chart-x-labels">
                {geometry.labelled.map((index, n) => {
                  const bar = geometry.bars[index]!;
                  const previous = n > 0 ? geometry.bars[geometry.labelled[n - 1]!]!.start : null;
                  // Hours carry their date where it changes; days always show both.
                  const date = UTC_DATE.format(new Date(bar.start));
                  const showDate = bucket === 'day' || previous === null || previous.slice(0, 10) !== bar.start.slice(0, 10);
                  const x = Math.round((bar.x + bar.width / 2) * 100) / 100;
                  const y = geometry.plot.bottom + 16;
                  return (
                    <text class="chart-x-label" x={x} y={y} data-time={bar.start} data-bucket={bucket}>
                      <tspan x={x}>{bucket === 'day' ? date : utcClock(bar.start)}</tspan>
                      {showDate && <tspan x={x} dy="1.2em">{bucket === 'day' ? utcClock(bar.start) : date}</tspan>}
                    </text>
                  );
                })}
              </g>
            </svg>
          </div>
          <p class="help chart-note" data-chart-zone>Times in UTC. Point at a bar for its numbers.</p>
          <ChartTable id={id} stats={stats} />
        </>
      )}
    </div>
  );
}

function ChartTable({ id, stats }: { id: string; stats: WindowStats }) {
  const unit = stats.series.bucket === 'hour' ? 'Hour' : 'Day (24 hours)';
  // The wrapper hides it: a table given the hiding class itself still lays out at its full width.
  return (
    <div class="visually-hidden">
      <table id={`${id}-chart-table`}>
        <caption>Deliveries per {stats.series.bucket}, {WINDOW_WORDS[stats.window]}, by outcome</caption>
        <thead>
          <tr>
            <th scope="col">{unit} starting</th>
            {SERIES.map((o) => <th scope="col">{SERIES_LABELS[o]}</th>)}
          </tr>
        </thead>
        <tbody>
          {stats.series.points.map((p) => (
            <tr>
              <th scope="row"><Time iso={p.start} /></th>
              {SERIES.map((o) => <td>{p[o]}</td>)}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
