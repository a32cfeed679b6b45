/**
 * The editor's "Personal data" section: one choice per field of the trigger — send it as is,
 * only its last 4 characters, or hide it — saved as the automation's `redact`. The server
 * renders the rows of the saved trigger; redact-panel.js rebuilds them from the row template
 * when the trigger changes, so the markup is written once, here.
 */
import { findTrigger } from '../../catalog';
import type { RedactMode, Redactions } from '../../domain/redaction';

const CHOICES: readonly { value: RedactMode | ''; label: string }[] = [
  { value: '', label: 'Send as is' },
  { value: 'last4', label: 'Last 4 only' },
  { value: 'hide', label: 'Hide' },
];

/** Also the client's wording for the count in the summary (kept in step with redact-panel.ts). */
export const redactedCount = (count: number) => (count === 0 ? 'all sent as is' : count === 1 ? '1 field redacted' : `${count} fields redacted`);

function RedactRow({ name, type, mode }: { name: string; type: string; mode: RedactMode | '' }) {
  return (
    <tr data-field={name}>
      <th scope="row">
        <label for={`redact-${name}`}><code>{name}</code></label> <span class="field-type">{type}</span>
      </th>
      <td>
        <select id={`redact-${name}`} class="redact-choice" data-field={name}>
          {CHOICES.map((choice) => <option value={choice.value} selected={choice.value === mode}>{choice.label}</option>)}
        </select>
      </td>
    </tr>
  );
}

export function RedactSection({ trigger, redact }: { trigger: string; redact: Redactions }) {
  const fields = findTrigger(trigger)?.fields ?? [];
  const count = fields.filter((field) => Object.hasOwn(redact, field.name)).length;
  return (
    <section class="card" aria-labelledby="redact-heading" id="redact-section">
      <div class="card-header">
        <div>
          <h2 id="redact-heading">Personal data</h2>
          <p class="help">
            Choose how each field’s value is sent: whole, only its last 4 characters (the rest replaced by <code>*</code>), or
            hidden (empty). It applies to every delivery, test and the preview, whatever the body says; the event as received is
            kept unchanged.
          </p>
        </div>
      </div>
      <div class="card-body">
        <details id="redact-details" class="redact-details" open={count > 0}>
          <summary>
            How each field is sent: <span id="redact-count">{redactedCount(count)}</span>
          </summary>
          <p id="redact-empty" class="help" hidden={fields.length > 0}>Choose a trigger to see its fields.</p>
          <table class="data redact-table" id="redact-table" hidden={fields.length === 0}>
            <thead>
              <tr><th scope="col">Field</th><th scope="col">Send</th></tr>
            </thead>
            <tbody id="redact-rows">
              {fields.map((field) => <RedactRow name={field.name} type={field.type} mode={Object.hasOwn(redact, field.name) ? redact[field.name]! : ''} />)}
            </tbody>
          </table>
        </details>
        <template id="redact-row-template">
          <RedactRow name="" type="" mode="" />
        </template>
      </div>
    </section>
  );
}
