/**
 * The editor's auth and envelope fields (pages/editor-auth.tsx): shows the chosen type's
 * fields and builds what the API takes. A secret field left empty is left out of the request,
 * so the server keeps the saved secret where it may (same type, same token endpoint or target
 * origin) and otherwise answers 422 naming the field, shown beside it like any other error.
 */
import type { AuthInput } from '../../../http/schemas';
import type { AuthType, Envelope } from '../../../domain/vocabulary';
import { byId } from './common';

/** `auth` as posted; the API's own validation decides what is missing. */
type AuthPayload = AuthInput;

/** Where the API's `auth.*` error paths are shown. */
export const AUTH_FIELD_INPUTS: Readonly<Record<string, string>> = {
  'auth.username': 'auth-username', 'auth.password': 'auth-password', 'auth.token_url': 'auth-token-url',
  'auth.client_id': 'auth-client-id', 'auth.client_secret': 'auth-client-secret', 'auth.scope': 'auth-scope',
  'auth.audience': 'auth-audience', 'auth.type': 'auth-type', auth: 'auth-type', envelope: 'envelope',
};

export function createAuthPanel(onChange: () => void) {
  const typeSelect = byId('auth-type', HTMLSelectElement);
  const groups: Record<AuthType, HTMLElement> = { basic: byId('auth-basic', HTMLElement), oauth2_client_credentials: byId('auth-oauth', HTMLElement) };
  const text = (id: string) => byId(id, HTMLInputElement).value.trim();
  /** A secret as typed (spaces may be part of it); left out when empty, to keep the saved one. */
  const secret = (id: string) => byId(id, HTMLInputElement).value || undefined;
  const optional = (id: string) => text(id) || null;

  const show = () => {
    for (const [type, group] of Object.entries(groups)) group.hidden = type !== typeSelect.value;
  };
  typeSelect.addEventListener('change', () => { show(); onChange(); });
  byId('auth-section', HTMLElement).addEventListener('input', onChange);
  show();

  return {
    read(): { auth: AuthPayload; envelope: Envelope } {
      const envelope: Envelope = byId('envelope', HTMLInputElement).checked ? 'cloudevents' : 'none';
      const type = typeSelect.value;
      if (type === 'basic') return { auth: { type, username: text('auth-username'), password: secret('auth-password') }, envelope };
      if (type === 'oauth2_client_credentials') {
        return {
          auth: {
            type, token_url: text('auth-token-url'), client_id: text('auth-client-id'), client_secret: secret('auth-client-secret'),
            scope: optional('auth-scope'), audience: optional('auth-audience'),
          },
          envelope,
        };
      }
      return { auth: null, envelope };
    },
    /** After a save: typed secrets are stored now, so their fields empty and say so. */
    saved(): void {
      for (const id of ['auth-password', 'auth-client-secret']) {
        const input = byId(id, HTMLInputElement);
        if (input.value) input.value = '';
        input.placeholder = 'Saved — leave empty to keep it';
      }
    },
  };
}
