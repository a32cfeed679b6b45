/**
 * The settings page's operations parts: each task's health beside it (failing, turned off and
 * why), the account's notices, and the operations webhook that receives them.
 */
import type { AutomationSummary } from '../../db/automations';
import { disabledReasonParts, isTextNotice, noticeParts, type Part, type RecordedCause } from '../../domain/causes';
import type { NoticeType } from '../../domain/vocabulary';
import type { Notice } from '../../plane/store/notices';
import { Time, triggerLabel } from './components';

export const NOTICE_LABELS: Record<NoticeType, string> = {
  'automation.failing': 'Task failing',
  'automation.disabled': 'Task turned off',
  'delivery.exhausted': 'Delivery failed',
  'delivery.recovered': 'Delivery recovered',
};

const ISO_TIME = /(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z)/;

/**
 * Text kept as it was stored before reasons and notices were data (words not recognised when
 * they were converted), shown as it is, with its ISO times as times (the page script puts them
 * in the reader's zone).
 */
export function TextWithTimes({ text }: { text: string }) {
  return <>{text.split(ISO_TIME).map((part, i) => (i % 2 === 1 ? <Time iso={part} /> : part))}</>;
}

/** Words written from data (src/domain/causes.ts): a time as a time, a delivery as a link. */
function Parts({ parts }: { parts: Part[] }) {
  return (
    <>
      {parts.map((part) =>
        typeof part === 'string' ? part
          : 'time' in part ? <Time iso={part.time} />
            : <a href={`/console/deliveries?delivery=${encodeURIComponent(part.delivery)}`}>see the delivery</a>,
      )}
    </>
  );
}

/** Beside a task: failing (every attempt failing for a day or more), or turned off by the system and why. */
export function TaskHealth({ enabled, failingSince, cause }: { enabled: boolean; failingSince: string | null; cause: RecordedCause | null }) {
  return (
    <>
      {enabled && failingSince && (
        <span class="cell-sub warning-text" data-failing-since={failingSince}>
          Failing: every delivery has failed since <Time iso={failingSince} />. It is turned off if this goes on for days.
        </span>
      )}
      {!enabled && cause && (
        <span class="cell-sub error-text" data-disabled-reason>
          <DisabledReason cause={cause} />
        </span>
      )}
    </>
  );
}

/** Why the system turned a task off, its time as a time and its delivery as a link, and what to do. */
function DisabledReason({ cause }: { cause: RecordedCause }) {
  if (cause.kind === 'text') {
    const { text } = cause;
    return <>{/^turned off/i.test(text) ? '' : 'Turned off: '}<TextWithTimes text={text} />. Fix the endpoint, then turn it on again.</>;
  }
  const next = {
    gone: 'Check the URL with whoever runs the endpoint, then turn it on again.',
    failing: 'Fix the endpoint, then turn it on again.',
    loop: 'Point it at an endpoint that does not post its webhooks back to HTTP Notifier, then turn it on again.',
  }[cause.kind];
  return <><Parts parts={disabledReasonParts(cause)} />. {next}</>;
}

export interface NoticesPanelProps {
  notices: Notice[];
  /** The account's tasks named by notices (deleted ones are absent). */
  automations: Map<string, AutomationSummary>;
  nextCursor: string | null;
}

export function NoticesPanel({ notices, automations, nextCursor }: NoticesPanelProps) {
  return (
    <section class="card" aria-labelledby="notices-heading" id="notices">
      <div class="card-header">
        <div>
          <h2 id="notices-heading">Notices</h2>
          <p class="help">What went wrong (or right again) with your tasks’ deliveries, newest first.</p>
        </div>
      </div>
      {notices.length === 0 ? (
        <p class="card-body muted">No notices. When a delivery fails every attempt, a task keeps failing or is turned off, it is listed here.</p>
      ) : (
        <ul class="notice-list">
          {notices.map((notice) => (
            <NoticeItem notice={notice} automation={notice.automation_id ? automations.get(notice.automation_id) ?? null : null} />
          ))}
        </ul>
      )}
      {nextCursor && (
        <div class="pager">
          <a class="button button-small" href={`/console?notices=${encodeURIComponent(nextCursor)}#notices`}>Older notices</a>
        </div>
      )}
    </section>
  );
}

function NoticeItem({ notice, automation }: { notice: Notice; automation: AutomationSummary | null }) {
  const { type } = notice.data;
  const good = type === 'delivery.recovered';
  // A failure its delivery later got past (sent again) is closed: still listed, no longer a problem.
  const closed = notice.closed_at !== null;
  return (
    <li class={closed ? 'notice-item notice-closed' : 'notice-item'} data-notice-type={type} data-notice-closed={closed ? 'true' : undefined}>
      <div class="notice-head">
        <span class={`badge ${good || closed ? 'badge-succeeded' : type === 'automation.failing' ? 'badge-retrying' : 'badge-failed'}`}>
          {NOTICE_LABELS[type]}
        </span>
        <span class="small muted"><Time iso={notice.created_at} /></span>
        {closed && <span class="small notice-closed-note">Closed <Time iso={notice.closed_at!} />: the delivery succeeded when sent again</span>}
      </div>
      <p class="notice-message">{isTextNotice(notice.data) ? <TextWithTimes text={notice.data.text} /> : <Parts parts={noticeParts(notice.data)} />}</p>
      <p class="small notice-links">
        {notice.automation_id && (automation ? (
          <a href={`/console/automations/${encodeURIComponent(automation.id)}`}>{triggerLabel(automation.trigger)}{automation.name ? ` (${automation.name})` : ''}</a>
        ) : (
          <span class="muted">Deleted task</span>
        ))}
        {notice.delivery_id && (
          <a href={`/console/deliveries?delivery=${encodeURIComponent(notice.delivery_id)}`}>Show the delivery</a>
        )}
      </p>
    </li>
  );
}

/** The operations webhook: a URL that receives every notice as a signed webhook. */
export function OperationsWebhookPanel({ url, enabled }: { url: string | null; enabled: boolean }) {
  return (
    <section class="card" aria-labelledby="ops-heading" id="operations-webhook">
      <div class="card-header">
        <div>
          <h2 id="ops-heading">Operations webhook</h2>
          <p class="help">
            Sends each notice to your own monitoring as a signed webhook (<code>automation.failing</code>,{' '}
            <code>automation.disabled</code>, <code>delivery.exhausted</code>, <code>delivery.recovered</code>), with its own
            signing secret.
          </p>
        </div>
      </div>
      <form class="card-body ops-form" id="ops-form" novalidate data-saved-url={url ?? ''}>
        <div class="field">
          <label for="ops-url">URL</label>
          <input id="ops-url" name="url" type="url" inputmode="url" autocomplete="off" spellcheck={false} value={url ?? ''}
            placeholder="https://monitoring.example.com/hooks/notifier" aria-describedby="ops-help" disabled={!enabled} />
          <p id="ops-help" class="help">{url ? 'Notices are sent here.' : 'None set: notices are only shown on this page.'}</p>
        </div>
        <div class="button-row">
          <button type="submit" class="button button-primary" id="ops-save" disabled={!enabled}>Save</button>
          <button type="button" class="button button-danger" id="ops-remove" hidden={!url} disabled={!enabled}>Remove</button>
          <button type="button" class="button" id="ops-show-secret" hidden={!url} aria-expanded="false" aria-controls="ops-secret-box">
            Show signing secret
          </button>
        </div>
        <div id="ops-secret-box" class="secret-box" hidden>
          <input type="text" id="ops-secret" readonly aria-label="Operations webhook signing secret" spellcheck={false} />
        </div>
        <div id="ops-result" class="result small" role="status"></div>
      </form>
    </section>
  );
}
