/**
 * "Resend all N shown by these filters" in the delivery log: when the log shows failed
 * deliveries (expired ones are never sent late: the log says so instead), one press (confirmed, stating N) sends every one the filters match again, through
 * POST /v1/deliveries/retry with the same filters. The page script (lib/resend-all.ts) reads
 * the request body from `data-filter`, so what is sent is exactly what the page listed; a
 * preset range ("last hour") is the time the page was drawn, and the end of an open range is
 * that time too, so deliveries that failed after it are not sent without being shown.
 */
import { RECOVER_LIMIT } from '../../plane/changes';
import { ResendableStatus } from '../../domain/vocabulary';
import type { LogFilters } from '../log-filters';
import { Callout, ConfirmDialog, STATUS_LABELS } from './components';

const count = (n: number) => n.toLocaleString('en-US');

/** What the page script posts: the log's filters as POST /v1/deliveries/retry takes them; null when they list nothing resendable. */
export function resendBody(filters: LogFilters, drawnAt: number): Record<string, string> | null {
  const status = ResendableStatus.safeParse(filters.status);
  if (!status.success) return null;
  return {
    status: status.data,
    ...(filters.automation ? { automation_id: filters.automation } : {}),
    ...(filters.search ? { [filters.search.key]: filters.search.value } : {}),
    ...(filters.since !== null ? { since: new Date(filters.since).toISOString() } : {}),
    until: new Date(filters.until ?? drawnAt).toISOString(),
  };
}

/** What the last press did, as the page script put it in the address (`resent`, `skipped`, `more`). */
export interface ResendOutcome {
  retried: number;
  skipped: number;
  more: boolean;
}

export interface ResendAllProps {
  filters: LogFilters;
  total: number;
  totalCapped: boolean;
  drawnAt: number;
  outcome: ResendOutcome | null;
}

export function ResendAll({ filters, total, totalCapped, drawnAt, outcome }: ResendAllProps) {
  const body = resendBody(filters, drawnAt);
  const n = totalCapped ? `${count(total)}+` : count(total);
  const what = body ? `${STATUS_LABELS[body.status as ResendableStatus].toLowerCase()} deliver${total === 1 ? 'y' : 'ies'}` : '';
  return (
    <>
      {outcome && (
        <Callout kind={outcome.retried > 0 ? 'success' : 'warning'} title={`Sent again: ${count(outcome.retried)}`} role="status" id="resend-all-outcome">
          <p>
            {outcome.retried === 1 ? 'One delivery is' : `${count(outcome.retried)} deliveries are`} queued again, each with its own
            {' '}<code>webhook-id</code> and a fresh retry schedule; they are pending now, so this list no longer shows them.
            {outcome.skipped > 0 && ` ${count(outcome.skipped)} were left as they are: their task is off or deleted.`}
            {outcome.more && ` More than ${count(RECOVER_LIMIT)} matched: press “Resend all” again to send the next ones.`}
          </p>
        </Callout>
      )}
      {body?.status === 'expired' && total > 0 && (
        <p class="small muted" id="resend-all-expired">
          Expired deliveries are never sent late, so they cannot be sent again. To allow more time, raise the task’s max age: it applies to deliveries created afterwards.
        </p>
      )}
      {body && body.status !== 'expired' && total > 0 && (
        <div class="resend-all" id="resend-all" data-filter={JSON.stringify(body)}>
          <p class="small">
            {totalCapped ? `More than ${count(total)}` : n} {what} match these filters. Once your endpoint is fixed, send them all again at once.
          </p>
          <button type="button" class="button" id="resend-all-button">Resend all {n} shown by these filters</button>
          <ConfirmDialog
            name="resend-all"
            title={`Resend all ${n} ${what}?`}
            text={
              <>
                <p>
                  Every one of the {n} {what} these filters show is sent again
                  {totalCapped ? ` (the oldest ${count(RECOVER_LIMIT)} now; press again for the rest)` : ''}, with the same{' '}
                  <code>webhook-id</code> as before and a fresh retry schedule.
                </p>
                <p class="muted">Deliveries of a task that is off or deleted are left as they are. Nothing that is still waiting to be sent is touched.</p>
              </>
            }
            confirm={{ value: 'resend', label: `Resend ${n}`, class: 'button-primary', id: 'confirm-resend-all' }}
          />
        </div>
      )}
    </>
  );
}

/** The last press's outcome from the address; null without one. */
export function readResendOutcome(query: (name: string) => string | undefined): ResendOutcome | null {
  const number = (name: string) => /^\d{1,6}$/.exec(query(name) ?? '')?.[0];
  const retried = number('resent');
  if (retried === undefined) return null;
  return { retried: Number(retried), skipped: Number(number('skipped') ?? 0), more: query('more') === '1' };
}
