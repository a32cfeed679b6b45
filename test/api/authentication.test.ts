import { describe, expect, it } from 'vitest';
import { call, createAccount, expectError, OPERATOR } from '../helpers';

const CHALLENGE = 'Bearer realm="http-notifier"';
const INVALID = 'Bearer realm="http-notifier", error="invalid_token"';

describe('401 answers', () => {
  it('name the Bearer scheme when no credentials were sent, in the error envelope', async () => {
    for (const path of ['/v1/automations', '/v1/accounts/x', '/v1/triggers']) {
      const result = await call(path);
      expectError(result, 401, 'unauthorized');
      expect(result.headers.get('www-authenticate'), path).toBe(CHALLENGE);
      expect(result.headers.get('content-type')).toMatch(/^application\/json/);
    }
    const malformed = await call('/v1/automations', { headers: { authorization: 'Basic dXNlcjpwdw==' } });
    expectError(malformed, 401, 'unauthorized');
    expect(malformed.headers.get('www-authenticate')).toBe(CHALLENGE);
  });

  it('say error="invalid_token" when a token was sent but is not accepted', async () => {
    const wrongKey = await call('/v1/automations', { token: `hnk_admin_${'x'.repeat(43)}` });
    expectError(wrongKey, 401, 'unauthorized');
    expect(wrongKey.headers.get('www-authenticate')).toBe(INVALID);
    const wrongOperator = await call('/v1/accounts', { token: 'not-the-operator-token', body: { name: 'x' } });
    expectError(wrongOperator, 401, 'unauthorized');
    expect(wrongOperator.headers.get('www-authenticate')).toBe(INVALID);
    const account = await createAccount();
    // An account key where the operator token is needed is just a wrong operator token.
    expect((await call('/v1/accounts', { token: account.admin, body: { name: 'x' } })).headers.get('www-authenticate')).toBe(INVALID);
    const events = await call('/v1/events', { token: 'hnk_events_wrong', body: { type: 'contact_created', data: {} } });
    expect(events.headers.get('www-authenticate')).toBe(INVALID);
  });

  it('are the only answers with a challenge: a key of the wrong role is 403 without one', async () => {
    const account = await createAccount();
    const forbidden = await call('/v1/automations', { token: account.events });
    expectError(forbidden, 403, 'forbidden');
    expect(forbidden.headers.get('www-authenticate')).toBeNull();
    expect((await call('/v1/accounts/x', { token: OPERATOR })).headers.get('www-authenticate')).toBeNull();
  });
});
