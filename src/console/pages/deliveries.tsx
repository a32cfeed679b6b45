/**
 * The delivery log, for the whole account or one automated task: filtered by task, status and
 * time range, searchable by a call, contact, agent or interaction id (what was sent about call
 * CA42?), paged both ways with a count. Every filter lives in the URL (see ../log-filters.ts).
 */
import type { Account } from '../../db/accounts';
import type { AutomationSummary } from '../../db/automations';
import { COUNT_CAP, LOG_RANGES } from '../../domain/log-query';
import { DeliveryStatus } from '../../domain/vocabulary';
import { firstPage, LOG_LIMIT, logPath, type LogFilters, type LogSearch, type LogSearchKey } from '../log-filters';
import { Breadcrumbs, Callout, IntegrationDisabledNotice, STATUS_LABELS, taskName, taskTitle } from './components';
import { LogTable, ReplayDialog, type LogRow, type RowOwner } from './delivery-log-table';
import { Layout } from './layout';
import { ResendAll, type ResendAllProps } from './resend-all';

export type { LogRow } from './delivery-log-table';

/** What the search offers, labelled, in the order an administrator would look for them (every key: the type checks it). */
const SEARCH_LABELS: Record<LogSearchKey, string> = {
  call_id: 'Call ID',
  contact_id: 'Contact ID',
  agent_id: 'Agent ID',
  interaction_id: 'Interaction ID',
  event_id: 'Event ID',
};

export interface DeliveriesPageProps {
  account: Account;
  csrfToken: string;
  deliveries: LogRow[];
  /** Automations of the account by id; a delivery whose automation is missing was for a deleted one. */
  automations: Map<string, AutomationSummary>;
  /** The tasks the task filter offers. */
  tasks: AutomationSummary[];
  /** The id the operations webhook's deliveries carry. */
  operationsId: string;
  filters: LogFilters;
  /** Filter values of the URL that were left out, said on the page. */
  notes: string[];
  /** Set when the log shows one delivery (a notice's link). */
  deliveryId: string | null;
  /** How many deliveries a replay just made (after "Replay this event"). */
  replayed: number | null;
  /** What "Resend all" just did, and when the page was drawn (the end of what it resends). */
  resend: Pick<ResendAllProps, 'outcome' | 'drawnAt'>;
  page: LogPaging;
}

/** Where the page stands among the deliveries the filters match (see GET /v1/deliveries). */
export interface LogPaging {
  next_cursor: string | null;
  prev_cursor: string | null;
  total: number;
  total_capped: boolean;
  newer_count: number | null;
}

const keyLabel = (key: LogSearchKey) => SEARCH_LABELS[key];
const count = (n: number) => n.toLocaleString('en-US');

function Lede({ filters, deliveryId, automations, operationsId }: DeliveriesPageProps) {
  if (deliveryId) return <>One delivery, as a notice pointed to it. <a href={logPath({})}>Show all deliveries</a></>;
  const task = filters.automation ? automations.get(filters.automation) : undefined;
  const scope = task ? (
    <>
      Deliveries of <a href={`/console/automations/${encodeURIComponent(task.id)}`}>{taskName(task)}</a> to{' '}
      <span class="url">{task.url}</span>
    </>
  ) : filters.automation === operationsId ? 'Deliveries of the operations webhook' : 'Every delivery';
  const { search } = filters;
  if (search) {
    return (
      <>
        {scope} about {keyLabel(search.key)} <strong class="mono">{search.value}</strong>
        {filters.automation ? '' : ', across all automated tasks'}. <a href={logPath(firstPage({ ...filters, search: null }))}>Clear the search</a>
      </>
    );
  }
  if (filters.automation) return <>{scope}. <a href={logPath(firstPage({ ...filters, automation: null }))}>Show all tasks</a></>;
  return (
    <>
      Every webhook HTTP Notifier sent or will send for this account, newest first. Failed deliveries are retried on a schedule; send
      one again once your endpoint is fixed, or replay an event to send it as a new delivery.
    </>
  );
}

export function DeliveriesPage(props: DeliveriesPageProps) {
  const { account, filters } = props;
  const { status } = filters;
  const task = filters.automation ? props.automations.get(filters.automation) ?? null : null;
  const here = props.deliveryId ? `/console/deliveries?delivery=${encodeURIComponent(props.deliveryId)}` : logPath(filters);
  const ownerOf = (delivery: LogRow): RowOwner =>
    delivery.automation_id === props.operationsId ? 'operations' : props.automations.get(delivery.automation_id) ?? 'deleted';
  return (
    <Layout title="Delivery log" script="deliveries.js" signedIn={{ accountName: account.name, csrfToken: props.csrfToken, current: 'deliveries' }}>
      <Breadcrumbs
        items={[{ label: 'HTTP Notifier', href: '/console' }, ...(task ? [{ label: 'Delivery log', href: '/console/deliveries' }, { label: taskName(task) }] : [{ label: 'Delivery log' }])]}
      />
      <div class="page-header">
        <div>
          <h1>Delivery log</h1>
          <p class="lede"><Lede {...props} /></p>
        </div>
      </div>
      <div class="stack">
        {!account.http_notifier_enabled && <IntegrationDisabledNotice accountId={account.id} />}
        {props.notes.length > 0 && (
          <Callout kind="warning" title="Some filters in the address were left out" role="status">
            <ul>{props.notes.map((note) => <li>{note}</li>)}</ul>
          </Callout>
        )}
        {props.replayed !== null && (
          <Callout kind="success" title="Event replayed" role="status">
            <p>
              {props.replayed === 1 ? 'One new delivery was' : `${props.replayed} new deliveries were`} queued, marked “Replay” in the log.
            </p>
          </Callout>
        )}
        {!props.deliveryId && <SearchForm {...props} />}
        {!props.deliveryId && account.http_notifier_enabled && (
          <ResendAll filters={filters} total={props.page.total} totalCapped={props.page.total_capped} {...props.resend} />
        )}
        <section class="card" aria-labelledby="log-heading">
          <div class="card-header">
            <h2 id="log-heading">{status ? `${STATUS_LABELS[status]} deliveries` : 'All deliveries'}</h2>
            <div class="toolbar">
              {!props.deliveryId && <FilterForm {...props} />}
              <a class="button button-quiet" href={here}>Refresh</a>
            </div>
          </div>
          {props.deliveries.length === 0 ? (
            <EmptyLog status={status} search={filters.search} filtered={filters.automation !== null || filters.range !== null || filters.since !== null || filters.until !== null} />
          ) : (
            <LogTable deliveries={props.deliveries} ownerOf={ownerOf} oneTask={task !== null} />
          )}
          {!props.deliveryId && <Pager {...props} />}
        </section>
      </div>
      <ReplayDialog />
    </Layout>
  );
}

/** A UTC wall-clock time for a datetime-local input (the page script shows it in local time). */
const inputTime = (ms: number | null) => (ms === null ? '' : new Date(ms).toISOString().slice(0, 16));

/**
 * Task, status and time range. A GET form: the page script navigates as soon as a value
 * changes; without scripts, the button inside <noscript> sends it.
 */
function FilterForm({ filters, tasks, operationsId }: DeliveriesPageProps) {
  const custom = filters.range === null && (filters.since !== null || filters.until !== null);
  const known = filters.automation === null || filters.automation === operationsId || tasks.some((t) => t.id === filters.automation);
  return (
    <form class="filter-form" id="log-filters" method="get" action="/console/deliveries" aria-label="Filter the log">
      {filters.search && <input type="hidden" name={filters.search.key} value={filters.search.value} />}
      {filters.limit !== LOG_LIMIT && <input type="hidden" name="limit" value={String(filters.limit)} />}
      <div class="field">
        <label for="task-filter">Task</label>
        <select id="task-filter" name="automation">
          <option value="" selected={filters.automation === null}>All tasks</option>
          {tasks.map((task) => (
            <option value={task.id} selected={task.id === filters.automation}>{taskTitle(task)}</option>
          ))}
          <option value={operationsId} selected={filters.automation === operationsId}>Operations webhook</option>
          {!known && <option value={filters.automation!} selected>Deleted task</option>}
        </select>
      </div>
      <div class="field">
        <label for="status-filter">Status</label>
        <select id="status-filter" name="status">
          <option value="" selected={!filters.status}>All statuses</option>
          {DeliveryStatus.options.map((value) => (
            <option value={value} selected={value === filters.status}>{STATUS_LABELS[value]}</option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for="range-filter">Time</label>
        <select id="range-filter" name="range">
          <option value="" selected={filters.range === null && !custom}>Any time</option>
          {Object.entries(LOG_RANGES).map(([value, { label }]) => (
            <option value={value} selected={value === filters.range}>{label}</option>
          ))}
          <option value="custom" selected={custom}>Custom range</option>
        </select>
      </div>
      <fieldset class="custom-range" id="custom-range" data-custom={custom ? 'true' : 'false'}>
        <legend class="visually-hidden">Custom time range</legend>
        <div class="field">
          <label for="range-from">From</label>
          <input id="range-from" name="from" type="datetime-local" value={inputTime(filters.since)}
            data-iso={filters.since === null ? undefined : new Date(filters.since).toISOString()} aria-describedby="range-zone" />
        </div>
        <div class="field">
          <label for="range-to">To</label>
          <input id="range-to" name="to" type="datetime-local" value={inputTime(filters.until)}
            data-iso={filters.until === null ? undefined : new Date(filters.until).toISOString()} aria-describedby="range-zone" />
        </div>
        <p class="help" id="range-zone">Times in UTC.</p>
      </fieldset>
      <noscript><button type="submit" class="button">Apply</button></noscript>
    </form>
  );
}

/** "Newer" and "Older", and where this page stands: "51–100 of 1,234". */
function Pager({ filters, page, deliveries }: DeliveriesPageProps) {
  const first = firstPage(filters);
  const position =
    deliveries.length === 0
      ? null
      : page.newer_count === null
        ? `${count(deliveries.length)} past the newest ${count(COUNT_CAP)}`
        : `${count(page.newer_count + 1)}–${count(page.newer_count + deliveries.length)}`;
  const of = page.total_capped ? `${count(page.total)}+` : count(page.total);
  const lost = deliveries.length === 0 && (filters.cursor !== null || filters.endingBefore !== null);
  if (!position && !lost) return null;
  return (
    <nav class="pager" aria-label="Pages of the log">
      {position && <p class="pager-count" id="log-count">{position} of {of}</p>}
      <div class="pager-links">
        {page.prev_cursor && <a class="button button-small" rel="prev" href={logPath({ ...first, endingBefore: page.prev_cursor })}>Newer deliveries</a>}
        {lost && <a class="button button-small" href={logPath(first)}>Newest deliveries</a>}
        {page.next_cursor && <a class="button button-small" rel="next" href={logPath({ ...first, cursor: page.next_cursor })}>Older deliveries</a>}
      </div>
    </nav>
  );
}

/** Search by a business key; a GET form, so the result has an address of its own. It keeps the filters. */
function SearchForm({ filters }: DeliveriesPageProps) {
  const { search } = filters;
  const kept = new URLSearchParams(logPath(firstPage({ ...filters, search: null })).split('?')[1] ?? '');
  return (
    <section class="card" aria-labelledby="search-heading">
      <form class="card-body search-form" method="get" action="/console/deliveries" role="search" aria-labelledby="search-heading">
        <h2 id="search-heading" class="visually-hidden">Find deliveries by call</h2>
        {[...kept].map(([name, value]) => <input type="hidden" name={name} value={value} />)}
        <div class="field">
          <label for="search-key">Find by</label>
          <select id="search-key" name="by">
            {(Object.entries(SEARCH_LABELS) as [LogSearchKey, string][]).map(([key, label]) => (
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
        {search && <a class="button button-quiet" href={logPath(firstPage({ ...filters, search: null }))}>Clear</a>}
        <p id="search-help" class="help span-all">
          Everything sent about one call (or contact, agent, interaction), across automated tasks, for events whose trigger carries
          that ID; or every delivery of one event, by the ID the platform gave it.
        </p>
      </form>
    </section>
  );
}

function EmptyLog({ status, search, filtered }: { status: DeliveryStatus | null; search: LogSearch | null; filtered: boolean }) {
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
      <h2>{status || filtered ? `No ${what}` : 'No deliveries yet'}</h2>
      <p>Deliveries appear here when an event fires an automated task that is on, or when you send a test from the editor.</p>
    </div>
  );
}
