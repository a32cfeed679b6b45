/**
 * The editor's delivery controls: per-call ordering (a field of the task, saved with the form)
 * and "Resend failed since…" (an action on the saved task, outside the form).
 */
import type { Ordering } from '../../domain/vocabulary';
import { ORDERING_HOLD_MS } from '../../domain/ordering';
import { RECOVER_LIMIT, RECOVER_MAX_DAYS } from '../../plane/changes';

/** Inside the task's form: saved with the other fields. */
export function OrderingField({ ordering }: { ordering: Ordering }) {
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
      </div>
    </section>
  );
}

/** Below the form, for a saved task: reopens its failed deliveries of a window through POST …/recover. */
export function ResendFailed({ enabled }: { enabled: boolean }) {
  return (
    <section class="card" aria-labelledby="recover-heading">
      <div class="card-header">
        <div>
          <h2 id="recover-heading">Resend failed deliveries</h2>
          <p class="help">
            After fixing your endpoint: sends again every delivery of this task that finally failed after the time you choose
            (at most {RECOVER_MAX_DAYS} days back; up to {RECOVER_LIMIT.toLocaleString('en-US')} at a time, oldest first).
            Each keeps its <code>webhook-id</code>, so your endpoint can tell a resend from a new message.
          </p>
        </div>
      </div>
      <form class="card-body recover-form" id="recover-form" novalidate data-max-days={RECOVER_MAX_DAYS}>
        <div class="field">
          <label for="recover-since">Resend failed since</label>
          <input id="recover-since" name="since" type="datetime-local" step={60} required aria-describedby="recover-since-help" />
          <p id="recover-since-help" class="help">Your local time. Starts at 24 hours ago.</p>
        </div>
        <button type="submit" class="button" id="recover-button" disabled={!enabled}>Resend failed</button>
        <div id="recover-result" class="result" role="status" aria-live="polite"></div>
      </form>
    </section>
  );
}
