/** Small pieces shared by the console pages. */
import type { Child } from 'hono/jsx';
import { findTrigger } from '../../catalog';
import type { DeliveryStatus } from '../../domain/vocabulary';

export const STATUS_LABELS: Record<DeliveryStatus, string> = {
  pending: 'Pending', retrying: 'Retrying', succeeded: 'Succeeded', failed: 'Failed', cancelled: 'Cancelled', expired: 'Expired',
};

export const triggerLabel = (id: string) => findTrigger(id)?.label ?? id;

/**
 * How a task is told apart from the others in names read out by screen readers (several tasks
 * often share a trigger): its own name if it has one, else its trigger and URL.
 */
export function taskTitle(task: { trigger: string; url: string; name: string | null }): string {
  return task.name ? `${task.name} (${triggerLabel(task.trigger)})` : `${triggerLabel(task.trigger)} to ${task.url}`;
}

/** A task's short name: the name an administrator gave it, else its trigger. */
export const taskName = (task: { trigger: string; name: string | null }): string => task.name || triggerLabel(task.trigger);

export const timeText = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;

export function StatusBadge({ status }: { status: DeliveryStatus }) {
  return <span class={`badge badge-${status}`}>{STATUS_LABELS[status]}</span>;
}

/** UTC on the server; the page script rewrites it in the reader's time zone. */
export function Time({ iso }: { iso: string }) {
  return <time datetime={iso}>{timeText(iso)}</time>;
}

type CalloutKind = 'warning' | 'success' | 'error';

export function Callout(props: { kind: CalloutKind; title: string; id?: string; role?: string; children?: Child }) {
  return (
    <div class={`callout callout-${props.kind}`} id={props.id} role={props.role}>
      <CalloutIcon kind={props.kind} />
      <div>
        <h2>{props.title}</h2>
        {props.children}
      </div>
    </div>
  );
}

function CalloutIcon({ kind }: { kind: CalloutKind }) {
  const path = kind === 'success' ? 'M7 12.5l3.2 3.2L17 9' : 'M12 7.5v5.5M12 16.4v.1';
  return (
    <svg class="callout-icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <circle cx="12" cy="12" r="10" fill="currentColor" />
      <path d={path} fill="none" stroke="#fff" stroke-width="2.2" stroke-linecap="round" stroke-linejoin="round" />
    </svg>
  );
}

/**
 * Shown wherever changes are possible while Support has not switched the integration on:
 * the API would refuse them with 403 integration_disabled.
 */
export function IntegrationDisabledNotice({ accountId }: { accountId: string }) {
  return (
    <Callout kind="warning" title="HTTP Notifier is not enabled for this account" id="integration-disabled">
      <p>
        This integration is off until Support turns it on. Until then you can look around, but automated tasks cannot be added
        or changed, and no webhooks are sent.
      </p>
      <p>
        <strong>To request it, contact Support</strong> and ask them to enable HTTP Notifier for account{' '}
        <code>{accountId}</code>. Once it is enabled, reload this page.
      </p>
    </Callout>
  );
}

export function Breadcrumbs({ items }: { items: { label: string; href?: string }[] }) {
  return (
    <nav aria-label="Breadcrumb">
      <ol class="breadcrumbs">
        {items.map((item) => (
          <li>{item.href ? <a href={item.href}>{item.label}</a> : <span aria-current="page">{item.label}</span>}</li>
        ))}
      </ol>
    </nav>
  );
}

export interface ConfirmDialogProps {
  /** Names its parts: `<name>-dialog`, `<name>-title` and `<name>-text` (what the page script fills in or reads). */
  name: string;
  title: string;
  /** What the administrator weighs before confirming: the dialog's description. */
  text: Child;
  /** Choices between the text and the buttons. */
  children?: Child;
  cancelLabel?: string;
  /** The confirming button: its value is the dialog's returnValue when chosen. */
  confirm: { value: string; label: string; class: string; id?: string };
}

/** A question asked before an action; Cancel (focused first) or Escape answers no. */
export function ConfirmDialog({ name, title, text, children, cancelLabel = 'Cancel', confirm }: ConfirmDialogProps) {
  return (
    <dialog id={`${name}-dialog`} aria-labelledby={`${name}-title`} aria-describedby={`${name}-text`}>
      <form method="dialog">
        <h2 id={`${name}-title`}>{title}</h2>
        <div id={`${name}-text`} class="dialog-text">{text}</div>
        {children}
        <div class="button-row">
          <button type="submit" value="cancel" class="button" autofocus>{cancelLabel}</button>
          <button type="submit" value={confirm.value} class={`button ${confirm.class}`} id={confirm.id}>{confirm.label}</button>
        </div>
      </form>
    </dialog>
  );
}
