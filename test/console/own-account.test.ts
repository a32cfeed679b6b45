import { describe, expect, it } from 'vitest';
import { call, createAccount, expectError, OPERATOR } from '../helpers';

describe('GET /v1/account', () => {
  it("returns the calling key's account, including whether the integration is enabled", async () => {
    const account = await createAccount({ enabled: false });
    const forAdmin = await call('/v1/account', { token: account.admin });
    expect(forAdmin.status).toBe(200);
    expect(forAdmin.body).toEqual({
      id: account.id, name: `Account ${account.id}`, http_notifier_enabled: false, partitions: 1, created_at: expect.any(String), updated_at: expect.any(String),
    });
    await call(`/v1/accounts/${account.id}/http-notifier`, { method: 'PUT', token: OPERATOR, body: { enabled: true } });
    expect((await call('/v1/account', { token: account.admin })).body).toMatchObject({ id: account.id, http_notifier_enabled: true });
  });

  it('needs an admin key: an events key is 403 forbidden', async () => {
    const account = await createAccount();
    const refused = expectError(await call('/v1/account', { token: account.events }), 403, 'forbidden');
    expect(refused.message).toMatch(/admin role/);
  });

  it('needs an account key', async () => {
    expectError(await call('/v1/account'), 401, 'unauthorized');
    expectError(await call('/v1/account', { token: OPERATOR }), 401, 'unauthorized');
  });

  it('is in the OpenAPI document', async () => {
    const doc = (await call('/openapi.json')).body;
    expect(doc.paths['/v1/account'].get.responses['200'].content['application/json'].schema.$ref).toBe('#/components/schemas/Account');
  });
});
