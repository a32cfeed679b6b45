/** The delivery log, for the whole account or one automated task, filterable by status. */
import type { Account } from '../../db/accounts';
import type { Delivery } from '../../plane/store';
import type { AutomationSummary } from '../../db/automations';
import { DeliveryStatus } from '../../domain/vocabulary';
import { Breadcrumbs, IntegrationDisabledNotice, STATUS_LABELS, StatusBadge, Time, triggerLabel } from './components';
import { Layout } from './layout';

export interface LogRow extends Delivery {
  snippet: string | null;
}


export interface DeliveriesPageProps {
  account: Account;
  csrfToken: string;
  deliveries: LogRow[];
  /** Automations of the account by id; a delivery whose automation is missing was for a deleted one. */
  automations: Map<string, AutomationSummary>;
  /** Set when the log is for one automated task. */
  automation: AutomationSummary | null;
  status: DeliveryStatus | null;
  nextCursor: string | null;
}

function logPath(params: { automation?: string | null; status?: string | null; cursor?: string | null }): string {
  const query = new URLSearchParams();
  if (params.automation) query.set('automation', params.automation);
  if (params.status) query.set('status', params.status);
  if (params.cursor) query.set('cursor', params.cursor);
  const text = query.toString();
  return `/console/deliveries${text ? `?${text}` : ''}`;
}

export function DeliveriesPage(props: DeliveriesPageProps) {
  const { account, automation, status } = props;
  const here = logPath({ automation: automation?.id, status });
  return (
    <Layout title="Delivery log" script="deliveries.js" signedIn={{ accountName: account.name, csrfToken: props.csrfToken, current: 'deliveries' }}>
      <Breadcrumbs
        items={[{ label: 'HTTP Notifier', href: '/console' }, ...(automation ? [{ label: 'Delivery log', href: '/console/deliveries' }, { label: triggerLabel(automation.trigger) }] : [{ label: 'Delivery log' }])]}
      />
      <div class="page-header">
        <div>
          <h1>Delivery log</h1>
          <p class="lede">
            {automation ? (
              <>
                Deliveries of <a href={`/console/automations/${encodeURIComponent(automation.id)}`}>{triggerLabel(automation.trigger)}</a> to{' '}
                <span class="url">{automation.url}</span>. <a href={logPath({ status })}>Show all tasks</a>
              </>
            ) : (
              'Every webhook HTTP Notifier sent or will send for this account, newest first. Failed deliveries are retried on a schedule; send one again once your endpoint is fixed.'
            )}
          </p>
        </div>
      </div>
      <div class="stack">
        {!account.http_notifier_enabled && <IntegrationDisabledNotice accountId={account.id} />}
        <section class="card" aria-labelledby="log-heading">
          <div class="card-header">
            <h2 id="log-heading">{status ? `${STATUS_LABELS[status]} deliveries` : 'All deliveries'}</h2>
            <div class="toolbar">
              <form class="filter-form" method="get" action="/console/deliveries">
                {automation && <input type="hidden" name="automation" value={automation.id} />}
                <div class="field">
                  <label for="status-filter">Status</label>
                  <select id="status-filter" name="status">
                    <option value="" selected={!status}>All statuses</option>
                    {DeliveryStatus.options.map((value) => (
                      <option value={value} selected={value === status}>{STATUS_LABELS[value]}</option>
                    ))}
                  </select>
                </div>
                <button type="submit" class="button">Apply</button>
              </form>
              <a class="button button-quiet" href={here}>Refresh</a>
            </div>
          </div>
          {props.deliveries.length === 0 ? (
            <div class="empty-state">
              <h2>{status ? `No ${STATUS_LABELS[status].toLowerCase()} deliveries` : 'No deliveries yet'}</h2>
              <p>Deliveries appear here when an event fires an automated task that is on, or when you send a test from the editor.</p>
            </div>
          ) : (
            <LogTable {...props} />
          )}
          {props.nextCursor && (
            <div class="pager">
              <a class="button button-small" href={logPath({ automation: automation?.id, status, cursor: props.nextCursor })}>Older deliveries</a>
            </div>
          )}
        </section>
      </div>
    </Layout>
  );
}

function LogTable({ deliveries, automations, automation }: DeliveriesPageProps) {
  const columns = automation ? 6 : 7;
  return (
    <div class="table-wrap">
      <table class="data stack-on-narrow" id="delivery-log">
        <thead>
          <tr>
            <th scope="col">Status</th>
            <th scope="col">Time</th>
            {!automation && <th scope="col">Automated task</th>}
            <th scope="col">Attempts</th>
            <th scope="col">Response</th>
            <th scope="col">Error</th>
            <th scope="col"><span class="visually-hidden">Actions</span></th>
          </tr>
        </thead>
        <tbody>
          {deliveries.map((delivery) => (
            <>
              <LogRowView delivery={delivery} automation={automation ? null : automations.get(delivery.automation_id) ?? 'deleted'} />
              <tr class="row-details" id={`details-${delivery.id}`} hidden>
                <td colspan={columns}></td>
              </tr>
            </>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function LogRowView({ delivery, automation }: { delivery: LogRow; automation: AutomationSummary | 'deleted' | null }) {
  return (
    <tr data-delivery-id={delivery.id} data-status={delivery.status}>
      <td data-label="Status">
        <span data-cell="status"><StatusBadge status={delivery.status} /></span>
        {delivery.is_test && <> <span class="tag">Test</span></>}
      </td>
      <td data-label="Time" class="nowrap"><Time iso={delivery.created_at} /></td>
      {automation !== null && (
        <td data-label="Automated task">
          {automation === 'deleted' ? (
            <span class="muted">Deleted task</span>
          ) : (
            <>
              <a href={`/console/automations/${encodeURIComponent(automation.id)}`}>{triggerLabel(automation.trigger)}</a>
              <span class="cell-sub url">{automation.url}</span>
            </>
          )}
        </td>
      )}
      <td data-label="Attempts" data-cell="attempts">{delivery.attempt_count}</td>
      <td data-label="Response">
        <span data-cell="code">{delivery.last_status_code === null ? '—' : `HTTP ${delivery.last_status_code}`}</span>
        <code class="snippet" data-cell="snippet" hidden={!delivery.snippet}>{delivery.snippet ?? ''}</code>
      </td>
      <td data-label="Error" data-cell="error">
        {delivery.last_error ? <span class="error-text">{delivery.last_error}</span> : <span class="muted">—</span>}
        {delivery.status === 'retrying' && delivery.next_attempt_at && (
          <span class="cell-sub">Next attempt <Time iso={delivery.next_attempt_at} /></span>
        )}
      </td>
      <td>
        <div class="row-actions">
          <button type="button" class="button button-small" data-retry={delivery.id}>Send again</button>
          <button type="button" class="button button-small button-quiet" data-details={delivery.id} aria-expanded="false" aria-controls={`details-${delivery.id}`}>
            Attempts
          </button>
        </div>
        <span class="row-message" role="status"></span>
      </td>
    </tr>
  );
}
