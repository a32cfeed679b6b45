/** Parts of the editor page: the body section (fields, body, check, preview), test and secret tools, delete dialog. */
import type { Child } from 'hono/jsx';
import { DEFAULT_OVERLAP_HOURS, MAX_PREVIOUS_SECRETS } from '../../domain/secret-rotation';
import { ConfirmDialog, Time } from './components';

/** `redact` is the personal-data panel, set beside the preview it changes. */
export function BodySection({ body, redact }: { body: string; redact: Child }) {
  return (
    <section class="card" aria-labelledby="body-heading">
      <div class="card-header">
        <div>
          <h2 id="body-heading">Body</h2>
          <p class="help">
            The JSON or XML document to send. Placeholders such as <code>{'{{call_id}}'}</code> are replaced with the event’s
            values, escaped for the format.
          </p>
        </div>
      </div>
      <div class="card-body body-layout">
        <aside class="fields-panel" aria-labelledby="fields-heading">
          <h3 id="fields-heading">
            Fields <span id="fields-trigger"></span>
          </h3>
          <p id="fields-help" class="help">
            Drag a field into the body, or select it (Enter) to insert it at the cursor. Use the arrow keys to move between fields.
          </p>
          {/* fields-panel.js points it at the chosen trigger's schema. */}
          <p class="help"><a id="fields-schema" href="/v1/triggers" hidden>JSON Schema of these fields</a></p>
          <input type="search" id="field-filter" aria-label="Filter fields" placeholder="Filter fields" autocomplete="off" />
          <ul id="field-list" class="field-list" aria-labelledby="fields-heading" aria-describedby="fields-help">
            <li class="field-empty">Choose a trigger to see its fields.</li>
          </ul>
        </aside>
        <div class="body-main">
          <div class="field">
            <label for="body" id="body-label">Body template</label>
            <div class="code-editor" id="body-editor">
              <div class="code-gutter" aria-hidden="true">
                <div class="code-gutter-inner"></div>
              </div>
              <div class="code-area">
                <div class="code-backdrop" aria-hidden="true">
                  <div class="code-backdrop-inner"></div>
                </div>
                <textarea id="body" name="body" wrap="off" spellcheck={false} autocapitalize="off" autocomplete="off"
                  aria-describedby="body-check body-error">
                  {/* HTML drops one newline right after <textarea>: this one, not the body's own. */}
                  {`\n${body}`}
                </textarea>
              </div>
            </div>
            <p id="body-error" class="field-error" hidden></p>
          </div>
          <div id="body-check" class="check" role="status">Checking the body…</div>
          <div class="preview-redact">
          <section class="preview-section" aria-labelledby="preview-heading">
            <div class="preview-header">
              <h3 id="preview-heading">Preview with example values</h3>
              <span class="preview-meta">
                <span id="preview-stale" class="small muted" hidden>Last valid version</span>
                <span id="preview-type" class="tag"></span>
              </span>
            </div>
            <pre id="preview" class="preview-code" tabindex={0} aria-labelledby="preview-heading"></pre>
            <p class="help">JSON is shown indented for reading; it is sent compact.</p>
          </section>
          {redact}
          </div>
        </div>
      </div>
    </section>
  );
}

/** The overlaps offered when rotating (the API takes any whole number of hours from 0 to 168). */
const OVERLAPS: readonly [hours: number, label: string][] = [
  [0, 'None: stop at once'], [1, '1 hour'], [24, '24 hours'], [72, '3 days'], [168, '7 days'],
];

export function TestAndSecret({ enabled, previousSecrets, url }: { enabled: boolean; previousSecrets: { valid_until: string }[]; url: string }) {
  return (
    <section class="card" aria-labelledby="tools-heading">
      <div class="card-header">
        <h2 id="tools-heading">Try it and verify it</h2>
      </div>
      <div class="card-body tools-grid">
        <div class="tool">
          <h3>Send test</h3>
          <p class="help">
            Sends the saved version now with example values, even while the task is off. It appears in the delivery log marked
            as a test.
          </p>
          <button type="button" class="button" id="send-test" disabled={!enabled}>Send test</button>
          <div id="test-result" class="result" role="status" aria-live="polite"></div>
        </div>
        <div class="tool">
          <h3>Signing secret</h3>
          <p class="help">
            Every request carries <code>webhook-id</code>, <code>webhook-timestamp</code> and <code>webhook-signature</code>{' '}
            headers (Standard Webhooks). Verify them with this secret; keep it private.
          </p>
          <button type="button" class="button" id="show-secret" aria-expanded="false" aria-controls="secret-box">
            Show signing secret
          </button>
          <div id="secret-box" class="secret-box" hidden>
            <input type="text" id="secret-value" readonly aria-label="Signing secret" spellcheck={false} />
            <button type="button" class="button" id="copy-secret">Copy</button>
          </div>
          <div id="secret-result" class="result small" role="status"></div>
        </div>
        <div class="tool">
          <h3>Rotate signing secret</h3>
          <p class="help">
            Replaces the secret with a new one. During the overlap every request carries a signature for each secret, so your
            receiver accepts them with either one while you switch it over. At most {MAX_PREVIOUS_SECRETS} previous secrets are kept.
          </p>
          <div class="field rotate-overlap">
            <label for="rotate-overlap">Keep signing with the current secret for</label>
            <select id="rotate-overlap" disabled={!enabled}>
              {OVERLAPS.map(([hours, label]) => (
                <option value={String(hours)} selected={hours === DEFAULT_OVERLAP_HOURS}>{label}</option>
              ))}
            </select>
          </div>
          <button type="button" class="button" id="rotate-secret" disabled={!enabled}>Rotate secret</button>
          <ul id="previous-secrets" class="previous-secrets small" aria-label="Previous secrets still signing">
            {previousSecrets.map((secret) => (
              <li>A previous secret also signs until <Time iso={secret.valid_until} /></li>
            ))}
          </ul>
          <div id="rotate-result" class="result small" role="status" aria-live="polite"></div>
        </div>
      </div>
      <RotateNowDialog url={url} />
    </section>
  );
}

/**
 * Asked before rotating with no overlap: from that moment only the new secret signs, so every
 * receiver still verifying with the current one rejects this task's webhooks until it is changed.
 */
function RotateNowDialog({ url }: { url: string }) {
  return (
    <ConfirmDialog
      name="rotate-now"
      title="Stop signing with the current secret at once?"
      text={
        <>
          <p>
            With no overlap, only the new secret signs from now on. The receiver at <code class="url">{url}</code> — and any other
            system that verifies this task’s webhooks with the current secret — will reject every webhook until it has the new
            secret. Deliveries it rejects are retried and then fail.
          </p>
          <p class="muted">To switch without breaking anything, choose an overlap: both secrets sign until your receiver has the new one.</p>
        </>
      }
      cancelLabel="Keep the current secret"
      confirm={{ value: 'rotate', label: 'Rotate now, no overlap', class: 'button-danger' }}
    />
  );
}

export function DeleteDialog({ label }: { label: string }) {
  return (
    <ConfirmDialog
      name="delete"
      title="Delete this automated task?"
      text={
        <p class="muted">
          “{label}” will stop sending webhooks and its pending deliveries are cancelled. Past deliveries stay in the log. This
          cannot be undone.
        </p>
      }
      cancelLabel="Keep it"
      confirm={{ value: 'delete', label: 'Delete', class: 'button-danger-solid', id: 'confirm-delete' }}
    />
  );
}
