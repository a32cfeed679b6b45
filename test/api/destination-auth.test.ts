/**
 * `auth` and `envelope` on automations: saved, shown without secrets, kept by a PATCH that
 * leaves the secret out (only where it would still go to the same place), sealed at rest, and
 * every bad input a 422 naming the field.
 */
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { call, createAccount, createAutomation, expectError, sinkUrl, unique, type TestAccount } from '../helpers';

const tokenUrl = (bucket = unique('t')) => `${env.SINK_URL}/token/${bucket}`;
const OAUTH = { type: 'oauth2_client_credentials', client_id: 'client-7', client_secret: 'oauth-secret-value-1', scope: 'hooks.write' };

async function storedRow(account: TestAccount, id: string) {
  return (await env.DB.prepare('SELECT * FROM automations WHERE id = ?1 AND account_id = ?2').bind(id, account.id).first<Record<string, unknown>>())!;
}

const patch = (account: TestAccount, id: string, body: unknown) => call(`/v1/automations/${id}`, { method: 'PATCH', token: account.admin, body });

describe('auth on automations', () => {
  it('Basic: saved and shown without the password, which is sealed at rest; envelope defaults to none', async () => {
    const account = await createAccount();
    const created = await createAutomation(account, { auth: { type: 'basic', username: 'hooks', password: 'pa55-w0rd-basic' } });
    expect(created).toMatchObject({ auth: { type: 'basic', username: 'hooks' }, envelope: 'none' });
    expect(JSON.stringify(created)).not.toContain('pa55-w0rd-basic');
    const read = await call(`/v1/automations/${created.id}`, { token: account.admin });
    expect(read.body.auth).toEqual({ type: 'basic', username: 'hooks' });
    const list = await call('/v1/automations', { token: account.admin });
    expect(JSON.stringify(list.body)).not.toContain('pa55-w0rd-basic');
    const row = await storedRow(account, created.id);
    expect(JSON.stringify(row)).not.toContain('pa55-w0rd-basic');
    expect(row.auth_secret_ciphertext).toMatch(/^v1\./);
    const plain = await createAutomation(account);
    expect(plain).toMatchObject({ auth: null, envelope: 'none' });
  });

  it('OAuth2: shown without client_secret; a PATCH leaving it out keeps it, a new token_url needs it again', async () => {
    const account = await createAccount();
    const url = tokenUrl();
    const created = await createAutomation(account, { auth: { ...OAUTH, token_url: url }, envelope: 'cloudevents' });
    expect(created).toMatchObject({
      auth: { type: 'oauth2_client_credentials', token_url: url, client_id: 'client-7', scope: 'hooks.write', audience: null },
      envelope: 'cloudevents',
    });
    expect(JSON.stringify(created)).not.toContain(OAUTH.client_secret);
    const sealed = (await storedRow(account, created.id)).auth_secret_ciphertext;

    const kept = await patch(account, created.id, { auth: { type: 'oauth2_client_credentials', token_url: url, client_id: 'client-8', audience: 'api://hooks' } });
    expect(kept.status, JSON.stringify(kept.body)).toBe(200);
    expect(kept.body.auth).toEqual({ type: 'oauth2_client_credentials', token_url: url, client_id: 'client-8', scope: null, audience: 'api://hooks' });
    expect((await storedRow(account, created.id)).auth_secret_ciphertext).toBe(sealed);
    // Other changes leave auth alone.
    expect((await patch(account, created.id, { name: 'renamed' })).body.auth.client_id).toBe('client-8');
    expect((await storedRow(account, created.id)).auth_secret_ciphertext).toBe(sealed);

    const moved = expectError(await patch(account, created.id, { auth: { type: 'oauth2_client_credentials', token_url: tokenUrl(), client_id: 'c' } }), 422, 'validation_failed');
    expect(moved.details).toEqual([{ path: 'auth.client_secret', message: expect.stringContaining('token_url') }]);

    const replaced = await patch(account, created.id, { auth: { ...OAUTH, token_url: url, client_secret: 'another-secret-2' } });
    expect(replaced.status).toBe(200);
    expect((await storedRow(account, created.id)).auth_secret_ciphertext).not.toBe(sealed);

    const removed = await patch(account, created.id, { auth: null, envelope: 'none' });
    expect(removed.body).toMatchObject({ auth: null, envelope: 'none' });
    expect(await storedRow(account, created.id)).toMatchObject({ auth: null, auth_secret_ciphertext: null });
  });

  it('Basic: a PATCH may keep the password for the same origin, not for a URL elsewhere or another auth type', async () => {
    const account = await createAccount();
    const created = await createAutomation(account, { auth: { type: 'basic', username: 'u', password: 'kept-password' } });
    const sealed = (await storedRow(account, created.id)).auth_secret_ciphertext;
    expect((await patch(account, created.id, { url: sinkUrl(unique('other-path')) })).status).toBe(200);
    expect((await patch(account, created.id, { auth: { type: 'basic', username: 'v' } })).body.auth).toEqual({ type: 'basic', username: 'v' });
    expect((await storedRow(account, created.id)).auth_secret_ciphertext).toBe(sealed);
    const elsewhere = expectError(await patch(account, created.id, { url: 'http://localhost:9/hook' }), 422, 'validation_failed');
    expect(elsewhere.details).toEqual([{ path: 'auth.password', message: expect.stringContaining('target origin') }]);
    const otherType = expectError(await patch(account, created.id, { auth: { type: 'oauth2_client_credentials', token_url: tokenUrl(), client_id: 'c' } }), 422, 'validation_failed');
    expect(otherType.details).toEqual([{ path: 'auth.client_secret', message: expect.any(String) }]);
    expect((await storedRow(account, created.id)).auth_secret_ciphertext).toBe(sealed);
  });

  it('bad auth and envelope: 422 naming the field, nothing stored', async () => {
    const account = await createAccount();
    const create = (overrides: Record<string, unknown>) =>
      call('/v1/automations', { token: account.admin, body: { trigger: 'inbound_call_ended', url: sinkUrl('x'), body: '{"a": "{{call_id}}"}', ...overrides } });
    const cases: [Record<string, unknown>, string][] = [
      [{ auth: { type: 'digest', username: 'u', password: 'p' } }, 'auth.type'],
      [{ auth: { type: 'basic', password: 'p' } }, 'auth.username'],
      [{ auth: { type: 'basic', username: 'u' } }, 'auth.password'],
      [{ auth: { type: 'basic', username: 'a:b', password: 'p' } }, 'auth.username'],
      [{ auth: { type: 'basic', username: 'u', password: 'p\nq' } }, 'auth.password'],
      [{ auth: { type: 'basic', username: 'u', password: 'p', extra: 1 } }, 'auth'],
      [{ auth: { ...OAUTH, token_url: undefined } }, 'auth.token_url'],
      [{ auth: { ...OAUTH, token_url: tokenUrl(), client_id: '' } }, 'auth.client_id'],
      [{ auth: { ...OAUTH, token_url: 'http://auth.example.com/token' } }, 'auth.token_url'],
      [{ auth: { ...OAUTH, token_url: 'https://10.0.0.8/token' } }, 'auth.token_url'],
      [{ auth: { ...OAUTH, token_url: 'https://169.254.169.254/latest' } }, 'auth.token_url'],
      [{ auth: { ...OAUTH, token_url: 'not a url' } }, 'auth.token_url'],
      [{ auth: { type: 'basic', username: 'u', password: 'p' }, headers: { Authorization: 'Token x' } }, 'headers.Authorization'],
      [{ envelope: 'soap' }, 'envelope'],
    ];
    for (const [overrides, path] of cases) {
      const error = expectError(await create(overrides), 422, 'validation_failed');
      expect(error.details.map((d) => d.path), JSON.stringify(overrides)).toContain(path);
    }
    expect((await call('/v1/automations', { token: account.admin })).body.data).toEqual([]);
    // An extra Authorization header added later to an automation with auth: the same 422.
    const created = await createAutomation(account, { auth: { type: 'basic', username: 'u', password: 'p' } });
    const later = expectError(await patch(account, created.id, { headers: { authorization: 'Bearer x' } }), 422, 'validation_failed');
    expect(later.details.map((d) => d.path)).toEqual(['headers.authorization']);
  });

  it('the OpenAPI document describes auth and envelope', async () => {
    const doc = await call('/openapi.json');
    const create = doc.body.components.schemas.CreateAutomation.properties;
    expect(create.envelope.enum).toEqual(['none', 'cloudevents']);
    expect(JSON.stringify(create.auth)).toContain('oauth2_client_credentials');
    const shown = doc.body.components.schemas.Automation.properties.auth.anyOf as { properties?: Record<string, unknown> }[];
    const fields = shown.flatMap((variant) => Object.keys(variant.properties ?? {}));
    expect(fields).toContain('token_url');
    expect(fields).not.toContain('client_secret');
    expect(fields).not.toContain('password');
  });
});
