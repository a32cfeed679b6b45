/**
 * The delivery log's table: one row per delivery, with the URL it was sent to, "Send again" only
 * where it can succeed (a finished delivery of a task that is on; asked first when it succeeded),
 * when an open one is due and why it waits, "Replay this event" and its attempts.
 */
import type { AutomationSummary } from '../../db/automations';
import type { Delivery } from '../../plane/store/deliveries';
import { WAIT_WORDS } from '../wait-words';
import { ConfirmDialog, StatusBadge, taskName, taskTitle, Time, timeText, triggerLabel } from './components';

export interface LogRow extends Delivery {
  snippet: string | null;
}

/** Whom a delivery was for: a task, a task deleted since, or the account's operations webhook. */
export type RowOwner = AutomationSummary | 'deleted' | 'operations';

export interface LogTableProps {
  deliveries: LogRow[];
  ownerOf(delivery: LogRow): RowOwner;
  /** Set when the log is for one automated task: the task column is left out. */
  oneTask: boolean;
}

export function LogTable({ deliveries, ownerOf, oneTask }: LogTableProps) {
  const columns = oneTask ? 7 : 8;
  return (
    <>
      <div class="table-wrap">
        <table class={`data stack-on-narrow${oneTask ? ' one-task' : ''}`} id="delivery-log" data-wait-words={JSON.stringify(WAIT_WORDS)}>
          {/* Fixed shares of the card's width (log.css): the table never grows wider than its card. */}
          <colgroup>
            <col class="col-status" />
            <col class="col-time" />
            {!oneTask && <col class="col-task" />}
            <col class="col-event" />
            <col class="col-attempts" />
            <col class="col-response" />
            <col class="col-error" />
            <col class="col-actions" />
          </colgroup>
          <thead>
            <tr>
              <th scope="col">Status</th>
              <th scope="col">Time</th>
              {!oneTask && <th scope="col">Automated task</th>}
              <th scope="col">Event</th>
              <th scope="col">Tries</th>
              <th scope="col">Sent to · response</th>
              <th scope="col">Error</th>
              <th scope="col"><span class="visually-hidden">Actions</span></th>
            </tr>
          </thead>
          <tbody>
            {deliveries.map((delivery) => (
              <>
                <LogRowView delivery={delivery} owner={ownerOf(delivery)} showOwner={!oneTask} />
                <tr class="row-details" id={`details-${delivery.id}`} hidden>
                  <td colspan={columns}></td>
                </tr>
              </>
            ))}
          </tbody>
        </table>
      </div>
      <SendAgainDialog />
    </>
  );
}

function OwnerCell({ owner }: { owner: RowOwner }) {
  if (owner === 'deleted') return <span class="muted">Deleted task</span>;
  if (owner === 'operations') return <span>Operations webhook</span>;
  return (
    <>
      <a href={`/console/automations/${encodeURIComponent(owner.id)}`}>{taskName(owner)}</a>
      {owner.name && <span class="cell-sub">{triggerLabel(owner.trigger)}</span>}
    </>
  );
}

/** The event's id (the platform's, or the notice's), linking to every delivery of that event. */
function EventCell({ delivery }: { delivery: LogRow }) {
  if (delivery.is_test) return <span class="muted">Test send</span>;
  return (
    <a class="mono event-id" href={`/console/deliveries?event_id=${encodeURIComponent(delivery.event_id)}`} title="Every delivery of this event">
      {delivery.event_id}
    </a>
  );
}

/**
 * Where the delivery went: the URL its latest attempt was sent to (read from its attempts), or,
 * before any was sent, the task's URL it is due to go to.
 */
function SentTo({ delivery, owner }: { delivery: LogRow; owner: RowOwner }) {
  if (delivery.sent_url) return <span class="cell-sub url" data-cell="url" title="The URL its latest attempt was sent to">{delivery.sent_url}</span>;
  const due = typeof owner === 'object' ? owner.url : null;
  return (
    <span class="cell-sub url" data-cell="url">
      {due ? <><span class="muted">Not sent yet · to </span>{due}</> : <span class="muted">Not sent</span>}
    </span>
  );
}

/** An open delivery: when it is due and why it waits (in place of "Send again", which would be refused). */
function WaitLine({ delivery }: { delivery: LogRow }) {
  if (!delivery.waiting) return null;
  return (
    <span class="cell-sub wait-line" data-cell="wait">
      {delivery.waiting !== 'sending' && delivery.next_attempt_at && <>Due <Time iso={delivery.next_attempt_at} />. </>}
      {WAIT_WORDS[delivery.waiting]}
    </span>
  );
}

function LogRowView({ delivery, owner, showOwner }: { delivery: LogRow; owner: RowOwner; showOwner: boolean }) {
  // Test sends have no stored event to replay; notices are not events of a trigger.
  const replayable = !delivery.is_test && owner !== 'operations';
  // "Send again" can succeed only for a finished delivery whose task (or the operations webhook) is
  // on, and never for an expired one (it is never sent late: the API refuses it).
  const ownerOn = (owner === 'operations' || (typeof owner === 'object' && owner.enabled)) && delivery.status !== 'expired';
  const ownerLabel = typeof owner === 'object' ? `${triggerLabel(owner.trigger)} to ${owner.url}` : '';
  // Each row's buttons are named by task and time, so a list of them (a screen reader's) is not fifty "Send again".
  const rowName = `${typeof owner === 'object' ? taskTitle(owner) : owner === 'operations' ? 'Operations webhook' : 'Deleted task'}, ${timeText(delivery.created_at)}`;
  return (
    <tr data-delivery-id={delivery.id} data-status={delivery.status}>
      <td data-label="Status">
        <span data-cell="status"><StatusBadge status={delivery.status} /></span>
        {delivery.is_test && <> <span class="tag">Test</span></>}
        {delivery.replay && <> <span class="tag tag-replay" title="Sent again from a stored event">Replay</span></>}
        {delivery.backfill && <> <span class="tag tag-replay" title="A past event sent to a task made after it (Send past events)">Backfill</span></>}
      </td>
      <td data-label="Time"><Time iso={delivery.created_at} /></td>
      {showOwner && <td data-label="Automated task"><OwnerCell owner={owner} /></td>}
      <td data-label="Event" data-cell="event"><EventCell delivery={delivery} /></td>
      <td data-label="Attempts" data-cell="attempts">{delivery.attempt_count}</td>
      <td data-label="Sent to · response">
        <SentTo delivery={delivery} owner={owner} />
        <span data-cell="code">{delivery.last_status_code === null ? '—' : `HTTP ${delivery.last_status_code}`}</span>
        <code class="snippet" data-cell="snippet" hidden={!delivery.snippet}>{delivery.snippet ?? ''}</code>
      </td>
      <td data-label="Error" data-cell="error">
        {delivery.last_error ? <span class="error-text">{delivery.last_error}</span> : <span class="muted">—</span>}
        <WaitLine delivery={delivery} />
      </td>
      <td>
        <div class="row-actions">
          {/* Rendered for a task that is on, hidden while the delivery is open: the page shows it once it finishes. */}
          {ownerOn && (
            <button type="button" class="button button-small" data-retry={delivery.id} aria-label={`Send again: ${rowName}`}
              hidden={delivery.waiting !== null}>
              Send again
            </button>
          )}
          {replayable && (
            <button type="button" class="button button-small" data-replay-event={delivery.event_id}
              data-replay-automation={typeof owner === 'object' ? owner.id : undefined} data-replay-label={ownerLabel || undefined} aria-label={`Replay this event: ${rowName}`}>
              Replay this event
            </button>
          )}
          <button type="button" class="button button-small button-quiet" data-details={delivery.id} aria-expanded="false" aria-controls={`details-${delivery.id}`}
            aria-label={`Attempts: ${rowName}`}>
            Attempts
          </button>
        </div>
        <span class="row-message" role="status"></span>
      </td>
    </tr>
  );
}

/** Asked before a replay: the new deliveries go to this row's task only, or to every task of the trigger. */
export function ReplayDialog() {
  return (
    <ConfirmDialog
      name="replay"
      title="Replay this event?"
      text={
        <p class="muted">
          The stored event is sent again as new deliveries, marked “Replay” in the log. Each is rendered with the task’s current
          body and gets a new <code>webhook-id</code>, so your endpoint treats it as a new message.
        </p>
      }
      confirm={{ value: 'replay', label: 'Replay', class: 'button-primary', id: 'confirm-replay' }}
    >
      <fieldset class="field replay-scope">
        <legend>Send it to</legend>
        <label class="checkbox" id="replay-one-option">
          <input type="radio" name="replay-scope" value="one" checked /> <span id="replay-one-label">Only this task</span>
        </label>
        <label class="checkbox">
          <input type="radio" name="replay-scope" value="all" /> Every automated task that is on for this trigger
        </label>
      </fieldset>
    </ConfirmDialog>
  );
}

/** Asked before sending a succeeded delivery again (the table renders it: only its rows offer "Send again"). */
function SendAgainDialog() {
  return (
    <ConfirmDialog
      name="send-again"
      title="Send this delivery again?"
      text={
        <>
          <p>
            It already succeeded: your endpoint answered <strong id="send-again-answer">a 2xx status</strong>.
          </p>
          <p class="muted">
            It is sent with the same <code>webhook-id</code> as before, so an endpoint that de-duplicates by it may treat the copy
            as already handled and ignore it. To send it as a new message, use “Replay this event”.
          </p>
        </>
      }
      confirm={{ value: 'send', label: 'Send again', class: 'button-primary' }}
    />
  );
}
