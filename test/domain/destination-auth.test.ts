/** The pure rules of auth to the destination: token answers, how long a token is used, token URLs, masks, ce-* headers. */
import { describe, expect, it } from 'vitest';
import { cloudEventHeaders } from '../../src/domain/cloudevents';
import { checkTokenUrl, maskAuthorization, mayKeepSecret } from '../../src/domain/destination-auth';
import { DEFAULT_TOKEN_LIFETIME_S, readTokenAnswer, tokenUsableUntil } from '../../src/domain/oauth-token';

describe('oauth token answers', () => {
  it('takes access_token and expires_in (a number or numeric text); without expires_in, the default lifetime', () => {
    expect(readTokenAnswer(200, '{"access_token":"abc","token_type":"bearer","expires_in":"120"}', false)).toEqual({ ok: true, accessToken: 'abc', expiresInS: 120 });
    expect(readTokenAnswer(200, '{"access_token":"abc"}', false)).toEqual({ ok: true, accessToken: 'abc', expiresInS: DEFAULT_TOKEN_LIFETIME_S });
  });

  it('refuses other token types, tokens a header cannot carry, and error answers, quoting them', () => {
    expect(readTokenAnswer(200, '{"access_token":"abc","token_type":"mac"}', false)).toMatchObject({ ok: false, problem: expect.stringContaining('"mac"') });
    expect(readTokenAnswer(200, '{"access_token":"a b"}', false)).toMatchObject({ ok: false, problem: expect.stringContaining('without a usable access_token') });
    expect(readTokenAnswer(400, '{"error":"invalid_scope"}', false)).toMatchObject({ ok: false, problem: 'answered 400: "{\\"error\\":\\"invalid_scope\\"}"' });
    expect(readTokenAnswer(200, '', false)).toMatchObject({ ok: false, problem: expect.stringContaining('(empty)') });
  });

  it('a token is used until 60 s before it expires; one expiring sooner is not kept', () => {
    expect(tokenUsableUntil(1_000_000, 3600)).toBe(1_000_000 + 3_540_000);
    expect(tokenUsableUntil(1_000_000, 60)).toBeNull();
  });
});

describe('token URLs, kept secrets, masks', () => {
  it('https only, except loopback under the development setting; private networks never', () => {
    expect(checkTokenUrl('https://auth.example.com/token', { allowLoopback: false, selfHosts: [] }).ok).toBe(true);
    expect(checkTokenUrl('http://auth.example.com/token', { allowLoopback: true, selfHosts: [] }).ok).toBe(false);
    expect(checkTokenUrl('http://127.0.0.1:8080/token', { allowLoopback: true, selfHosts: [] }).ok).toBe(true);
    expect(checkTokenUrl('http://127.0.0.1:8080/token', { allowLoopback: false, selfHosts: [] }).ok).toBe(false);
    expect(checkTokenUrl('https://192.168.1.4/token', { allowLoopback: true, selfHosts: [] }).ok).toBe(false);
  });

  it('a kept Basic password follows the target origin, a kept client secret its token URL', () => {
    const basic = { view: { type: 'basic' as const, username: 'u' }, url: 'https://a.example.com/x' };
    expect(mayKeepSecret(basic, { type: 'basic', username: 'v' }, 'https://a.example.com/y?z')).toBe(true);
    expect(mayKeepSecret(basic, { type: 'basic', username: 'u' }, 'https://b.example.com/x')).toBe(false);
    const oauth = { type: 'oauth2_client_credentials' as const, token_url: 'https://t.example.com', client_id: 'c', scope: null, audience: null };
    expect(mayKeepSecret({ view: oauth, url: 'https://a.example.com' }, { ...oauth, client_id: 'd' }, 'https://other.example.com')).toBe(true);
    expect(mayKeepSecret({ view: oauth, url: 'https://a.example.com' }, { ...oauth, token_url: 'https://u.example.com' }, 'https://a.example.com')).toBe(false);
    expect(mayKeepSecret(null, { type: 'basic', username: 'u' }, 'https://a.example.com')).toBe(false);
  });

  it('masks keep the scheme only', () => {
    expect(maskAuthorization('Basic dTpw')).toBe('Basic ********');
    expect(maskAuthorization('Bearer abc.def')).toBe('Bearer ********');
    expect(maskAuthorization('garbage')).toBe('********');
  });
});

describe('CloudEvents headers', () => {
  it('leave ce-subject out when there is no call id or it cannot be a header value', () => {
    const facts = { id: 'dlv_1', trigger: 'contact_created', accountId: 'acme', occurredAt: Date.UTC(2030, 0, 2, 3, 4, 5) };
    expect(cloudEventHeaders({ ...facts, callId: null })).toEqual({
      'ce-specversion': '1.0', 'ce-id': 'dlv_1', 'ce-type': 'com.http-notifier.contact_created', 'ce-source': '/accounts/acme',
      'ce-time': '2030-01-02T03:04:05.000Z',
    });
    expect(cloudEventHeaders({ ...facts, callId: 'CA\n1' })).not.toHaveProperty('ce-subject');
    expect(cloudEventHeaders({ ...facts, callId: '' })).not.toHaveProperty('ce-subject');
  });
});
