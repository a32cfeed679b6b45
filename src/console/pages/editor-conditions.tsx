/**
 * The editor's "Conditions" section, below the trigger: which of the trigger's events the task
 * sends (every one, or those where all / any of the conditions hold), one row per condition —
 * field, operator for the field's type, value — and the dry run's "would have matched N of the
 * last M". condition-builder.js builds the rows from the saved conditions (carried here as JSON)
 * and the trigger's fields; the API checks every condition, and its errors appear on their row.
 */
import type { Conditions } from '../../domain/conditions';

export function ConditionsSection({ conditions }: { conditions: Conditions | null }) {
  return (
    <section class="card" aria-labelledby="conditions-heading" id="conditions-section"
      data-conditions={conditions === null ? '' : JSON.stringify(conditions)}>
      <div class="card-header">
        <div>
          <h2 id="conditions-heading">Conditions</h2>
          <p class="help">
            Send only the events that meet these conditions. Numbers compare as numbers (also when sent as text, like{' '}
            <code>"90"</code>), text is case-sensitive, and a field the event lacks fails every condition but “is not” and “is missing”.
          </p>
        </div>
      </div>
      <div class="card-body stack">
        <fieldset class="field">
          <legend>Send</legend>
          <div class="segmented" id="conditions-mode">
            <label><input type="radio" name="conditions-mode" value="every" checked={conditions === null} /> Every event</label>
            <label><input type="radio" name="conditions-mode" value="all" checked={conditions !== null && 'all' in conditions} /> When all conditions hold</label>
            <label><input type="radio" name="conditions-mode" value="any" checked={conditions !== null && 'any' in conditions} /> When any condition holds</label>
          </div>
        </fieldset>
        <p id="conditions-nested" class="help" hidden>
          These conditions have nested groups, which this page does not edit: they are kept as they are. Change them through the API.
        </p>
        <ol id="condition-rows" class="condition-rows" aria-label="Conditions"></ol>
        <div class="condition-actions">
          <button type="button" class="button" id="add-condition">Add condition</button>
          <p id="dry-run" class="dry-run" role="status" aria-live="polite"></p>
        </div>
      </div>
    </section>
  );
}
