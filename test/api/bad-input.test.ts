import { expect, it } from 'vitest';
import { call, createAccount, createAutomation, OPERATOR } from '../helpers';

/** Odd inputs of every kind: each must get a 4xx in the standard envelope, never a 500. */
it('answers malformed requests with a 4xx envelope, never a 500', async () => {
  const account = await createAccount();
  const automation = await createAutomation(account);
  const admin = account.admin;
  const cases: [string, Parameters<typeof call>[1]][] = [
    ['/v1/accounts', { token: OPERATOR, rawBody: 'null' }],
    ['/v1/accounts', { token: OPERATOR, rawBody: '[]' }],
    ['/v1/accounts', { token: OPERATOR, rawBody: '"name"' }],
    ['/v1/accounts', { token: OPERATOR, rawBody: '' }],
    ['/v1/accounts', { token: OPERATOR, body: { name: 42 } }],
    ['/v1/accounts/%00', { token: OPERATOR }],
    [`/v1/accounts/${'x'.repeat(500)}`, { token: OPERATOR }],
    ['/v1/automations?limit=abc', { token: admin }],
    ['/v1/automations?limit=-1', { token: admin }],
    ['/v1/automations?cursor=' + 'z'.repeat(300), { token: admin }],
    ['/v1/automations?trigger=nope', { token: admin }],
    ['/v1/automations', { token: admin, rawBody: '{"trigger": "inbound_call_ended", "url": 7, "body": {}}' }],
    ['/v1/automations', { token: admin, body: { trigger: 'inbound_call_ended', url: 'https://example.com', body: '{}', headers: ['a'] } }],
    ['/v1/automations', { token: admin, body: { trigger: 'inbound_call_ended', url: 'https://example.com', body: '{"a":"{{#call_id}}"}' } }],
    ['/v1/automations', { token: admin, body: { trigger: 'inbound_call_ended', url: 'https://example.com', body: '{"a":"{{"}' } }],
    ['/v1/automations', { token: admin, body: { trigger: 'inbound_call_ended', url: 'https://example.com', format: 'xml', body: '<a>{{call_id}</a>' } }],
    ['/v1/automations', { token: admin, body: { trigger: 'inbound_call_ended', url: 'https://example.com', format: 'xml', body: '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><a>&e;</a>' } }],
    ['/v1/automations', { token: admin, body: { trigger: 'inbound_call_ended', url: 'https://example.com', body: '['.repeat(5000) } }],
    [`/v1/automations/${automation.id}`, { method: 'PATCH', token: admin, body: { url: null } }],
    [`/v1/automations/${automation.id}`, { method: 'PATCH', token: admin, rawBody: '{"enabled": tru' }],
    [`/v1/automations/${automation.id}/preview`, { token: admin, body: { data: 'x' } }],
    [`/v1/automations/${automation.id}/preview`, { token: admin, body: { data: { call_id: { deep: [1, { x: null }] } } } }],
    ['/v1/events', { token: account.events, body: { type: 'inbound_call_ended', data: null } }],
    ['/v1/events', { token: account.events, body: { type: 'inbound_call_ended', data: {}, id: '' } }],
    ['/v1/events', { token: account.events, body: { type: 'inbound_call_ended', data: {}, occurred_at: '2026-13-45T99:00:00Z' } }],
    ['/v1/deliveries?status=', { token: admin }],
    ['/v1/deliveries/nope/retry', { method: 'POST', token: admin }],
    ['/v1/triggers', { token: 'Bearer' }],
    ['/v1/triggers', { headers: { authorization: 'Basic dXNlcjpwdw==' } }],
  ];
  for (const [path, options] of cases) {
    const result = await call(path, options);
    const label = `${options?.method ?? 'auto'} ${path.slice(0, 80)} → ${result.status} ${JSON.stringify(result.body).slice(0, 200)}`;
    if (result.status === 200 && path.endsWith('/preview')) {
      // Nested data is acceptable: objects render as JSON text.
      expect(JSON.parse(result.body.body).data.call_id, label).toBe('{"deep":[1,{"x":null}]}');
      continue;
    }
    expect(result.status, label).toBeGreaterThanOrEqual(400);
    expect(result.status, label).toBeLessThan(500);
    expect(result.body, label).toMatchObject({ error: { code: expect.any(String), message: expect.any(String), details: expect.any(Array) } });
  }
  // Nothing above changed the automation.
  const after = await call(`/v1/automations/${automation.id}`, { token: admin });
  const { signing_secret: _secret, ...before } = automation;
  expect(after.body).toEqual({ ...before, destination: expect.any(Object) });
});
