/**
 * The automation editor. The server renders the form with the saved values; editor.js makes
 * it live (fields to drag or insert, checks and preview as you type) and saves through /v1.
 */
import { TRIGGERS } from '../../catalog';
import type { Account } from '../../db/accounts';
import type { Automation } from '../../db/automations';
import { BodyFormat } from '../../domain/vocabulary';
import { Breadcrumbs, Callout, IntegrationDisabledNotice, taskTitle, triggerLabel } from './components';
import { OrderingField, ResendFailed, SendPastEvents } from './editor-delivery';
import { AuthSection } from './editor-auth';
import { HeadersSection } from './editor-headers';
import { HealthCard, type HealthCardProps } from './health-card';
import { BodySection, DeleteDialog, TestAndSecret } from './editor-parts';
import { ConditionsSection } from './editor-conditions';
import { RedactPanel } from './editor-redact';
import { Layout } from './layout';

export interface EditorPageProps {
  account: Account;
  csrfToken: string;
  /** Null when creating a new automated task. */
  automation: Automation | null;
  flash: string | null;
  /** An existing task's health over the chosen period. */
  health?: Pick<HealthCardProps, 'stats' | 'links' | 'zoneAsked'>;
}

/** Every trigger has an `event` field, so this starting body is valid whichever is chosen. */
export const STARTER_BODY = '{\n  "event": "{{event}}"\n}';

export function EditorPage({ account, csrfToken, automation, flash, health }: EditorPageProps) {
  const creating = automation === null;
  const enabled = account.http_notifier_enabled;
  const title = creating ? 'New automated task' : 'Edit automated task';
  const values = automation ?? { id: '', name: null, trigger: '', url: '', format: 'json' as const, body: STARTER_BODY, enabled: true, redact: {}, headers: {}, conditions: null };
  // The browser tab and history name the task being edited, not just "Edit automated task".
  const pageTitle = creating ? title : `Edit: ${taskTitle(values)}`;
  return (
    <Layout title={pageTitle} script="editor.js" signedIn={{ accountName: account.name, csrfToken, current: 'automations' }}>
      <Breadcrumbs items={[{ label: 'HTTP Notifier', href: '/console' }, { label: creating ? 'New automated task' : triggerLabel(values.trigger) }]} />
      <div class="page-header">
        <div>
          <h1>{title}</h1>
          <p class="lede">When the trigger happens, HTTP Notifier makes an HTTP POST of the body to your URL, signed with this task’s secret.</p>
        </div>
        {!creating && (
          <a class="button" href={`/console/deliveries?automation=${encodeURIComponent(values.id)}`}>Delivery log</a>
        )}
      </div>
      <div class="stack">
        {!enabled && <IntegrationDisabledNotice accountId={account.id} />}
        {flash === 'created' && (
          <Callout kind="success" title="Automated task saved" role="status">
            <p>{values.enabled ? 'It is on: the next matching event will be sent to your URL.' : 'It is off: turn it on to start sending.'} Use “Send test” below to try it now.</p>
          </Callout>
        )}
        {/* First on a task's page: whoever opens a task from the list usually wants to know how it is doing. */}
        {automation && health && (
          <HealthCard id="task-health" heading="Health of this task" logHref={`/console/deliveries?automation=${encodeURIComponent(automation.id)}`} {...health} />
        )}
        <form id="automation-form" class="stack" novalidate data-automation-id={values.id} data-integration-enabled={enabled ? 'true' : 'false'}>
          <div id="form-error" class="callout callout-error" role="alert" tabindex={-1} hidden></div>
          <section class="card" aria-labelledby="setup-heading">
            <div class="card-header">
              <h2 id="setup-heading">Trigger and action</h2>
            </div>
            <div class="card-body form-grid">
              <div class="field">
                <label for="trigger">Trigger</label>
                <select id="trigger" name="trigger" required aria-describedby="trigger-help">
                  <option value="" selected={values.trigger === ''}>Choose a trigger…</option>
                  {TRIGGERS.map((trigger) => (
                    <option value={trigger.id} selected={trigger.id === values.trigger}>{trigger.label}</option>
                  ))}
                </select>
                <p id="trigger-help" class="help">The event that makes this task send its webhook.</p>
              </div>
              <div class="field">
                <label for="action">Action</label>
                <select id="action" name="action" aria-describedby="action-help">
                  <option value="http_post" selected>Make HTTP POST</option>
                </select>
                <p id="action-help" class="help">The only action: a POST of the body below.</p>
              </div>
              <div class="field span-2">
                <label for="url">URL</label>
                <input id="url" name="url" type="url" inputmode="url" autocomplete="off" spellcheck={false} required
                  value={values.url} placeholder="https://example.com/webhooks/talk" aria-describedby="url-help" />
                <p id="url-help" class="help">Where the POST is sent. Use an https:// address your system can receive requests on.</p>
              </div>
              <fieldset class="field">
                <legend>Format</legend>
                <div class="segmented">
                  {BodyFormat.options.map((format) => (
                    <label><input type="radio" name="format" value={format} checked={values.format === format} /> {format.toUpperCase()}</label>
                  ))}
                </div>
              </fieldset>
              <div class="field">
                <label for="name">Name <span class="optional">(optional)</span></label>
                <input id="name" name="name" type="text" maxlength={200} autocomplete="off" value={values.name ?? ''}
                  placeholder="e.g. Call summary to CRM" />
              </div>
              <div class="field span-2">
                <label class="checkbox">
                  <input type="checkbox" id="enabled" name="enabled" checked={values.enabled} aria-describedby="enabled-note" /> On: send a webhook every time the trigger happens
                </label>
                {/* editor.js says here what turning the task off would cancel. */}
                <p id="enabled-note" class="help warning-text status-note" role="status"></p>
              </div>
            </div>
          </section>
          <ConditionsSection conditions={values.conditions} />
          <BodySection body={values.body} redact={<RedactPanel trigger={values.trigger} body={values.body} redact={values.redact} />} />
          <HeadersSection headers={values.headers} />
          <AuthSection auth={automation?.auth ?? null} envelope={automation?.envelope ?? 'none'} />
          <OrderingField ordering={automation?.ordering ?? 'none'} maxAgeSeconds={automation?.max_age_seconds ?? null} />
          <div class="form-actions">
            <button type="submit" class="button button-primary" id="save-button" disabled={!enabled}>Save</button>
            <a class="button" href="/console" id="cancel-link">Cancel</a>
            <span id="form-status" class="form-status" role="status"></span>
            {!creating && (
              <button type="button" class="button button-danger push-right" id="delete-button" disabled={!enabled}>Delete</button>
            )}
          </div>
        </form>
        {automation && <TestAndSecret enabled={enabled} previousSecrets={automation.previous_secrets} url={automation.url} />}
        {automation && <ResendFailed enabled={enabled} />}
        {automation && <SendPastEvents enabled={enabled} />}
      </div>
      {!creating && <DeleteDialog label={triggerLabel(values.trigger)} />}
    </Layout>
  );
}
