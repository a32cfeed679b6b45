/**
 * Health at a glance, for one task or the whole account: success rate, outcomes, response
 * times and a chart, over the last 24 hours or 7 days. The period switch is a pair of links
 * (`?health=7d`), so it works without the script and the address can be shared.
 */
import type { Child } from 'hono/jsx';
import { LATENCY_BOUNDS_MS, type HealthState, type StatsWindow, type WindowStats } from '../../domain/delivery-stats';
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
  /** The delivery log, filtered to what this card counts (`&status=failed&since=…` is added). */
  logHref: string;
  /** The time zone the reader's browser asked for (its cookie), even one the server could not read: the page script compares it with its own. */
  zoneAsked?: string;
}

/** Where the card stands, in a word beside its heading. */
const STATE_BADGES: Record<HealthState, { label: string; badge: string }> = {
  failing: { label: 'Failing', badge: 'failed' },
  degraded: { label: 'Some failures', badge: 'retrying' },
  ok: { label: 'Healthy', badge: 'succeeded' },
  idle: { label: 'No deliveries', badge: 'cancelled' },
};

/** The log of what a count counts: deliveries of that status created since the window's start. */
export function statusLogHref(logHref: string, status: 'failed' | 'expired', from: string): string {
  return `${logHref}${logHref.includes('?') ? '&' : '?'}status=${status}&since=${encodeURIComponent(from)}`;
}

/** The log of what the Failed count counts: failed deliveries created since the window's start. */
export const failedLogHref = (logHref: string, from: string): string => statusLogHref(logHref, 'failed', from);

export function HealthCard({ id, heading, stats, links, logHref, zoneAsked }: HealthCardProps) {
  const { counts, attempts, latency_ms: latency } = stats;
  // An expired delivery was never delivered in time: it counts against the rate like a failure.
  const judged = counts.succeeded + counts.failed + counts.expired + counts.retrying;
  const state = STATE_BADGES[stats.state];
  return (
    <section class={`card health-card health-${stats.state}`} id={id} aria-labelledby={`${id}-heading`} data-health-window={stats.window}
      data-health-state={stats.state} data-zone-asked={zoneAsked ?? ''}>
      <div class="card-header">
        <div>
          <h2 id={`${id}-heading`}>
            {heading} <span class={`badge badge-${state.badge} health-state`} data-health-badge>{state.label}</span>
          </h2>
          <p class="help">
            {WINDOW_LABELS[stats.window]}{stats.window === '7d' ? ` (calendar days in ${stats.zone === 'UTC' ? 'UTC' : stats.zone})` : ''}, since{' '}
            <Time iso={stats.from} />. Deliveries count in the hour they were created, by their status now. Test sends are not counted.
          </p>
        </div>
        <div class="period-switch" role="group" aria-label="Period">
          {(Object.keys(WINDOW_LABELS) as StatsWindow[]).map((window) => (
            <a href={links[window]} aria-current={window === stats.window ? 'true' : undefined}>{WINDOW_LABELS[window]}</a>
          ))}
        </div>
      </div>
      <div class="card-body">
        {stats.failing_since && (
          <p class="health-failing-since" data-failing-since={stats.failing_since}>
            Failing since <Time iso={stats.failing_since} />: every attempt since then has failed
            {counts.retrying > 0 ? `; ${count.format(counts.retrying)} ${counts.retrying === 1 ? 'delivery waits' : 'deliveries wait'} to be tried again` : ''}.
          </p>
        )}
        <dl class="health-stats">
          <Stat name="success_rate" label="Success rate" value={percentText(stats.success_rate)} tone={stats.state === 'failing' ? 'error' : undefined}
            sub={judged === 0 ? 'Nothing finished or retrying' : `${count.format(counts.succeeded)} of ${count.format(judged)} succeeded (finished, or retrying now)`} />
          <Stat name="succeeded" label="Succeeded" value={count.format(counts.succeeded)} tone="success" />
          <Stat name="failed" label="Failed" value={count.format(counts.failed)} tone={counts.failed > 0 ? 'error' : undefined}
            sub={counts.failed > 0 ? <a href={failedLogHref(logHref, stats.from)}>See {counts.failed === 1 ? 'it' : `these ${count.format(counts.failed)}`} in the log</a> : 'After every retry; none now'} />
          <Stat name="retrying" label="Retrying now" value={count.format(counts.retrying)} tone={counts.retrying > 0 ? 'error' : undefined}
            sub={`Last attempt failed; ${count.format(counts.open)} waiting to be sent in all`} />
          <Stat name="retried" label="Retried" value={count.format(counts.retried)}
            sub={`Failed attempts tried again; ${count.format(attempts.failed)} of ${count.format(attempts.total)} attempts failed`} />
          {counts.expired > 0 && (
            <Stat name="expired" label="Expired" value={count.format(counts.expired)}
              sub={<a href={statusLogHref(logHref, 'expired', stats.from)}>Too old to send (max age)</a>} />
          )}
          <Stat name="cancelled" label="Cancelled" value={count.format(counts.cancelled)} sub="Turned off or deleted before sending" />
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
