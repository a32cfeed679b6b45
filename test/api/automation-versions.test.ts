import { describe, expect, it } from 'vitest';
import { call, createAccount, createAutomation, expectError, SAMPLE_BODY, sinkUrl, unique } from '../helpers';

const patch = (token: string, id: string, body: unknown, headers: Record<string, string> = {}) =>
  call(`/v1/automations/${id}`, { method: 'PATCH', token, body, headers });

const AGENT_BODY = '{"agent": "{{agent_id}}"}';

describe('concurrent changes to an automation', () => {
  it('PATCHes of different fields sent at once both take effect (10 rounds)', async () => {
    const account = await createAccount();
    const created = await createAutomation(account);
    for (let round = 0; round < 10; round++) {
      const name = `round ${round}`;
      const url = sinkUrl(unique(`round-${round}`));
      const headers = { 'X-Round': String(round) };
      const results = await Promise.all([
        patch(account.admin, created.id, { name }),
        patch(account.admin, created.id, { url }),
        patch(account.admin, created.id, { headers }),
        patch(account.admin, created.id, { enabled: round % 2 === 0 }),
      ]);
      for (const result of results) expect(result.status, JSON.stringify(result.body)).toBe(200);
      const read = await call(`/v1/automations/${created.id}`, { token: account.admin });
      expect(read.body, `round ${round}`).toMatchObject({ name, url, headers, enabled: round % 2 === 0 });
    }
  });

  it('never saves a body that does not fit the trigger it ends up with', async () => {
    const account = await createAccount();
    const created = await createAutomation(account);
    // A race: each round may or may not interleave the two, so it is run many times.
    for (let round = 0; round < 20; round++) {
      // Back to an inbound-call body, then race a trigger change against a body change.
      expect((await patch(account.admin, created.id, { trigger: 'inbound_call_ended', body: SAMPLE_BODY })).status).toBe(200);
      const [toAgent, newBody] = await Promise.all([
        patch(account.admin, created.id, { trigger: 'agent_logged_in', body: AGENT_BODY }),
        patch(account.admin, created.id, { body: SAMPLE_BODY.replace('{', '{"round": "{{call_id}}",') }),
      ]);
      expect(toAgent.status).toBe(200);
      // The body change is valid only for the old trigger: it either went first or is refused.
      expect([200, 422]).toContain(newBody.status);
      const final = (await call(`/v1/automations/${created.id}`, { token: account.admin })).body;
      const check = await call('/v1/automations/preview', { token: account.admin, body: { trigger: final.trigger, format: final.format, body: final.body } });
      expect(check.status, JSON.stringify(check.body)).toBe(200);
      expect(final).toMatchObject({ trigger: 'agent_logged_in', body: AGENT_BODY });
    }
  });
});

describe('ETag and If-Match', () => {
  it('GET, PATCH and POST answer with an ETag that changes with every change', async () => {
    const account = await createAccount();
    const created = await call('/v1/automations', {
      token: account.admin, body: { trigger: 'inbound_call_ended', url: sinkUrl('etag'), body: SAMPLE_BODY },
    });
    const first = created.headers.get('etag');
    expect(first).toMatch(/^"[^"]+"$/);
    const read = await call(`/v1/automations/${created.body.id}`, { token: account.admin });
    expect(read.headers.get('etag')).toBe(first);
    const changed = await patch(account.admin, created.body.id, { name: 'renamed' });
    const second = changed.headers.get('etag');
    expect(second).toMatch(/^"[^"]+"$/);
    expect(second).not.toBe(first);
    expect((await call(`/v1/automations/${created.body.id}`, { token: account.admin })).headers.get('etag')).toBe(second);
  });

  it('PATCH with a stale If-Match is 412 precondition_failed and changes nothing', async () => {
    const account = await createAccount();
    const created = await createAutomation(account);
    const etag = (await call(`/v1/automations/${created.id}`, { token: account.admin })).headers.get('etag')!;
    const fresh = await patch(account.admin, created.id, { name: 'first' }, { 'if-match': etag });
    expect(fresh.status).toBe(200);
    const stale = expectError(await patch(account.admin, created.id, { name: 'second' }, { 'if-match': etag }), 412, 'precondition_failed');
    expect(stale.message).toMatch(/changed/);
    expect((await call(`/v1/automations/${created.id}`, { token: account.admin })).body.name).toBe('first');
    // The current tag, one of a list of tags, or "*" all match.
    const current = fresh.headers.get('etag')!;
    expect((await patch(account.admin, created.id, { name: 'third' }, { 'if-match': `"nope", ${current}` })).status).toBe(200);
    expect((await patch(account.admin, created.id, { name: 'fourth' }, { 'if-match': '*' })).status).toBe(200);
    // A weak tag never matches for If-Match (strong comparison, RFC 9110 13.1.1).
    const latest = (await call(`/v1/automations/${created.id}`, { token: account.admin })).headers.get('etag')!;
    expectError(await patch(account.admin, created.id, { name: 'fifth' }, { 'if-match': `W/${latest}` }), 412, 'precondition_failed');
  });

  it('of two PATCHes made from the same version with If-Match, exactly one wins', async () => {
    const account = await createAccount();
    const created = await createAutomation(account);
    const etag = (await call(`/v1/automations/${created.id}`, { token: account.admin })).headers.get('etag')!;
    const results = await Promise.all([
      patch(account.admin, created.id, { name: 'a' }, { 'if-match': etag }),
      patch(account.admin, created.id, { url: sinkUrl('b') }, { 'if-match': etag }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 412]);
  });

  it('DELETE honours If-Match too', async () => {
    const account = await createAccount();
    const created = await createAutomation(account);
    const etag = (await call(`/v1/automations/${created.id}`, { token: account.admin })).headers.get('etag')!;
    await patch(account.admin, created.id, { name: 'changed' });
    expectError(await call(`/v1/automations/${created.id}`, { method: 'DELETE', token: account.admin, headers: { 'if-match': etag } }), 412, 'precondition_failed');
    const current = (await call(`/v1/automations/${created.id}`, { token: account.admin })).headers.get('etag')!;
    expect((await call(`/v1/automations/${created.id}`, { method: 'DELETE', token: account.admin, headers: { 'if-match': current } })).status).toBe(204);
  });

  it('If-Match on an automation that does not exist is still 404', async () => {
    const account = await createAccount();
    expectError(await patch(account.admin, 'aut_missing', { name: 'x' }, { 'if-match': '*' }), 404, 'not_found');
  });
});
