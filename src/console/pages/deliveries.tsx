/**
 * The delivery log, for the whole account or one automated task: filterable by status, and
 * searchable by a call, contact, agent or interaction id (what was sent about call CA42?).
 */
import type { Account } from '../../db/accounts';
import type { AutomationSummary } from '../../db/automations';
import type { BusinessKey } from '../../domain/business-keys';
import { DeliveryStatus } from '../../domain/vocabulary';
import { Breadcrumbs, Callout, IntegrationDisabledNotice, STATUS_LABELS, triggerLabel } from './components';
import { LogTable, ReplayDialog, type LogRow, type RowOwner } from './delivery-log-table';
import { Layout } from './layout';

export type { LogRow } from './delivery-log-table';

/** The keys the search offers, in the order an administrator would look for them. */
export const SEARCH_KEYS: readonly { key: BusinessKey; label: string }[] = [
  { key: 'call_id', label: 'Call ID' },
  { key: 'contact_id', label: 'Contact ID' },
  { key: 'agent_id', label: 'Agent ID' },
  { key: 'interaction_id', label: 'Interaction ID' },
];

export interface LogSearch {
  key: BusinessKey;
  value: string;
}

export interface DeliveriesPageProps {
  account: Account;
  csrfToken: string;
  deliveries: LogRow[];
  /** Automations of the account by id; a delivery whose automation is missing was for a deleted one. */
  automations: Map<string, AutomationSummary>;
  /** The id the operations webhook's deliveries carry. */
  operationsId: string;
  /** Set when the log is for one automated task. */
  automation: AutomationSummary | null;
  status: DeliveryStatus | null;
  search: LogSearch | null;
  /** Set when the log shows one delivery (a notice's link). */
  deliveryId: string | null;
  /** How many deliveries a replay just made (after "Replay this event"). */
  replayed: number | null;
  nextCursor: string | null;
}

interface LogParams {
  automation?: string | null;
  status?: string | null;
  search?: LogSearch | null;
  cursor?: string | null;
}

/** The log's address for these filters: a search is kept as `call_id=…` (and so on), so the URL can be shared. */
export function logPath(params: LogParams): string {
  const query = new URLSearchParams();
  if (params.automation) query.set('automation', params.automation);
  if (params.status) query.set('status', params.status);
  if (params.search) query.set(params.search.key, params.search.value);
  if (params.cursor) query.set('cursor', params.cursor);
  const text = query.toString();
  return `/console/deliveries${text ? `?${text}` : ''}`;
}

const keyLabel = (key: BusinessKey) => SEARCH_KEYS.find((k) => k.key === key)?.label ?? key;

function Lede({ automation, status, search, deliveryId }: DeliveriesPageProps) {
  if (deliveryId) return <>One delivery, as a notice pointed to it. <a href={logPath({})}>Show all deliveries</a></>;
  const scope = automation ? (
    <>
      Deliveries of <a href={`/console/automations/${encodeURIComponent(automation.id)}`}>{triggerLabel(automation.trigger)}</a> to{' '}
      <span class="url">{automation.url}</span>
    </>
  ) : (
    'Every delivery'
  );
  if (search) {
    return (
      <>
        {scope} about {keyLabel(search.key)} <strong class="mono">{search.value}</strong>
        {automation ? '' : ', across all automated tasks'}. <a href={logPath({ automation: automation?.id, status })}>Clear the search</a>
      </>
    );
  }
  if (automation) return <>{scope}. <a href={logPath({ status })}>Show all tasks</a></>;
  return (
    <>
      Every webhook HTTP Notifier sent or will send for this account, newest first. Failed deliveries are retried on a schedule; send
      one again once your endpoint is fixed, or replay an event to send it as a new delivery.
    </>
  );
}

export function DeliveriesPage(props: DeliveriesPageProps) {
  const { account, automation, status, search } = props;
  const here = props.deliveryId ? `/console/deliveries?delivery=${encodeURIComponent(props.deliveryId)}` : logPath({ automation: automation?.id, status, search });
  const ownerOf = (delivery: LogRow): RowOwner =>
    delivery.automation_id === props.operationsId ? 'operations' : props.automations.get(delivery.automation_id) ?? 'deleted';
  return (
    <Layout title="Delivery log" script="deliveries.js" signedIn={{ accountName: account.name, csrfToken: props.csrfToken, current: 'deliveries' }}>
      <Breadcrumbs
        items={[{ label: 'HTTP Notifier', href: '/console' }, ...(automation ? [{ label: 'Delivery log', href: '/console/deliveries' }, { label: triggerLabel(automation.trigger) }] : [{ label: 'Delivery log' }])]}
      />
      <div class="page-header">
        <div>
          <h1>Delivery log</h1>
          <p class="lede"><Lede {...props} /></p>
        </div>
      </div>
      <div class="stack">
        {!account.http_notifier_enabled && <IntegrationDisabledNotice accountId={account.id} />}
        {props.replayed !== null && (
          <Callout kind="success" title="Event replayed" role="status">
            <p>
              {props.replayed === 1 ? 'One new delivery was' : `${props.replayed} new deliveries were`} queued, marked “Replay” in the log.
            </p>
          </Callout>
        )}
        {!props.deliveryId && <SearchForm {...props} />}
        <section class="card" aria-labelledby="log-heading">
          <div class="card-header">
            <h2 id="log-heading">{status ? `${STATUS_LABELS[status]} deliveries` : 'All deliveries'}</h2>
            <div class="toolbar">
              {!props.deliveryId && (
                <form class="filter-form" method="get" action="/console/deliveries">
                  {automation && <input type="hidden" name="automation" value={automation.id} />}
                  {search && <input type="hidden" name={search.key} value={search.value} />}
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
              )}
              <a class="button button-quiet" href={here}>Refresh</a>
            </div>
          </div>
          {props.deliveries.length === 0 ? (
            <EmptyLog status={status} search={search} />
          ) : (
            <LogTable deliveries={props.deliveries} ownerOf={ownerOf} oneTask={automation !== null} />
          )}
          {props.nextCursor && (
            <div class="pager">
              <a class="button button-small" href={logPath({ automation: automation?.id, status, search, cursor: props.nextCursor })}>Older deliveries</a>
            </div>
          )}
        </section>
      </div>
      <ReplayDialog />
    </Layout>
  );
}

/** Search by a business key; a GET form, so the result has an address of its own. */
function SearchForm({ automation, status, search }: DeliveriesPageProps) {
  return (
    <section class="card" aria-labelledby="search-heading">
      <form class="card-body search-form" method="get" action="/console/deliveries" role="search" aria-labelledby="search-heading">
        <h2 id="search-heading" class="visually-hidden">Find deliveries by call</h2>
        {automation && <input type="hidden" name="automation" value={automation.id} />}
        {status && <input type="hidden" name="status" value={status} />}
        <div class="field">
          <label for="search-key">Find by</label>
          <select id="search-key" name="by">
            {SEARCH_KEYS.map(({ key, label }) => (
              <option value={key} selected={(search?.key ?? 'call_id') === key}>{label}</option>
            ))}
          </select>
        </div>
        <div class="field search-value">
          <label for="search-value">ID</label>
          <input id="search-value" name="q" type="search" maxlength={128} autocomplete="off" spellcheck={false}
            value={search?.value ?? ''} placeholder="e.g. CA42" aria-describedby="search-help" />
        </div>
        <button type="submit" class="button button-primary">Search</button>
        {search && <a class="button button-quiet" href={logPath({ automation: automation?.id, status })}>Clear</a>}
        <p id="search-help" class="help span-all">
          Everything sent about one call (or contact, agent, interaction), across automated tasks, for events whose trigger carries that ID.
        </p>
      </form>
    </section>
  );
}

function EmptyLog({ status, search }: { status: DeliveryStatus | null; search: LogSearch | null }) {
  const what = status ? `${STATUS_LABELS[status].toLowerCase()} deliveries` : 'deliveries';
  if (search) {
    return (
      <div class="empty-state">
        <h2>No {what} for {keyLabel(search.key)} “{search.value}”</h2>
        <p>Check the ID and the kind of ID. Only events whose trigger carries it can be found, and old deliveries are removed after the retention period.</p>
      </div>
    );
  }
  return (
    <div class="empty-state">
      <h2>{status ? `No ${what}` : 'No deliveries yet'}</h2>
      <p>Deliveries appear here when an event fires an automated task that is on, or when you send a test from the editor.</p>
    </div>
  );
}
