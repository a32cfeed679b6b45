/**
 * The HTTP Notifier settings page: the account's automated tasks, each with its on/off switch and
 * health, the account's delivery health, then its notices and its operations webhook.
 */
import type { Account } from '../../db/accounts';
import type { Automation } from '../../db/automations';
import type { DeliveryStatus } from '../../domain/vocabulary';
import type { DestinationView } from '../../plane/protocol';
import { Breadcrumbs, Callout, ConfirmDialog, IntegrationDisabledNotice, StatusBadge, taskTitle, Time, triggerLabel } from './components';
import { HealthCard, type HealthCardProps } from './health-card';
import { Layout } from './layout';
import { NoticesPanel, OperationsWebhookPanel, TaskHealth, type NoticesPanelProps } from './operations-panels';

export interface AutomationListItem extends Automation {
  last_delivery: { id: string; status: DeliveryStatus; created_at: string } | null;
  destination: DestinationView;
}

export interface SettingsPageProps {
  account: Account;
  csrfToken: string;
  automations: AutomationListItem[];
  nextCursor: string | null;
  /** Set after a redirect from the editor, e.g. "deleted". */
  flash: string | null;
  notices: NoticesPanelProps;
  operationsWebhookUrl: string | null;
  /** The account's health over the chosen period. */
  health: Pick<HealthCardProps, 'stats' | 'links' | 'zoneAsked'>;
}

const NEW_TASK_PATH = '/console/automations/new';

export function SettingsPage({ account, csrfToken, automations, nextCursor, flash, notices, operationsWebhookUrl, health }: SettingsPageProps) {
  const enabled = account.http_notifier_enabled;
  const empty = automations.length === 0;
  return (
    <Layout title="HTTP Notifier settings" script="settings.js" signedIn={{ accountName: account.name, csrfToken, current: 'automations' }}>
      <Breadcrumbs items={[{ label: 'Admin' }, { label: 'Integrations' }, { label: 'HTTP Notifier' }]} />
      <div class="page-header">
        <div>
          <h1>Automated tasks</h1>
          <p class="lede">
            Each automated task makes an HTTP POST to your URL with a JSON or XML body when its trigger happens. Turn a task off at
            any time; it keeps its settings.
          </p>
        </div>
        {!empty && <AddTaskLink enabled={enabled} label="Add New Automated Task" />}
      </div>
      <div class="stack">
        {!enabled && <IntegrationDisabledNotice accountId={account.id} />}
        {flash === 'deleted' && (
          <Callout kind="success" title="Automated task deleted" role="status">
            <p>Its pending deliveries were cancelled. Past deliveries stay in the delivery log.</p>
          </Callout>
        )}
        {empty ? <EmptyState enabled={enabled} /> : <AutomationTable automations={automations} enabled={enabled} nextCursor={nextCursor} />}
        {/* After the tasks, which stay the page's first thing; without tasks there is nothing to measure. */}
        {!empty && <HealthCard id="account-health" heading="Health of all tasks" logHref="/console/deliveries" {...health} />}
        <NoticesPanel {...notices} />
        <OperationsWebhookPanel url={operationsWebhookUrl} enabled={enabled} />
      </div>
      {!empty && <TurnOffDialog />}
    </Layout>
  );
}

/** Adding needs the integration; while it is off the action is shown but explained, not hidden. */
function AddTaskLink({ enabled, label }: { enabled: boolean; label: string }) {
  if (enabled) return <a class="button button-primary" href={NEW_TASK_PATH}>{label}</a>;
  return (
    <button type="button" class="button button-primary" disabled aria-describedby="integration-disabled">
      {label}
    </button>
  );
}

function EmptyState({ enabled }: { enabled: boolean }) {
  return (
    <section class="card empty-state" aria-labelledby="empty-heading">
      <svg viewBox="0 0 48 48" width="48" height="48" aria-hidden="true" focusable="false">
        <rect x="4" y="8" width="40" height="32" rx="6" fill="#eaf0fd" />
        <path d="M14 20h12M14 27h8M30 24h6M33 21l3 3-3 3" fill="none" stroke="currentColor" stroke-width="2.5" stroke-linecap="round" stroke-linejoin="round" />
      </svg>
      <h2 id="empty-heading">No automated tasks yet</h2>
      <p>
        Pick a trigger such as “An inbound call ends”, point it at your URL and write the body with placeholders like{' '}
        <code>{'{{call_id}}'}</code>. HTTP Notifier signs every request and retries when your endpoint is down.
      </p>
      <AddTaskLink enabled={enabled} label="Add your first automated task" />
    </section>
  );
}

function AutomationTable({ automations, enabled, nextCursor }: { automations: AutomationListItem[]; enabled: boolean; nextCursor: string | null }) {
  return (
    <section class="card" aria-labelledby="tasks-heading">
      <div class="card-header">
        <h2 id="tasks-heading">
          {automations.length} automated task{automations.length === 1 ? '' : 's'}
        </h2>
      </div>
      <div class="table-wrap">
        <table class="data stack-on-narrow">
          <thead>
            <tr>
              <th scope="col">Trigger</th>
              <th scope="col">URL</th>
              <th scope="col">Format</th>
              <th scope="col">Last delivery</th>
              <th scope="col">On / off</th>
              <th scope="col"><span class="visually-hidden">Actions</span></th>
            </tr>
          </thead>
          <tbody>
            {automations.map((automation) => (
              <AutomationRow automation={automation} enabled={enabled} />
            ))}
          </tbody>
        </table>
      </div>
      {nextCursor && (
        <div class="pager">
          <a class="button button-small" href={`/console?cursor=${encodeURIComponent(nextCursor)}`}>Next page</a>
        </div>
      )}
    </section>
  );
}

function AutomationRow({ automation, enabled }: { automation: AutomationListItem; enabled: boolean }) {
  const label = triggerLabel(automation.trigger);
  const logPath = `/console/deliveries?automation=${encodeURIComponent(automation.id)}`;
  const last = automation.last_delivery;
  return (
    <tr data-automation-id={automation.id}>
      <td data-label="Trigger">
        <a class="cell-title" href={`/console/automations/${encodeURIComponent(automation.id)}`}>{label}</a>
        {automation.name && <span class="cell-sub">{automation.name}</span>}
        <TaskHealth enabled={automation.enabled} failingSince={automation.failing_since} cause={automation.disabled_cause} />
      </td>
      <td data-label="URL"><span class="url">{automation.url}</span></td>
      <td data-label="Format"><span class="tag">{automation.format.toUpperCase()}</span></td>
      <td data-label="Last delivery">
        {last ? (
          <>
            <StatusBadge status={last.status} />
            <span class="cell-sub"><a href={logPath}><Time iso={last.created_at} /></a></span>
          </>
        ) : (
          <span class="muted small">No deliveries yet</span>
        )}
        <DestinationNote destination={automation.destination} automationId={automation.id} task={taskTitle(automation)} />
      </td>
      <td data-label="On / off">
        <button
          type="button"
          class="switch"
          role="switch"
          aria-checked={automation.enabled ? 'true' : 'false'}
          aria-label={`${label} to ${automation.url}`}
          data-toggle-automation={automation.id}
          disabled={!enabled}
          aria-describedby={enabled ? undefined : 'integration-disabled'}
        >
          <span class="switch-track"></span>
          <span class="switch-label" aria-hidden="true">{automation.enabled ? 'On' : 'Off'}</span>
        </button>
        <span class="row-message" role="status"></span>
      </td>
      <td>
        <div class="row-actions">
          <a class="button button-small" href={`/console/automations/${encodeURIComponent(automation.id)}`} aria-label={`Edit: ${taskTitle(automation)}`}>Edit</a>
          <a class="button button-small button-quiet" href={logPath} aria-label={`Delivery log: ${taskTitle(automation)}`}>Log</a>
        </div>
      </td>
    </tr>
  );
}

/**
 * Shown only when a gate holds deliveries back: what (this endpoint, or every path of its host),
 * why, until when, and "Resume now" while paused (settings.js sends it).
 */
function DestinationNote({ destination, automationId, task }: { destination: DestinationView; automationId: string; task: string }) {
  if (destination.state === 'ok') return null;
  const what = destination.scope === 'origin' ? 'Host (every path on it)' : 'Endpoint';
  return (
    <span class="cell-sub warning-text" data-destination-state={destination.state}>
      {destination.state === 'paused' ? (
        <>
          {what} paused until <Time iso={destination.until!} />{destination.reason ? `: ${destination.reason}` : ''}{' '}
          {/* Named after its task: several paused tasks put several "Resume now" on the page. */}
          <button type="button" class="button button-small" data-resume-destination={automationId} aria-label={`Resume now: ${task}`}>Resume now</button>
        </>
      ) : (
        <>{what} being probed with one delivery{destination.reason ? ` after: ${destination.reason}` : ''}</>
      )}
    </span>
  );
}

/** Asked before turning off a task with deliveries waiting; settings.js fills in the task and what is cancelled. */
function TurnOffDialog() {
  return (
    <ConfirmDialog
      name="turn-off"
      title="Turn this task off?"
      text={
        <>
          <p id="turn-off-task" class="url"></p>
          <p><strong id="turn-off-warning"></strong></p>
          <p id="turn-off-details" class="muted"></p>
        </>
      }
      cancelLabel="Keep it on"
      confirm={{ value: 'turn-off', label: 'Turn off', class: 'button-danger' }}
    />
  );
}
