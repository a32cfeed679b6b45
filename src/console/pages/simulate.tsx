/**
 * "Simulate a call": choose a scenario and watch its webhooks go out as a timeline, each event
 * with the result of every task it was sent to, linked to the delivery's attempts. The page
 * script (simulate.js) runs it through POST /v1/simulations and follows the deliveries.
 */
import type { Account } from '../../db/accounts';
import { SCENARIOS } from '../../domain/simulations';
import { Breadcrumbs, IntegrationDisabledNotice, triggerLabel } from './components';
import { Layout } from './layout';

export function SimulatePage({ account, csrfToken }: { account: Account; csrfToken: string }) {
  const enabled = account.http_notifier_enabled;
  const scenarios = [...SCENARIOS.values()];
  return (
    <Layout title="Simulate a call" script="simulate.js" signedIn={{ accountName: account.name, csrfToken, current: 'simulate' }}>
      <Breadcrumbs items={[{ label: 'Admin' }, { label: 'HTTP Notifier', href: '/console' }, { label: 'Simulate a call' }]} />
      <div class="page-header">
        <div>
          <h1>Simulate a call</h1>
          <p class="lede">
            Watch a whole call’s webhooks, in order, before going live. The call’s events get fresh ids and the catalog’s example
            values, and go to every task that is on for them in the call’s order, each webhook once the one before has been sent,
            as test sends: signed, redacted and ordered as real ones, marked “Test” in the log and never counted in the health numbers.
          </p>
        </div>
      </div>
      <div class="stack">
        {!enabled && <IntegrationDisabledNotice accountId={account.id} />}
        <section class="card" aria-labelledby="scenario-heading">
          <div class="card-header"><h2 id="scenario-heading">Scenario</h2></div>
          <form class="card-body simulate-form" id="simulate-form" novalidate>
            <fieldset class="field scenario-choice">
              <legend>What happens</legend>
              {scenarios.map((s, i) => (
                <label class="checkbox scenario-option">
                  <input type="radio" name="scenario" value={s.id} checked={i === 0} aria-describedby={`scenario-${s.id}-help`} />{' '}
                  <span>
                    <strong>{s.name}</strong>
                    <span class="help" id={`scenario-${s.id}-help`}>
                      {s.description} Events: {s.steps.map((step) => triggerLabel(step.trigger)).join(' → ')}.
                    </span>
                  </span>
                </label>
              ))}
            </fieldset>
            <button type="submit" class="button button-primary" id="simulate-button" disabled={!enabled}>Simulate a call</button>
            <div id="simulate-status" class="result" role="status" aria-live="polite"></div>
          </form>
        </section>
        <section class="card" aria-labelledby="timeline-heading" id="timeline-card" hidden>
          <div class="card-header">
            <div>
              <h2 id="timeline-heading">Timeline</h2>
              <p class="help" id="timeline-summary"></p>
            </div>
          </div>
          <ol class="card-body timeline" id="timeline"></ol>
        </section>
      </div>
    </Layout>
  );
}
