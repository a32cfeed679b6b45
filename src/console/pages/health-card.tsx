/**
 * Health at a glance, for one task or the whole account: success rate, outcomes, response
 * times and a chart, over the last 24 hours or 7 days. The period switch is a pair of links
 * (`?health=7d`), so it works without the script and the address can be shared.
 */
import type { Child } from 'hono/jsx';
import { LATENCY_BOUNDS_MS, type StatsWindow, type WindowStats } from '../../domain/delivery-stats';
import { Time } from './components';
import { HealthChart } from './health-chart';

export const WINDOW_LABELS: Record<StatsWindow, string> = { '24h': 'Last 24 hours', '7d': 'Last 7 days' };

const count = new Intl.NumberFormat('en-US');

const duration = (ms: number) => (ms < 1_000 ? `${ms} ms` : `${ms / 1_000} s`);

/** "100–250 ms", "1–2.5 s", or "500 ms–1 s" across units. */
function range(low: number, high: number): string {
  if (high < 1_000) return `${low}–${high} ms`;
  if (low >= 1_000) return `${low / 1_000}–${high / 1_000} s`;
  return `${duration(low)}–${duration(high)}`;
}

/**
 * A p50/p95 as the band it falls in: the stats keep attempt times in bands (LATENCY_BOUNDS_MS)
 * and report a band's upper bound, so "100–250 ms" is what is actually known. The top bound
 * also stands for the open band above it, so all it says is "over" the bound below.
 */
export function latencyText(ms: number | null): string {
  if (ms === null) return 'No attempts yet';
  const i = LATENCY_BOUNDS_MS.findIndex((bound) => bound === ms);
  if (i === 0) return `under ${duration(ms)}`;
  if (i === LATENCY_BOUNDS_MS.length - 1) return `over ${duration(LATENCY_BOUNDS_MS[i - 1]!)}`;
  if (i > 0) return range(LATENCY_BOUNDS_MS[i - 1]!, ms);
  return `about ${duration(ms)}`;
}

/**
 * The share that succeeded, rounded down so a failure never shows as 100%.
 */
export function percentText(rate: number | null): string {
  if (rate === null) return '—';
  const tenths = Math.floor(rate * 1000 + 1e-9) / 10;
  return `${tenths.toFixed(tenths % 1 === 0 ? 0 : 1)}%`;
}

export interface HealthCardProps {
  /** The card's element id, also the fragment the period links jump to. */
  id: string;
  heading: string;
  stats: WindowStats;
  /** The page's own address with `health` set to each period. */
  links: Record<StatsWindow, string>;
  /** The delivery log, filtered to what this card counts (`&status=failed` is added). */
  logHref: string;
}

export function HealthCard({ id, heading, stats, links, logHref }: HealthCardProps) {
  const { counts, attempts, latency_ms: latency } = stats;
  const finished = counts.succeeded + counts.failed + counts.expired;
  return (
    <section class="card health-card" id={id} aria-labelledby={`${id}-heading`} data-health-window={stats.window}>
      <div class="card-header">
        <div>
          <h2 id={`${id}-heading`}>{heading}</h2>
          <p class="help">
            {WINDOW_LABELS[stats.window]}, since <Time iso={stats.from} />. Test sends are not counted.
          </p>
        </div>
        <div class="period-switch" role="group" aria-label="Period">
          {(Object.keys(WINDOW_LABELS) as StatsWindow[]).map((window) => (
            <a href={links[window]} aria-current={window === stats.window ? 'true' : undefined}>{WINDOW_LABELS[window]}</a>
          ))}
        </div>
      </div>
      <div class="card-body">
        <dl class="health-stats">
          <Stat name="success_rate" label="Success rate" value={percentText(stats.success_rate)}
            sub={finished === 0 ? 'No finished deliveries' : `${count.format(counts.succeeded)} of ${count.format(finished)} finished deliveries succeeded`} />
          <Stat name="succeeded" label="Succeeded" value={count.format(counts.succeeded)} tone="success" />
          <Stat name="failed" label="Failed" value={count.format(counts.failed)} tone={counts.failed > 0 ? 'error' : undefined}
            sub={counts.failed > 0 ? <a href={`${logHref}${logHref.includes('?') ? '&' : '?'}status=failed`}>See failed deliveries</a> : 'After every retry'} />
          <Stat name="retried" label="Retried" value={count.format(counts.retried)}
            sub={`Failed attempts tried again; ${count.format(attempts.failed)} of ${count.format(attempts.total)} attempts failed`} />
          {counts.expired > 0 && (
            <Stat name="expired" label="Expired" value={count.format(counts.expired)}
              sub={<a href={`${logHref}${logHref.includes('?') ? '&' : '?'}status=expired`}>Too old to send (max age)</a>} />
          )}
          <Stat name="cancelled" label="Cancelled" value={count.format(counts.cancelled)} sub={`${count.format(counts.open)} waiting to be sent now`} />
          <div class="stat" data-stat="latency">
            <dt>Response time</dt>
            <dd class="stat-line" data-stat="p50"><abbr title="Half of the attempts took this long or less">p50</abbr> <span class="stat-value">{latencyText(latency.p50)}</span></dd>
            <dd class="stat-line" data-stat="p95"><abbr title="95 in 100 attempts took this long or less">p95</abbr> <span class="stat-value">{latencyText(latency.p95)}</span></dd>
            <dd class="stat-sub">Estimated from time bands</dd>
          </div>
        </dl>
        <HealthChart id={id} stats={stats} />
      </div>
    </section>
  );
}

function Stat({ name, label, value, sub, tone }: { name: string; label: string; value: string; sub?: Child; tone?: 'success' | 'error' }) {
  return (
    <div class="stat" data-stat={name}>
      <dt>{label}</dt>
      <dd class={tone ? `stat-value ${tone}-text` : 'stat-value'}>{value}</dd>
      {sub !== undefined && <dd class="stat-sub">{sub}</dd>}
    </div>
  );
}
