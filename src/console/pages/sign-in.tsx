/** Sign-in: an admin API key is exchanged for a console session (see ../session.ts). */
import { Layout } from './layout';

export interface SignInPageProps {
  /** Why the form is shown again: a refused key, or a session that ended. */
  error?: string;
  notice?: string;
}

export function SignInPage({ error, notice }: SignInPageProps) {
  return (
    <Layout title="Sign in">
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
                <input id="key" name="key" type="password" required autocomplete="off" spellcheck={false} placeholder="hnk_admin_…"
                  autofocus aria-describedby={error ? 'key-error key-help' : 'key-help'} aria-invalid={error ? 'true' : undefined} />
                {error && <p id="key-error" class="field-error" role="alert">{error}</p>}
                <p id="key-help" class="help">
                  Support gives each account its admin keys. The key is used once to start a session that lasts 12 hours; it is not
                  stored in this browser.
                </p>
              </div>
              <button type="submit" class="button button-primary">Sign in</button>
            </form>
          </div>
        </section>
      </div>
    </Layout>
  );
}
