/**
 * The editor's "Personal data" panel, beside the preview it changes: one choice per field of
 * the trigger — send it as is, only its last 4 characters, or hide it — saved as the
 * automation's `redact`. The fields the body uses come first, marked "in body" (the others
 * matter only if the body starts using them). Each row carries the kind of personal data its
 * catalog type says it holds (phone, email), so that hiding one offers to hide the others of
 * that kind. The server renders the rows of the saved trigger and body; redact-panel.js
 * rebuilds them from the row template when the trigger or the body changes, so the markup is
 * written once, here.
 */
import { findTrigger, type TriggerField } from '../../catalog';
import type { RedactMode, Redactions } from '../../domain/redaction';
import { analyzeMustache, fieldNamesOf } from '../../domain/template/mustache-analysis';

const CHOICES: readonly { value: RedactMode | ''; label: string }[] = [
  { value: '', label: 'Send as is' },
  { value: 'last4', label: 'Last 4 only' },
  { value: 'hide', label: 'Hide' },
];

/** Also the client's wording for the count in the summary (kept in step with redact-panel.ts). */
export const redactedCount = (count: number) => (count === 0 ? 'all sent as is' : count === 1 ? '1 field redacted' : `${count} fields redacted`);

/** The trigger's fields, those the body uses first (in the catalog's order within each group). */
export function fieldsInBodyOrder(fields: readonly TriggerField[], body: string): { field: TriggerField; inBody: boolean; index: number }[] {
  const used = new Set(fieldNamesOf(analyzeMustache(body).tags));
  const marked = fields.map((field, index) => ({ field, inBody: used.has(field.name), index }));
  return [...marked.filter((f) => f.inBody), ...marked.filter((f) => !f.inBody)];
}

interface RowProps {
  field: Pick<TriggerField, 'name' | 'type' | 'personal_data'>;
  inBody: boolean;
  /** Its place in the catalog, which the page script keeps within each group when it reorders. */
  index?: number;
  mode: RedactMode | '';
}

function RedactRow({ field, inBody, index, mode }: RowProps) {
  const { name } = field;
  return (
    <tr data-field={name} data-kind={field.personal_data ?? undefined} data-in-body={inBody ? 'true' : undefined} data-index={index}>
      <th scope="row">
        <label for={`redact-${name}`}><code>{name}</code></label> <span class="field-type">{field.type}</span>
        <span class="tag in-body" hidden={!inBody}>in body</span>
      </th>
      <td>
        <select id={`redact-${name}`} class="redact-choice" data-field={name}>
          {CHOICES.map((choice) => <option value={choice.value} selected={choice.value === mode}>{choice.label}</option>)}
        </select>
      </td>
    </tr>
  );
}

export function RedactPanel({ trigger, body, redact }: { trigger: string; body: string; redact: Redactions }) {
  const fields = findTrigger(trigger)?.fields ?? [];
  const count = fields.filter((field) => Object.hasOwn(redact, field.name)).length;
  return (
    <section class="redact-panel" aria-labelledby="redact-heading" id="redact-section">
      <h3 id="redact-heading">Personal data</h3>
      <p class="help">
        How each field’s value is sent: whole, only its last 4 characters (the rest replaced by <code>*</code>), or hidden
        (empty). It applies to every delivery, test and the preview, whatever the body says; the event as received is kept
        unchanged. Fields the body uses come first.
      </p>
      <details id="redact-details" class="redact-details" open={count > 0}>
        <summary>
          How each field is sent: <span id="redact-count">{redactedCount(count)}</span>
        </summary>
        <p id="redact-empty" class="help" hidden={fields.length > 0}>Choose a trigger to see its fields.</p>
        <div id="redact-offer" class="redact-offer" role="status"></div>
        <div class="redact-scroll">
        <table class="data redact-table" id="redact-table" hidden={fields.length === 0}>
          <thead>
            <tr><th scope="col">Field</th><th scope="col">Send</th></tr>
          </thead>
          <tbody id="redact-rows">
            {fieldsInBodyOrder(fields, body).map(({ field, inBody, index }) => (
              <RedactRow field={field} inBody={inBody} index={index} mode={Object.hasOwn(redact, field.name) ? redact[field.name]! : ''} />
            ))}
          </tbody>
        </table>
        </div>
      </details>
      <template id="redact-row-template">
        <RedactRow field={{ name: '', type: '', personal_data: null }} inBody={false} mode="" />
      </template>
    </section>
  );
}
