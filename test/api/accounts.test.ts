import { describe, expect, it } from 'vitest';
import { call, createAccount, expectError, OPERATOR, unique } from '../helpers';

describe('health and OpenAPI', () => {
  it('GET /health answers ok without credentials', async () => {
    expect(await call('/health')).toMatchObject({ status: 200, body: { status: 'ok' } });
  });

  it('GET /openapi.json documents every endpoint in OpenAPI 3.1', async () => {
    const { status, body } = await call('/openapi.json');
    expect(status).toBe(200);
    expect(body.openapi).toBe('3.1.0');
    const operations = Object.entries(body.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(operations.sort()).toEqual(
      [
        'GET /health',
        'POST /v1/accounts',
        'GET /v1/accounts/{account_id}',
        'GET /v1/account',
        'GET /v1/account/notices',
        'GET /v1/account/stats',
        'GET /v1/account/operations-webhook',
        'PUT /v1/account/operations-webhook',
        'PUT /v1/accounts/{account_id}/http-notifier',
        'POST /v1/accounts/{account_id}/api-keys',
        'DELETE /v1/accounts/{account_id}/api-keys/{key_id}',
        'GET /v1/triggers',
        'GET /v1/triggers/{id}/schema',
        'POST /v1/automations/conditions/dry-run',
        'GET /v1/automations',
        'POST /v1/automations',
        'GET /v1/automations/{id}',
        'PATCH /v1/accounts/{account_id}',
        'PATCH /v1/automations/{id}',
        'DELETE /v1/automations/{id}',
        'GET /v1/automations/{id}/secret',
        'POST /v1/automations/{id}/secret/rotate',
        'POST /v1/automations/{id}/preview',
        'POST /v1/automations/preview',
        'POST /v1/automations/{id}/test',
        'POST /v1/automations/{id}/recover',
        'POST /v1/automations/{id}/backfill',
        'POST /v1/automations/{id}/destination/resume',
        'GET /v1/automations/{id}/stats',
        'POST /v1/events',
        'POST /v1/events/batch',
        'POST /v1/events/{id}/replay',
        'GET /v1/deliveries',
        'GET /v1/deliveries/{id}',
        'POST /v1/deliveries/{id}/retry',
        'POST /v1/deliveries/retry',
        'GET /v1/simulations',
        'POST /v1/simulations',
      ].sort(),
    );
    // The request schemas are the validation schemas: the trigger enum lists all 25 ids.
    expect(body.components.schemas.CreateAutomation.properties.trigger.enum).toHaveLength(25);
  });

  it('unknown paths get the error envelope', async () => {
    expectError(await call('/v1/nope', { token: OPERATOR }), 404, 'not_found');
  });
});

describe('operator endpoints', () => {
  it('create an account with the integration off, read it, and switch it on', async () => {
    const id = unique('acct');
    const created = await call('/v1/accounts', { token: OPERATOR, body: { id, name: 'Acme' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id, name: 'Acme', http_notifier_enabled: false, partitions: 1 });
    expect(Date.parse(created.body.created_at)).not.toBeNaN();
    const read = (await call(`/v1/accounts/${id}`, { token: OPERATOR })).body;
    const empty = { events_stored: 0, deliveries_stored: 0, open_deliveries: 0, storage_bytes: expect.any(Number) };
    expect(read).toEqual({ ...created.body, usage: { ...empty, partitions: [{ partition: 0, ...empty }] } });
    const switched = await call(`/v1/accounts/${id}/http-notifier`, { method: 'PUT', token: OPERATOR, body: { enabled: true } });
    expect(switched).toMatchObject({ status: 200, body: { id, http_notifier_enabled: true } });
  });

  it('generates an id when none is given', async () => {
    const created = await call('/v1/accounts', { token: OPERATOR, body: { name: 'No id' } });
    expect(created.status).toBe(201);
    expect(created.body.id).toMatch(/^acc_[0-9a-f]{28}$/);
  });

  it('refuses an existing id with 409 and leaves the account unchanged', async () => {
    const id = unique('acct');
    await call('/v1/accounts', { token: OPERATOR, body: { id, name: 'First' } });
    expectError(await call('/v1/accounts', { token: OPERATOR, body: { id, name: 'Second' } }), 409, 'conflict');
    expect((await call(`/v1/accounts/${id}`, { token: OPERATOR })).body.name).toBe('First');
  });

  it('needs the operator token', async () => {
    expectError(await call('/v1/accounts', { body: { name: 'x' } }), 401, 'unauthorized');
    expectError(await call('/v1/accounts', { token: 'wrong', body: { name: 'x' } }), 401, 'unauthorized');
    const account = await createAccount();
    expectError(await call('/v1/accounts', { token: account.admin, body: { name: 'x' } }), 401, 'unauthorized');
  });

  it('validates bodies with details per field', async () => {
    const error = expectError(await call('/v1/accounts', { token: OPERATOR, body: { id: 'bad id!', name: '' } }), 422, 'validation_failed');
    expect(error.details.map((d) => d.path).sort()).toEqual(['id', 'name']);
    const extra = expectError(await call('/v1/accounts', { token: OPERATOR, body: { name: 'x', plan: 'gold' } }), 422, 'validation_failed');
    expect(extra.details[0]!.message).toMatch(/plan/);
  });

  it('rejects malformed JSON, non-JSON bodies and oversized bodies', async () => {
    expectError(await call('/v1/accounts', { token: OPERATOR, rawBody: '{"name": ' }), 400, 'invalid_json');
    expectError(
      await call('/v1/accounts', { token: OPERATOR, rawBody: 'name=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } }),
      415,
      'unsupported_media_type',
    );
    expectError(await call('/v1/accounts', { token: OPERATOR, body: { name: 'x'.repeat(300 * 1024) } }), 413, 'payload_too_large');
  });

  it('404s for unknown accounts', async () => {
    expectError(await call('/v1/accounts/missing-account', { token: OPERATOR }), 404, 'not_found');
    expectError(await call('/v1/accounts/missing-account/http-notifier', { method: 'PUT', token: OPERATOR, body: { enabled: true } }), 404, 'not_found');
    expectError(await call('/v1/accounts/missing-account/api-keys', { token: OPERATOR, body: { role: 'admin' } }), 404, 'not_found');
  });
});

describe('API keys', () => {
  it('are shown once, work, and stop working when revoked', async () => {
    const account = await createAccount();
    const created = await call(`/v1/accounts/${account.id}/api-keys`, { token: OPERATOR, body: { role: 'admin', name: 'console' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ role: 'admin', name: 'console', key: expect.stringMatching(/^hnk_admin_[A-Za-z0-9_-]{43}$/) });
    expect((await call('/v1/automations', { token: created.body.key })).status).toBe(200);
    expect((await call(`/v1/accounts/${account.id}/api-keys/${created.body.id}`, { method: 'DELETE', token: OPERATOR })).status).toBe(204);
    expectError(await call('/v1/automations', { token: created.body.key }), 401, 'unauthorized');
    expectError(await call(`/v1/accounts/${account.id}/api-keys/${created.body.id}`, { method: 'DELETE', token: OPERATOR }), 404, 'not_found');
  });

  it('an events key, cached for ingestion, stops working as soon as it is revoked', async () => {
    const account = await createAccount();
    const key = await call(`/v1/accounts/${account.id}/api-keys`, { token: OPERATOR, body: { role: 'events' } });
    const post = () => call('/v1/events', { token: key.body.key, body: { type: 'contact_created', data: {} } });
    expect((await post()).status).toBe(202);
    expect((await post()).status).toBe(202);
    expect((await call(`/v1/accounts/${account.id}/api-keys/${key.body.id}`, { method: 'DELETE', token: OPERATOR })).status).toBe(204);
    expectError(await post(), 401, 'unauthorized');
  });

  it('cannot be revoked through another account', async () => {
    const a = await createAccount();
    const b = await createAccount();
    const key = await call(`/v1/accounts/${a.id}/api-keys`, { token: OPERATOR, body: { role: 'events' } });
    expectError(await call(`/v1/accounts/${b.id}/api-keys/${key.body.id}`, { method: 'DELETE', token: OPERATOR }), 404, 'not_found');
  });

  it('enforce roles: events keys cannot manage automations, admin keys cannot post events', async () => {
    const account = await createAccount();
    expectError(await call('/v1/automations', { token: account.events }), 403, 'forbidden');
    expectError(await call('/v1/events', { token: account.admin, body: { type: 'contact_created', data: {} } }), 403, 'forbidden');
    expect((await call('/v1/triggers', { token: account.events })).status).toBe(200);
    expect((await call('/v1/triggers', { token: account.admin })).status).toBe(200);
  });
});
