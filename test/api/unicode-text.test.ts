import { describe, expect, it } from 'vitest';
import { call, createAccount, createAutomation, expectError, OPERATOR, sinkUrl, unique } from '../helpers';

// Raw JSON text: `\ud800` is a JSON escape that JSON.parse turns into a lone surrogate.
const LONE = '\\ud800';
const LONE_LOW = '\\udfff';
const PAIR = '\\ud83d\\ude00'; // 😀, valid

const json = (fields: Record<string, string>) => `{${Object.entries(fields).map(([k, v]) => `${JSON.stringify(k)}: ${v}`).join(', ')}}`;

function expectRefused(result: { status: number; body: any }, path: string) {
  const error = expectError(result, 422, 'validation_failed');
  expect(error.details).toContainEqual({ path, message: expect.stringMatching(/lone UTF-16 surrogate/) });
}

describe('text with a lone UTF-16 surrogate', () => {
  it('is refused in automation names, URLs and header names and values, naming the field', async () => {
    const account = await createAccount();
    const base = { trigger: '"inbound_call_ended"', url: JSON.stringify(sinkUrl('u')), body: JSON.stringify('{"a":"{{call_id}}"}') };
    const create = (fields: Record<string, string>) => call('/v1/automations', { token: account.admin, rawBody: json({ ...base, ...fields }) });
    expectRefused(await create({ name: `"bad ${LONE} name"` }), 'name');
    expectRefused(await create({ name: `"${LONE_LOW}"` }), 'name');
    expectRefused(await create({ url: JSON.stringify(`${sinkUrl('u')}?q=`).replace(/"$/, `${LONE}"`) }), 'url');
    expectRefused(await create({ headers: `{"X-Note": "a${LONE}b"}` }), 'headers.X-Note');
    const badName = expectError(await create({ headers: `{"X-${LONE}": "v"}` }), 422, 'validation_failed');
    expect(badName.details.map((d) => d.path).join()).toContain('headers');
    expect((await call('/v1/automations', { token: account.admin })).body.data).toEqual([]);

    const automation = await createAutomation(account);
    const patch = (raw: string) => call(`/v1/automations/${automation.id}`, { method: 'PATCH', token: account.admin, rawBody: raw });
    expectRefused(await patch(`{"name": "x${LONE}"}`), 'name');
    expect((await call(`/v1/automations/${automation.id}`, { token: account.admin })).body.name).toBe('Call ended');
  });

  it('is refused in account and API key names', async () => {
    expectRefused(await call('/v1/accounts', { token: OPERATOR, rawBody: `{"name": "Acme ${LONE}"}` }), 'name');
    const account = await createAccount();
    expectRefused(await call(`/v1/accounts/${account.id}/api-keys`, { token: OPERATOR, rawBody: `{"role": "admin", "name": "${LONE}"}` }), 'name');
  });

  it('while surrogate pairs (emoji and other astral characters) are kept exactly', async () => {
    const id = unique('acct');
    const created = await call('/v1/accounts', { token: OPERATOR, rawBody: `{"id": "${id}", "name": "Acme ${PAIR}"}` });
    expect(created.status).toBe(201);
    expect((await call(`/v1/accounts/${id}`, { token: OPERATOR })).body.name).toBe('Acme \u{1F600}');
    const account = await createAccount();
    const automation = await createAutomation(account, { name: 'Calls \u{1F4DE}' });
    expect((await call(`/v1/automations/${automation.id}`, { token: account.admin })).body.name).toBe('Calls \u{1F4DE}');
  });
});
