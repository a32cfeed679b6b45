/**
 * The editor's delivery controls: per-call ordering and the max age (fields of the task, saved
 * with the form), and "Resend failed since…" and "Send past events since…" (actions on the
 * saved task, outside the form).
 */
import type { Child } from 'hono/jsx';
import type { Ordering } from '../../domain/vocabulary';
import { ORDERING_HOLD_MS } from '../../domain/ordering';
import { RECOVER_LIMIT, RECOVER_MAX_DAYS } from '../../plane/changes';

/** Inside the task's form: saved with the other fields. */
export function OrderingField({ ordering, maxAgeSeconds }: { ordering: Ordering; maxAgeSeconds: number | null }) {
  const hold = ORDERING_HOLD_MS / 1000;
  return (
    <section class="card" aria-labelledby="delivery-heading">
      <div class="card-header">
        <h2 id="delivery-heading">Delivery</h2>
      </div>
      <div class="card-body">
        <label class="checkbox">
          <input type="checkbox" id="ordering" name="ordering" value="per_call" checked={ordering === 'per_call'} aria-describedby="ordering-help" />{' '}
          Order deliveries per call
        </label>
        <p id="ordering-help" class="help indented">
          Sends the webhooks about one call (for contact or agent triggers: one contact or agent) in the order the events happened,
          each after the one before has succeeded or finally failed; the cost is that each is held about{' '}
          {hold === 1 ? 'a second' : `${hold} seconds`} before sending, and a call’s webhooks go out one at a time (different calls still go in parallel).
        </p>
        <div class="field max-age-field">
          <label for="max-age">Never send later than (seconds after the event)</label>
          <input id="max-age" name="max_age_seconds" type="number" min={1} max={86_400} step={1} inputmode="numeric"
            value={maxAgeSeconds === null ? '' : String(maxAgeSeconds)} placeholder="No limit" aria-describedby="max-age-help" />
          <p id="max-age-help" class="help">
            Empty: no limit. A webhook not delivered this long after its event happened is marked Expired and never sent after that
            (a screen pop ten minutes late helps nobody); an event already older when it arrives expires unsent. 1 to 86,400 (a day).
            Test sends and simulated calls are exempt.
          </p>
        </div>
      </div>
    </section>
  );
}

/** An action on a saved task over the time from a chosen moment until now (since-action.ts runs it). */
function SinceAction({ prefix, heading, help, label, button, enabled }: {
  prefix: string; heading: string; help: Child; label: string; button: string; enabled: boolean;
}) {
  return (
    <section class="card" aria-labelledby={`${prefix}-heading`}>
      <div class="card-header">
        <div>
          <h2 id={`${prefix}-heading`}>{heading}</h2>
          <p class="help">{help}</p>
        </div>
      </div>
      <form class="card-body recover-form" id={`${prefix}-form`} novalidate data-max-days={RECOVER_MAX_DAYS}>
        <div class="field">
          <label for={`${prefix}-since`}>{label}</label>
          <input id={`${prefix}-since`} name="since" type="datetime-local" step={60} required aria-describedby={`${prefix}-since-help`} />
          <p id={`${prefix}-since-help`} class="help">Your local time. Starts at 24 hours ago.</p>
        </div>
        <button type="submit" class="button" id={`${prefix}-button`} disabled={!enabled}>{button}</button>
        <div id={`${prefix}-result`} class="result" role="status" aria-live="polite"></div>
      </form>
    </section>
  );
}

const limit = RECOVER_LIMIT.toLocaleString('en-US');

/** Below the form, for a saved task: reopens its failed deliveries of a window through POST …/recover. */
export function ResendFailed({ enabled }: { enabled: boolean }) {
  return (
    <SinceAction prefix="recover" heading="Resend failed deliveries" label="Resend failed since" button="Resend failed" enabled={enabled} help={<>
      After fixing your endpoint: sends again every delivery of this task that finally failed after the time you choose
      (at most {RECOVER_MAX_DAYS} days back; up to {limit} at a time, oldest first).
      Each keeps its <code>webhook-id</code>, so your endpoint can tell a resend from a new message.
    </>} />
  );
}

/** Below the form, for a saved task: the stored events it has not been sent yet, through POST …/backfill. */
export function SendPastEvents({ enabled }: { enabled: boolean }) {
  return (
    <SinceAction prefix="backfill" heading="Send past events" label="Send past events since" button="Send past events" enabled={enabled} help={<>
      For a new task: sends it the events of its trigger that arrived after the time you choose and that it has not been sent yet
      (at most {RECOVER_MAX_DAYS} days back; up to {limit} at a time, oldest first). They are marked “Backfill” in the log;
      pressing it again never sends an event twice.
    </>} />
  );
}
