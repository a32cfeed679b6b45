import { env } from 'cloudflare:workers';
import { describe, expect, it, vi } from 'vitest';
import { call, createAccount, createAutomation, expectError, OPERATOR, SAMPLE_BODY, sinkUrl, unique } from '../helpers';
import { cookieFrom, fetchConsole, ORIGIN, sha256Hex, signIn } from './console-helpers';
import { SESSION_TTL_MS } from '../../src/auth/session';

const newAutomation = () => ({ trigger: 'inbound_call_ended', url: sinkUrl(unique('b')), body: SAMPLE_BODY });

describe('signing in', () => {
  it('refuses a wrong key, a revoked-looking key and an events key, without a cookie', async () => {
    const account = await createAccount();
    const wrong = await fetchConsole('/console/sign-in', { form: { key: `hnk_admin_${'x'.repeat(43)}` } });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toContain('unknown or has been revoked');
    expect(wrong.headers.get('set-cookie')).toBeNull();

    expect((await fetchConsole('/console/sign-in', { form: { key: '' } })).status).toBe(422);

    const events = await fetchConsole('/console/sign-in', { form: { key: account.events } });
    expect(events.status).toBe(403);
    expect(await events.text()).toContain('events key');
    expect(events.headers.get('set-cookie')).toBeNull();
  });

  it('tells a malformed key (a typo, a partial paste) apart from a revoked one', async () => {
    const account = await createAccount();
    const key = await call(`/v1/accounts/${account.id}/api-keys`, { token: OPERATOR, body: { role: 'admin' } });
    expect((await call(`/v1/accounts/${account.id}/api-keys/${key.body.id}`, { method: 'DELETE', token: OPERATOR })).status).toBe(204);
    const revoked = await fetchConsole('/console/sign-in', { form: { key: key.body.key } });
    expect(revoked.status).toBe(401);
    const revokedText = await revoked.text();
    expect(revokedText).toContain('unknown or has been revoked');
    expect(revokedText).not.toContain('This is not an API key');

    for (const typo of ['not-a-key', key.body.key.slice(0, -1), `${key.body.key}x`, `hnk_admin ${'x'.repeat(43)}`]) {
      const malformed = await fetchConsole('/console/sign-in', { form: { key: typo } });
      expect(malformed.status, typo).toBe(422);
      const text = await malformed.text();
      expect(text).toContain('This is not an API key: admin keys start with hnk_admin_');
      expect(text).not.toContain('revoked');
      expect(malformed.headers.get('set-cookie')).toBeNull();
    }
  });

  it('opens the page a followed link asked for once signed in', async () => {
    const account = await createAccount();
    const link = await fetchConsole('/console/deliveries?status=failed');
    expect(link.status).toBe(303);
    const signInUrl = link.headers.get('location')!;
    expect(signInUrl).toBe(`/console/sign-in?next=${encodeURIComponent('/console/deliveries?status=failed')}`);
    const form = await (await fetchConsole(signInUrl)).text();
    expect(form).toContain('<input type="hidden" name="next" value="/console/deliveries?status=failed"/>');

    const signedIn = await fetchConsole('/console/sign-in', { form: { key: account.admin, next: '/console/deliveries?status=failed' } });
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.get('location')).toBe('/console/deliveries?status=failed');
    // A refused key keeps where to go in the form shown again.
    const refused = await fetchConsole('/console/sign-in', { form: { key: 'typo', next: '/console/deliveries?status=failed' } });
    expect(await refused.text()).toContain('name="next" value="/console/deliveries?status=failed"');
  });

  it('never follows a next that leaves the console (absolute, protocol-relative, backslash)', async () => {
    const account = await createAccount();
    for (const next of ['https://evil.example/console', '//evil.example/console', '/\\evil.example', '/console\\..\\x', 'javascript:alert(1)', '/v1/automations', '/consolex']) {
      const response = await fetchConsole('/console/sign-in', { form: { key: account.admin, next } });
      expect(response.status, next).toBe(303);
      expect(response.headers.get('location'), next).toBe('/console');
      const form = await (await fetchConsole(`/console/sign-in?next=${encodeURIComponent(next)}`)).text();
      expect(form, next).not.toContain('name="next"');
    }
  });

  it('refuses a sign-in form posted from another site', async () => {
    const account = await createAccount();
    const response = await fetchConsole('/console/sign-in', { form: { key: account.admin }, headers: { origin: 'https://evil.example' } });
    expect(response.status).toBe(403);
    expect(response.headers.get('set-cookie')).toBeNull();
  });

  it('sets an HttpOnly, SameSite=Strict, Secure __Host- cookie holding a session token, not the key', async () => {
    const account = await createAccount();
    const response = await fetchConsole('/console/sign-in', { form: { key: account.admin } });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/console');
    const header = response.headers.get('set-cookie')!;
    expect(header).toMatch(/^__Host-hn_console=hns_[\w-]{43};/);
    for (const flag of ['HttpOnly', 'Secure', 'SameSite=Strict', 'Path=/', 'Max-Age=43200']) expect(header).toContain(flag);
    expect(header).not.toContain(account.admin);
    expect(header).not.toMatch(/Domain=/i);
  });

  it('leaves Secure off (and the __Host- prefix) on plain-HTTP localhost only', async () => {
    const account = await createAccount();
    for (const origin of ['http://127.0.0.1:8787', 'http://localhost:8787']) {
      const response = await fetchConsole('/console/sign-in', { form: { key: account.admin }, origin });
      const header = response.headers.get('set-cookie')!;
      expect(header).toMatch(/^hn_console=hns_/);
      expect(header).toContain('HttpOnly');
      expect(header).toContain('SameSite=Strict');
      expect(header).not.toContain('Secure');
    }
  });

  it('stores only the SHA-256 of the session token, expiring in 12 hours', async () => {
    const account = await createAccount();
    const before = Date.now();
    const session = await signIn(account.admin);
    const rows = (await env.DB.prepare('SELECT * FROM console_sessions').all()).results;
    const stored = JSON.stringify(rows);
    expect(stored).not.toContain(session.token);
    expect(stored).not.toContain(account.admin);
    const mine = await findByHash(session.token);
    expect(mine).not.toBeNull();
    expect(mine!.expires_at - before).toBeGreaterThanOrEqual(12 * 3600_000);
    expect(mine!.expires_at - before).toBeLessThanOrEqual(12 * 3600_000 + 60_000);
  });

  it('redirects / to the console and the console to sign-in without a session', async () => {
    const root = await fetchConsole('/');
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/console');
    const console = await fetchConsole('/console');
    expect(console.status).toBe(303);
    expect(console.headers.get('location')).toBe('/console/sign-in');
  });
});

async function findByHash(token: string) {
  return env.DB.prepare('SELECT expires_at FROM console_sessions WHERE token_hash = ?1')
    .bind(await sha256Hex(token))
    .first<{ expires_at: number }>();
}

describe('the /v1 API with a console session', () => {
  it('reads with the cookie alone, as the admin of the key’s account', async () => {
    const account = await createAccount();
    const other = await createAccount();
    const mine = await createAutomation(account);
    const theirs = await createAutomation(other);
    const { cookie } = await signIn(account.admin);
    const list = await call('/v1/automations', { headers: { cookie } });
    expect(list.status).toBe(200);
    expect(list.body.data.map((a: { id: string }) => a.id)).toEqual([mine.id]);
    expectError(await call(`/v1/automations/${theirs.id}`, { headers: { cookie } }), 404, 'not_found');
    expect((await call('/v1/account', { headers: { cookie } })).body).toMatchObject({ id: account.id, http_notifier_enabled: true });
  });

  it('needs the CSRF token in a header for changes', async () => {
    const account = await createAccount();
    const { cookie, csrf } = await signIn(account.admin);
    const missing = expectError(await call('/v1/automations', { headers: { cookie }, body: newAutomation() }), 403, 'forbidden');
    expect(missing.message).toContain('x-csrf-token');
    expectError(await call('/v1/automations', { headers: { cookie, 'x-csrf-token': `${csrf}x` }, body: newAutomation() }), 403, 'forbidden');
    const created = await call('/v1/automations', { headers: { cookie, 'x-csrf-token': csrf }, body: newAutomation() });
    expect(created.status).toBe(201);
    const id = created.body.id;
    expectError(await call(`/v1/automations/${id}`, { method: 'PATCH', headers: { cookie }, body: { enabled: false } }), 403, 'forbidden');
    expectError(await call(`/v1/automations/${id}`, { method: 'DELETE', headers: { cookie } }), 403, 'forbidden');
    expect((await call(`/v1/automations/${id}`, { method: 'DELETE', headers: { cookie, 'x-csrf-token': csrf } })).status).toBe(204);
  });

  it('refuses changes another site made the browser send, even with the token', async () => {
    const account = await createAccount();
    const { cookie, csrf } = await signIn(account.admin);
    const headers = { cookie, 'x-csrf-token': csrf };
    expectError(await call('/v1/automations', { headers: { ...headers, origin: 'https://evil.example' }, body: newAutomation() }), 403, 'forbidden');
    expectError(await call('/v1/automations', { headers: { ...headers, 'sec-fetch-site': 'cross-site' }, body: newAutomation() }), 403, 'forbidden');
    const sameOrigin = await call('/v1/automations', { headers: { ...headers, origin: ORIGIN, 'sec-fetch-site': 'same-origin' }, body: newAutomation() });
    expect(sameOrigin.status).toBe(201);
  });

  it('is not accepted where admin keys are not, and never overrides an Authorization header', async () => {
    const account = await createAccount();
    const { cookie, csrf } = await signIn(account.admin);
    const event = { type: 'inbound_call_ended', data: {} };
    expectError(await call('/v1/events', { headers: { cookie, 'x-csrf-token': csrf }, body: event }), 401, 'unauthorized');
    expectError(await call('/v1/accounts', { headers: { cookie, 'x-csrf-token': csrf }, body: { name: 'x' } }), 401, 'unauthorized');
    expectError(await call('/v1/automations', { token: 'hnk_admin_wrong', headers: { cookie } }), 401, 'unauthorized');
    expectError(await call('/v1/automations', { token: account.events, headers: { cookie } }), 403, 'forbidden');
  });

  it('dies when its key is revoked', async () => {
    const account = await createAccount();
    const key = await call(`/v1/accounts/${account.id}/api-keys`, { token: OPERATOR, body: { role: 'admin' } });
    const { cookie } = await signIn(key.body.key);
    expect((await call('/v1/automations', { headers: { cookie } })).status).toBe(200);
    expect((await call(`/v1/accounts/${account.id}/api-keys/${key.body.id}`, { method: 'DELETE', token: OPERATOR })).status).toBe(204);
    const refused = expectError(await call('/v1/automations', { headers: { cookie } }), 401, 'unauthorized');
    expect(refused.message).toMatch(/sign in again/);
    const page = await fetchConsole('/console', { cookie });
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe('/console/sign-in?ended=1');
    expect(page.headers.get('set-cookie')).toMatch(/Max-Age=0/);
  });

  it('ends when it expires', async () => {
    const account = await createAccount();
    const { cookie } = await signIn(account.admin);
    const signedInAt = Date.now();
    // The Worker reads the time when it checks a session: move it instead of editing the session.
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(signedInAt + SESSION_TTL_MS - 1_000);
      expect((await call('/v1/automations', { headers: { cookie } })).status).toBe(200);
      vi.setSystemTime(signedInAt + SESSION_TTL_MS + 1_000);
      expectError(await call('/v1/automations', { headers: { cookie } }), 401, 'unauthorized');
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('signing out', () => {
  it('needs the CSRF token, then deletes the session and clears the cookie', async () => {
    const account = await createAccount();
    const { cookie, csrf, token } = await signIn(account.admin);
    expect((await fetchConsole('/console/sign-out', { cookie, form: {} })).status).toBe(403);
    expect((await call('/v1/automations', { headers: { cookie } })).status).toBe(200);

    const response = await fetchConsole('/console/sign-out', { cookie, form: { csrf_token: csrf } });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/console/sign-in?signed_out');
    expect(response.headers.get('set-cookie')).toMatch(/^__Host-hn_console=; Max-Age=0/);
    expect(await findByHash(token)).toBeNull();
    expectError(await call('/v1/automations', { headers: { cookie } }), 401, 'unauthorized');
    expect(cookieFrom(response)).toBe('__Host-hn_console=');
  });
});
