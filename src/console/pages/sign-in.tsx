/** Sign-in: an admin API key is exchanged for a console session (see ../session.ts). */
import { Layout } from './layout';

export interface SignInPageProps {
  /** Why the form is shown again: a refused key, or a session that ended. */
  error?: string;
  notice?: string;
  /** The console page to open once signed in (already checked to be one of the console's own). */
  next?: string | null;
}

export function SignInPage({ error, notice, next }: SignInPageProps) {
  return (
    <Layout title="Sign in" script="sign-in.js">
      <div class="page-narrow">
        <section class="card" aria-labelledby="sign-in-heading">
          <div class="card-body stack">
            <div>
              <h1 id="sign-in-heading">Sign in to the admin console</h1>
              <p class="muted">Manage the account’s HTTP Notifier automated tasks and their delivery log.</p>
            </div>
            {notice && <p class="callout callout-success" role="status">{notice}</p>}
            <form method="post" action="/console/sign-in" class="stack">
              <div class="field">
                <label for="key">Admin API key</label>
                <div class="key-input">
                  <input id="key" name="key" type="password" required autocomplete="off" spellcheck={false} placeholder="hnk_admin_…"
                    autofocus aria-describedby={error ? 'key-error key-help' : 'key-help'} aria-invalid={error ? 'true' : undefined} />
                  {/* Shown by sign-in.js: without the script the key stays hidden, the form still works. */}
                  <button type="button" class="button" id="show-key" aria-pressed="false" aria-controls="key" hidden>Show</button>
                </div>
                {error && <p id="key-error" class="field-error" role="alert">{error}</p>}
                <p id="key-help" class="help">
                  Support gives each account its admin keys. The key is used once to start a session that lasts 12 hours; it is not
                  stored in this browser.
                </p>
              </div>
              {next && <input type="hidden" name="next" value={next} />}
              <button type="submit" class="button button-primary">Sign in</button>
            </form>
          </div>
        </section>
      </div>
    </Layout>
  );
}
