/**
 * The editor's "Authentication and envelope": how each webhook authenticates to the receiver
 * (none, HTTP Basic, OAuth2 client credentials) and whether it carries CloudEvents headers.
 * Saved passwords and client secrets are never sent to the page: their fields start empty and
 * say that leaving them empty keeps the saved one. auth-panel.ts shows the chosen type's fields
 * and builds `auth` for the API.
 */
import type { AuthView } from '../../domain/auth-view';
import { CLOUDEVENTS_TYPE_PREFIX } from '../../domain/cloudevents';
import type { Envelope } from '../../domain/vocabulary';

const KEEP = 'Saved — leave empty to keep it';

export function AuthSection({ auth, envelope }: { auth: AuthView | null; envelope: Envelope }) {
  const type = auth?.type ?? 'none';
  const basic = auth?.type === 'basic' ? auth : null;
  const oauth = auth?.type === 'oauth2_client_credentials' ? auth : null;
  return (
    <section class="card" aria-labelledby="auth-heading" id="auth-section" data-saved-type={type}>
      <div class="card-header">
        <div>
          <h2 id="auth-heading">Authentication and envelope</h2>
          <p class="help">
            How each request proves itself to your receiver, besides the signature. Passwords and client secrets are stored
            encrypted and never shown again.
          </p>
        </div>
      </div>
      <div class="card-body form-grid">
        <div class="field span-2">
          <label for="auth-type">Authentication</label>
          <select id="auth-type" name="auth-type" aria-describedby="auth-type-help">
            <option value="none" selected={type === 'none'}>None</option>
            <option value="basic" selected={type === 'basic'}>Basic (username and password)</option>
            <option value="oauth2_client_credentials" selected={type === 'oauth2_client_credentials'}>OAuth2 client credentials</option>
          </select>
          <p id="auth-type-help" class="help">
            Basic sends <code>Authorization: Basic …</code>. OAuth2 gets a token from your token endpoint and sends{' '}
            <code>Authorization: Bearer …</code>, getting a new one before it expires or when your receiver answers 401.
          </p>
        </div>
        <div class="auth-fields span-2 form-grid" id="auth-basic" hidden={type !== 'basic'}>
          <div class="field">
            <label for="auth-username">Username</label>
            <input id="auth-username" type="text" autocomplete="off" spellcheck={false} maxlength={1024} value={basic?.username ?? ''} />
          </div>
          <div class="field">
            <label for="auth-password">Password</label>
            <input id="auth-password" type="password" autocomplete="new-password" maxlength={1024} placeholder={basic ? KEEP : ''} />
          </div>
        </div>
        <div class="auth-fields span-2 form-grid" id="auth-oauth" hidden={type !== 'oauth2_client_credentials'}>
          <div class="field span-2">
            <label for="auth-token-url">Token URL</label>
            <input id="auth-token-url" type="url" inputmode="url" autocomplete="off" spellcheck={false} maxlength={2048}
              value={oauth?.token_url ?? ''} placeholder="https://auth.example.com/oauth/token" aria-describedby="auth-token-url-help" />
            <p id="auth-token-url-help" class="help">An https:// address; a new one needs the client secret again.</p>
          </div>
          <div class="field">
            <label for="auth-client-id">Client ID</label>
            <input id="auth-client-id" type="text" autocomplete="off" spellcheck={false} maxlength={1024} value={oauth?.client_id ?? ''} />
          </div>
          <div class="field">
            <label for="auth-client-secret">Client secret</label>
            <input id="auth-client-secret" type="password" autocomplete="new-password" maxlength={1024} placeholder={oauth ? KEEP : ''} />
          </div>
          <div class="field">
            <label for="auth-scope">Scope <span class="optional">(optional)</span></label>
            <input id="auth-scope" type="text" autocomplete="off" spellcheck={false} maxlength={1024} value={oauth?.scope ?? ''} />
          </div>
          <div class="field">
            <label for="auth-audience">Audience <span class="optional">(optional)</span></label>
            <input id="auth-audience" type="text" autocomplete="off" spellcheck={false} maxlength={1024} value={oauth?.audience ?? ''} />
          </div>
        </div>
        <div class="field span-2">
          <label class="checkbox">
            <input type="checkbox" id="envelope" name="envelope" value="cloudevents" checked={envelope === 'cloudevents'} aria-describedby="envelope-help" />{' '}
            Add CloudEvents headers
          </label>
          <p id="envelope-help" class="help indented">
            Sends <code>ce-specversion</code>, <code>ce-id</code>, <code>ce-type</code> (<code>{CLOUDEVENTS_TYPE_PREFIX}</code> and the trigger id),{' '}
            <code>ce-source</code>, <code>ce-time</code> and <code>ce-subject</code> (the call) so your receiver can route each webhook without
            reading its body (CloudEvents 1.0, binary mode). The body stays as you wrote it.
          </p>
        </div>
      </div>
    </section>
  );
}
