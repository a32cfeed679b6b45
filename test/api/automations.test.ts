import { describe, expect, it } from 'vitest';
import { SAMPLE_BODY_AS_PRINTED } from '../../src/catalog/sample-body';
import { call, createAccount, createAutomation, expectError, OPERATOR, SAMPLE_BODY, sinkUrl, unique, waitForSink } from '../helpers';


describe('automations', () => {
  it('create returns the automation and a signing secret once; read, list, secret', async () => {
    const account = await createAccount();
    const created = await createAutomation(account, { headers: { Authorization: 'Token abc' } });
    expect(created).toMatchObject({
      id: expect.stringMatching(/^aut_/),
      name: 'Call ended',
      trigger: 'inbound_call_ended',
      action: 'http_post',
      format: 'json',
      body: SAMPLE_BODY,
      headers: { Authorization: 'Token abc' },
      enabled: true,
      disabled_reason: null,
      disabled_cause: null,
      signing_secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]{43}=$/),
    });
    const read = await call(`/v1/automations/${created.id}`, { token: account.admin });
    expect(read.status).toBe(200);
    expect(read.body).not.toHaveProperty('signing_secret');
    const { signing_secret, ...withoutSecret } = created;
    expect(read.body).toEqual({ ...withoutSecret, destination: { state: 'ok', in_flight: 0 } });
    const secret = await call(`/v1/automations/${created.id}/secret`, { token: account.admin });
    expect(secret.body).toEqual({ signing_secret });
    const list = await call('/v1/automations', { token: account.admin });
    expect(list.body).toEqual({ data: [{ ...withoutSecret, last_delivery: null }], next_cursor: null });
  });

  it('pages with limit and cursor', async () => {
    const account = await createAccount();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await createAutomation(account)).id);
    const first = await call('/v1/automations?limit=2', { token: account.admin });
    expect(first.body.data.map((a: { id: string }) => a.id)).toEqual(ids.slice(0, 2));
    const second = await call(`/v1/automations?limit=2&cursor=${first.body.next_cursor}`, { token: account.admin });
    expect(second.body.data.map((a: { id: string }) => a.id)).toEqual(ids.slice(2, 4));
    const third = await call(`/v1/automations?limit=2&cursor=${second.body.next_cursor}`, { token: account.admin });
    expect(third.body).toMatchObject({ data: [{ id: ids[4] }], next_cursor: null });
    expectError(await call('/v1/automations?limit=201', { token: account.admin }), 422, 'validation_failed');
    expectError(await call('/v1/automations?limit=0', { token: account.admin }), 422, 'validation_failed');
  });

  it('PATCH changes fields, can turn the automation off, and re-validates the whole result', async () => {
    const account = await createAccount();
    const created = await createAutomation(account);
    const off = await call(`/v1/automations/${created.id}`, { method: 'PATCH', token: account.admin, body: { enabled: false } });
    expect(off).toMatchObject({ status: 200, body: { enabled: false, body: SAMPLE_BODY } });
    // inbound_call_ended fields are not all fields of agent_logged_in: the body no longer fits.
    const error = expectError(
      await call(`/v1/automations/${created.id}`, { method: 'PATCH', token: account.admin, body: { trigger: 'agent_logged_in' } }),
      422,
      'validation_failed',
    );
    expect(error.details).toContainEqual({ path: 'body', message: expect.stringContaining('{{call_id}}') });
    expect((await call(`/v1/automations/${created.id}`, { token: account.admin })).body.trigger).toBe('inbound_call_ended');
  });

  it('DELETE removes it; later reads are 404', async () => {
    const account = await createAccount();
    const created = await createAutomation(account);
    expect((await call(`/v1/automations/${created.id}`, { method: 'DELETE', token: account.admin })).status).toBe(204);
    expectError(await call(`/v1/automations/${created.id}`, { token: account.admin }), 404, 'not_found');
    expectError(await call(`/v1/automations/${created.id}`, { method: 'DELETE', token: account.admin }), 404, 'not_found');
  });

  it('is scoped to the key’s account: another account’s automation is 404 for every verb', async () => {
    const owner = await createAccount();
    const other = await createAccount();
    const created = await createAutomation(owner);
    for (const [method, path, body] of [
      ['GET', '', undefined],
      ['PATCH', '', { enabled: false }],
      ['DELETE', '', undefined],
      ['GET', '/secret', undefined],
      ['POST', '/preview', {}],
      ['POST', '/test', {}],
    ] as const) {
      expectError(await call(`/v1/automations/${created.id}${path}`, { method, token: other.admin, body }), 404, 'not_found');
    }
    expect((await call('/v1/automations', { token: other.admin })).body.data).toEqual([]);
    expect((await call(`/v1/automations/${created.id}`, { token: owner.admin })).body.enabled).toBe(true);
  });

  it('while the integration is off, changes (deleting too) are 403 integration_disabled and reads still work', async () => {
    const account = await createAccount();
    const created = await createAutomation(account);
    await call(`/v1/accounts/${account.id}/http-notifier`, { method: 'PUT', token: OPERATOR, body: { enabled: false } });
    const body = { trigger: 'contact_created', url: sinkUrl('x'), body: '{"a":"{{contact_id}}"}' };
    expectError(await call('/v1/automations', { token: account.admin, body }), 403, 'integration_disabled');
    expectError(await call(`/v1/automations/${created.id}`, { method: 'PATCH', token: account.admin, body: { enabled: false } }), 403, 'integration_disabled');
    expectError(await call(`/v1/automations/${created.id}/test`, { token: account.admin, body: {} }), 403, 'integration_disabled');
    expectError(await call(`/v1/automations/${created.id}`, { method: 'DELETE', token: account.admin }), 403, 'integration_disabled');
    expect((await call(`/v1/automations/${created.id}`, { token: account.admin })).body.enabled).toBe(true);
    expect((await call('/v1/automations', { token: account.admin })).body.data).toHaveLength(1);
  });
});

describe('automation validation', () => {
  const create = async (overrides: Record<string, unknown>) => {
    const account = await createAccount();
    const result = await call('/v1/automations', {
      token: account.admin,
      body: { trigger: 'inbound_call_ended', url: sinkUrl('v'), body: SAMPLE_BODY, ...overrides },
    });
    return { account, result };
  };

  it('rejects the sample body as printed (no outer braces) with its line and column', async () => {
    const { account, result } = await create({ body: SAMPLE_BODY_AS_PRINTED });
    const error = expectError(result, 422, 'validation_failed');
    expect(error.details).toHaveLength(1);
    expect(error.details[0]).toMatchObject({ path: 'body', message: expect.stringMatching(/^JSON syntax error at line 1, column 7/) });
    expect((await call('/v1/automations', { token: account.admin })).body.data).toEqual([]);
  });

  it('names unknown placeholders, refuses partials and delimiter changes', async () => {
    const unknown = expectError((await create({ body: '{"a": "{{customer_phone}}", "b": "{{nope}}"}' })).result, 422, 'validation_failed');
    expect(unknown.details.map((d) => d.message).join('\n')).toMatch(/customer_phone[\s\S]*nope/);
    const partial = expectError((await create({ body: '{"a": "{{> other}}"}' })).result, 422, 'validation_failed');
    expect(partial.details[0]!.message).toMatch(/partial/i);
    const delimiters = expectError((await create({ body: '{"a": "{{=<% %>=}}"}' })).result, 422, 'validation_failed');
    expect(delimiters.details[0]!.message).toMatch(/delimiter/i);
  });

  it('checks XML bodies for well-formedness with line and column', async () => {
    const ok = await create({ format: 'xml', body: '<call><id>{{call_id}}</id></call>' });
    expect(ok.result.status).toBe(201);
    const error = expectError((await create({ format: 'xml', body: '<call>\n  <id>{{call_id}}</call>' })).result, 422, 'validation_failed');
    expect(error.details[0]!.message).toMatch(/XML syntax error at line 2, column \d+/);
    for (const [body, message] of [
      ['<r>&nbsp;{{call_id}}</r>', /^XML syntax error at line 1, column 4: undefined entity &nbsp;/],
      ['<r>&x;</r>', /^XML syntax error at line 1, column 4: undefined entity &x;/],
      ['<a/><b/>', /^XML syntax error at line 1, column 5: a second root element/],
    ] as const) {
      const refused = expectError((await create({ format: 'xml', body })).result, 422, 'validation_failed');
      expect(refused.details).toEqual([{ path: 'body', message: expect.stringMatching(message) }]);
    }
  });

  it('refuses sections nested too deep instead of overflowing the stack at render', async () => {
    const nested = `${'{{#call_id}}'.repeat(2_700)}{{call_id}}${'{{/call_id}}'.repeat(2_700)}`;
    for (const [format, body] of [['json', `{"a": "${nested}"}`], ['xml', `<a>${nested}</a>`]] as const) {
      const error = expectError((await create({ format, body })).result, 422, 'validation_failed');
      expect(error.details).toEqual([{ path: 'body', message: expect.stringMatching(/^sections are nested more than 32 levels deep: .* \(line 1, column \d+\)$/) }]);
    }
  });

  it('refuses a body with a lone surrogate, which could not be stored as written', async () => {
    const error = expectError((await create({ body: '{"a": "{{call_id}} \ud83d"}' })).result, 422, 'validation_failed');
    expect(error.details).toEqual([{ path: 'body', message: expect.stringMatching(/^invalid text at line 1, column 20: a lone UTF-16 surrogate \(U\+D83D\)/) }]);
  });

  it('refuses unsafe URLs at save time', async () => {
    for (const url of ['ftp://example.com/x', 'http://10.0.0.1/x', 'http://169.254.169.254/latest/meta-data', 'http://0x0a000001/', 'http://[::ffff:10.0.0.1]/', 'https://user:pw@example.com/', 'not a url']) {
      const error = expectError((await create({ url })).result, 422, 'validation_failed');
      expect(error.details.map((d) => d.path)).toContain('url');
      expect(JSON.stringify(error)).not.toContain(':pw@');
    }
  });

  it('refuses headers the product sets and malformed ones', async () => {
    const error = expectError(
      (await create({ headers: { 'Content-Type': 'text/plain', 'webhook-id': 'x', 'X-Ok': 'fine', 'X-Bad': 'a\r\nInjected: 1' } })).result,
      422,
      'validation_failed',
    );
    expect(error.details.map((d) => d.path).sort()).toEqual(['headers.Content-Type', 'headers.X-Bad', 'headers.webhook-id']);
  });

  it('refuses a __proto__ header name instead of dropping it, on create and on update', async () => {
    const account = await createAccount();
    const draft = (headers: string) =>
      `{"trigger":"inbound_call_ended","url":${JSON.stringify(sinkUrl('v'))},"body":${JSON.stringify(SAMPLE_BODY)},"headers":${headers}}`;
    const problem = { path: 'headers.__proto__', message: 'header name "__proto__" cannot be used (it cannot be stored as a header map key)' };
    for (const headers of ['{"__proto__":"x","X-Ok":"y"}', '{"__proto__":5}', '{"__proto__":{"X-A":"b"}}']) {
      const error = expectError(await call('/v1/automations', { token: account.admin, rawBody: draft(headers) }), 422, 'validation_failed');
      expect(error.details, headers).toContainEqual(problem);
    }
    expect((await call('/v1/automations', { token: account.admin })).body.data).toEqual([]);

    const created = await createAutomation(account, { headers: { 'X-Ok': 'y' } });
    const patch = await call(`/v1/automations/${created.id}`, { method: 'PATCH', token: account.admin, rawBody: '{"headers":{"__proto__":"x"}}' });
    expect(expectError(patch, 422, 'validation_failed').details).toEqual([problem]);
    expect((await call(`/v1/automations/${created.id}`, { token: account.admin })).body.headers).toEqual({ 'X-Ok': 'y' });
  });

  it('keeps constructor, prototype and toString headers (ordinary names) through save and send', async () => {
    const account = await createAccount();
    const bucket = unique('b');
    const headers = { constructor: 'c', prototype: 'p', toString: 't' };
    const created = await createAutomation(account, { url: sinkUrl(bucket), headers });
    expect(created.headers).toEqual(headers);
    expect((await call(`/v1/automations/${created.id}`, { token: account.admin })).body.headers).toEqual(headers);
    expect((await call(`/v1/automations/${created.id}/test`, { method: 'POST', token: account.admin })).status).toBe(202);
    const [request] = await waitForSink(bucket);
    expect(request!.headers).toMatchObject({ constructor: 'c', prototype: 'p', tostring: 't' });
  });

  it('validates the schema: unknown trigger, action, format, oversized body, extra fields', async () => {
    const account = await createAccount();
    const base = { trigger: 'inbound_call_ended', url: sinkUrl('v'), body: '{"a":"b"}' };
    for (const [patch, path] of [
      [{ trigger: 'call_exploded' }, 'trigger'],
      [{ action: 'send_email' }, 'action'],
      [{ format: 'yaml' }, 'format'],
      [{ body: '' }, 'body'],
      [{ enabled: 'yes' }, 'enabled'],
      [{ colour: 'red' }, ''],
    ] as const) {
      const error = expectError(await call('/v1/automations', { token: account.admin, body: { ...base, ...patch } }), 422, 'validation_failed');
      if (path) expect(error.details.map((d) => d.path)).toContain(path);
    }
    const big = `{"a":"${'x'.repeat(65 * 1024)}"}`;
    const error = expectError(await call('/v1/automations', { token: account.admin, body: { ...base, body: big } }), 422, 'validation_failed');
    expect(error.details[0]!.message).toMatch(/64 KiB/);
    expect((await call('/v1/automations', { token: account.admin })).body.data).toEqual([]);
  });
});

describe('preview', () => {
  it('renders the saved body with the given data over the trigger’s examples; nothing is sent', async () => {
    const account = await createAccount();
    const created = await createAutomation(account);
    const result = await call(`/v1/automations/${created.id}/preview`, {
      token: account.admin,
      body: { data: { call_id: 'he said "hi"\n\\ \u2028 {{agent_id}}', holding_time: 42 } },
    });
    expect(result.status).toBe(200);
    expect(result.body.content_type).toBe('application/json');
    const rendered = JSON.parse(result.body.body);
    expect(rendered.data.call_id).toBe('he said "hi"\n\\ \u2028 {{agent_id}}');
    expect(rendered.data.hold_duration).toBe('42');
    // Fields not given fall back to the catalog's example values.
    expect(rendered.data.agent_id).toMatch(/\S/);
    expect((await call(`/v1/deliveries?automation_id=${created.id}`, { token: account.admin })).body.data).toEqual([]);
  });

  it('previews an unsaved draft, or says what is wrong with it', async () => {
    const account = await createAccount();
    const ok = await call('/v1/automations/preview', {
      token: account.admin,
      body: { trigger: 'contact_created', format: 'xml', body: '<c id="{{contact_id}}">{{contact_name}}</c>', data: { contact_name: 'Ann & <Bob>' } },
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ content_type: 'application/xml', body: expect.stringContaining('Ann &amp; &lt;Bob&gt;') });
    const bad = expectError(
      await call('/v1/automations/preview', { token: account.admin, body: { trigger: 'contact_created', body: '{\n  "a": "{{contact_id}}",\n}' } }),
      422,
      'validation_failed',
    );
    expect(bad.details[0]!.message).toBe("JSON syntax error at line 2, column 24: trailing comma before '}' is not allowed");
  });

  it('answers 422 when the rendered body would exceed MAX_BODY_BYTES (1 MiB by default)', async () => {
    const account = await createAccount();
    // Under the 64 KiB template limit, but 3,000 copies of a 150 KB value would be 450 MB.
    const repeated = '{{call_id}}'.repeat(3_000);
    const data = { call_id: 'x'.repeat(150_000) };
    const expected = [{ path: 'body', message: expect.stringMatching(/^the rendered body would be larger than 1 MiB \(MAX_BODY_BYTES\)/) }];
    for (const [format, body] of [['json', `{"a": "${repeated}"}`], ['xml', `<a>${repeated}</a>`]] as const) {
      const draft = expectError(await call('/v1/automations/preview', { token: account.admin, body: { trigger: 'inbound_call_ended', format, body, data } }), 422, 'validation_failed');
      expect(draft.details).toEqual(expected);
      const saved = await createAutomation(account, { format, body });
      const preview = expectError(await call(`/v1/automations/${saved.id}/preview`, { token: account.admin, body: { data } }), 422, 'validation_failed');
      expect(preview.details).toEqual(expected);
      // The same template with short values renders.
      expect((await call(`/v1/automations/${saved.id}/preview`, { token: account.admin, body: { data: { call_id: 'c' } } })).status).toBe(200);
    }
  });
});
