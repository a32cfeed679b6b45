/**
 * Field redaction through the API: stored with the automation, checked against its trigger,
 * applied to previews, test sends and real deliveries, and never in the attempt log.
 */
import { describe, expect, it } from 'vitest';
import { findTrigger } from '../../src/catalog';
import { MAX_REDACTIONS } from '../../src/domain/redaction';
import { storedEvent } from '../delivery/support';
import { call, createAccount, createAutomation, expectError, postEvent, sinkUrl, unique, waitForDelivery, waitForSink } from '../helpers';

const PHONE = '+351961918192';
const EMAIL = 'jane.doe@example.com';
const BODY = '{"phone": "{{contact_phone_number}}", "email": "{{contact_email}}", "call": "{{call_id}}"}';
const REDACT = { contact_phone_number: 'last4', contact_email: 'hide' };
const EXAMPLES = findTrigger('inbound_call_ended')!.examples;

describe('redact on the automation', () => {
  it('is stored, read, listed, changed by PATCH and cleared with {}', async () => {
    const account = await createAccount();
    const plain = await createAutomation(account);
    expect(plain.redact).toEqual({});
    const created = await createAutomation(account, { body: BODY, redact: REDACT });
    expect(created.redact).toEqual(REDACT);
    expect((await call(`/v1/automations/${created.id}`, { token: account.admin })).body.redact).toEqual(REDACT);
    const list = await call('/v1/automations', { token: account.admin });
    expect(list.body.data.map((a: { redact: unknown }) => a.redact)).toEqual([{}, REDACT]);

    const changed = await call(`/v1/automations/${created.id}`, { method: 'PATCH', token: account.admin, body: { redact: { contact_email: 'last4' } } });
    expect(changed).toMatchObject({ status: 200, body: { redact: { contact_email: 'last4' } } });
    // Other changes leave it alone.
    const renamed = await call(`/v1/automations/${created.id}`, { method: 'PATCH', token: account.admin, body: { name: 'renamed' } });
    expect(renamed.body.redact).toEqual({ contact_email: 'last4' });
    const cleared = await call(`/v1/automations/${created.id}`, { method: 'PATCH', token: account.admin, body: { redact: {} } });
    expect(cleared.body.redact).toEqual({});
  });

  it('a trigger change re-checks redact against the new trigger’s fields', async () => {
    const account = await createAccount();
    // Every trigger has `event`, so the body fits both triggers; only redact does not.
    const created = await createAutomation(account, { body: '{"event": "{{event}}"}', redact: { contact_email: 'hide' } });
    const refused = expectError(
      await call(`/v1/automations/${created.id}`, { method: 'PATCH', token: account.admin, body: { trigger: 'agent_logged_in' } }),
      422,
      'validation_failed',
    );
    expect(refused.details).toEqual([{ path: 'redact.contact_email', message: expect.stringContaining('"contact_email" is not a field of the trigger "agent_logged_in"') }]);
    expect((await call(`/v1/automations/${created.id}`, { token: account.admin })).body).toMatchObject({ trigger: 'inbound_call_ended', redact: { contact_email: 'hide' } });
    const moved = await call(`/v1/automations/${created.id}`, {
      method: 'PATCH', token: account.admin, body: { trigger: 'agent_logged_in', redact: { agent_email: 'last4' } },
    });
    expect(moved).toMatchObject({ status: 200, body: { trigger: 'agent_logged_in', redact: { agent_email: 'last4' } } });
    // And a redact change is checked against the current trigger.
    const stale = expectError(
      await call(`/v1/automations/${created.id}`, { method: 'PATCH', token: account.admin, body: { redact: { contact_phone_number: 'last4' } } }),
      422,
      'validation_failed',
    );
    expect(stale.details.map((d) => d.path)).toEqual(['redact.contact_phone_number']);
  });

  it('bad input is a clear 422 naming the place', async () => {
    const account = await createAccount();
    const create = (redact: unknown) =>
      call('/v1/automations', { token: account.admin, body: { trigger: 'inbound_call_ended', url: sinkUrl('never'), body: BODY, redact } });
    const unknownField = expectError(await create({ contact_email: 'hide', caller_ssn: 'hide', phone: 'last4' }), 422, 'validation_failed');
    expect(unknownField.details).toEqual([
      { path: 'redact.caller_ssn', message: expect.stringContaining('"caller_ssn" is not a field of the trigger "inbound_call_ended"; see GET /v1/triggers') },
      { path: 'redact.phone', message: expect.stringContaining('"phone" is not a field') },
    ]);
    const badMode = expectError(await create({ contact_email: 'mask' }), 422, 'validation_failed');
    expect(badMode.details).toEqual([{ path: 'redact.contact_email', message: expect.stringMatching(/last4.*hide/) }]);
    for (const notAnObject of ['hide', ['contact_email'], null, 4]) {
      const error = expectError(await create(notAnObject), 422, 'validation_failed');
      expect(error.details.map((d) => d.path), JSON.stringify(notAnObject)).toEqual(['redact']);
    }
    const proto = expectError(await call('/v1/automations', {
      token: account.admin,
      rawBody: `{"trigger": "inbound_call_ended", "url": "${sinkUrl('never')}", "body": ${JSON.stringify(BODY)}, "redact": {"__proto__": "hide"}}`,
    }), 422, 'validation_failed');
    expect(proto.details).toContainEqual({ path: 'redact.__proto__', message: expect.stringContaining('not a field') });
    const many = Object.fromEntries(Array.from({ length: MAX_REDACTIONS + 1 }, (_, i) => [`field_${i}`, 'hide']));
    const tooMany = expectError(await create(many), 422, 'validation_failed');
    expect(tooMany.details).toEqual([{ path: 'redact', message: expect.stringContaining(`at most ${MAX_REDACTIONS}`) }]);
    expect((await call('/v1/automations', { token: account.admin })).body.data).toEqual([]);

    const created = await createAutomation(account, { body: BODY });
    const patch = expectError(await call(`/v1/automations/${created.id}`, { method: 'PATCH', token: account.admin, body: { redact: { contact_email: 'HIDE' } } }), 422, 'validation_failed');
    expect(patch.details.map((d) => d.path)).toEqual(['redact.contact_email']);
  });
});

describe('previews are redacted', () => {
  it('the saved automation’s preview redacts the example values and the given data', async () => {
    const account = await createAccount();
    const created = await createAutomation(account, { body: BODY, redact: REDACT });
    const examples = await call(`/v1/automations/${created.id}/preview`, { token: account.admin, body: {} });
    expect(examples.status).toBe(200);
    expect(JSON.parse(examples.body.body)).toEqual({
      phone: '*'.repeat(EXAMPLES.contact_phone_number!.length - 4) + EXAMPLES.contact_phone_number!.slice(-4),
      email: '',
      call: EXAMPLES.call_id,
    });
    const given = await call(`/v1/automations/${created.id}/preview`, { token: account.admin, body: { data: { contact_phone_number: PHONE, contact_email: EMAIL } } });
    expect(JSON.parse(given.body.body)).toMatchObject({ phone: '*********8192', email: '' });
    expect(given.body.body).not.toContain('961918');
  });

  it('the draft preview takes an optional redact, checked against the trigger', async () => {
    const account = await createAccount();
    const draft = (extra: Record<string, unknown>) =>
      call('/v1/automations/preview', { token: account.admin, body: { trigger: 'inbound_call_ended', body: BODY, data: { contact_phone_number: PHONE, contact_email: EMAIL }, ...extra } });
    expect(JSON.parse((await draft({})).body.body)).toMatchObject({ phone: PHONE, email: EMAIL });
    const redacted = await draft({ redact: { contact_phone_number: 'hide', contact_email: 'last4' } });
    expect(redacted.status).toBe(200);
    expect(JSON.parse(redacted.body.body)).toMatchObject({ phone: '', email: '****************.com' });
    const unknown = expectError(await draft({ redact: { caller_ssn: 'hide' } }), 422, 'validation_failed');
    expect(unknown.details).toEqual([{ path: 'redact.caller_ssn', message: expect.stringContaining('not a field') }]);
    expect(expectError(await draft({ redact: { contact_email: 'mask' } }), 422, 'validation_failed').details.map((d) => d.path)).toEqual(['redact.contact_email']);
    expect(expectError(await draft({ redact: 'hide' }), 422, 'validation_failed').details.map((d) => d.path)).toEqual(['redact']);
  });
});

describe('deliveries are redacted', () => {
  it('the webhook body and the attempt log carry only the redacted values; the stored event keeps the original', async () => {
    const account = await createAccount();
    // The sink echoes the body back, so the attempt log stores what was sent.
    const bucket = unique('redact');
    const created = await createAutomation(account, { body: BODY, redact: REDACT, url: sinkUrl(bucket, 'echo=1') });
    const posted = await postEvent(account, { type: 'inbound_call_ended', data: { call_id: 'CA42', contact_phone_number: PHONE, contact_email: EMAIL } });
    expect(posted.status).toBe(202);
    const [request] = await waitForSink(bucket);
    expect(JSON.parse(request!.body)).toEqual({ phone: '*********8192', email: '', call: 'CA42' });

    const list = await call(`/v1/deliveries?automation_id=${created.id}`, { token: account.admin });
    const delivery = await waitForDelivery(account, list.body.data[0].id, ['succeeded']);
    expect(delivery.attempts).toHaveLength(1);
    expect(delivery.attempts[0].response_body).toBe(request!.body);
    for (const raw of [PHONE, '961918', EMAIL]) expect(JSON.stringify(delivery)).not.toContain(raw);

    // The event itself is the platform's record and stays whole (not served by the API).
    const stored = await storedEvent(account, posted.body.event_id);
    expect(JSON.parse(stored)).toMatchObject({ contact_phone_number: PHONE, contact_email: EMAIL });
  });

  it('a test send is redacted, with the example values and with given data', async () => {
    const account = await createAccount();
    const bucket = unique('redact-test');
    const created = await createAutomation(account, { body: BODY, redact: REDACT, url: sinkUrl(bucket), enabled: false });
    expect((await call(`/v1/automations/${created.id}/test`, { token: account.admin, body: {} })).status).toBe(202);
    expect((await call(`/v1/automations/${created.id}/test`, { token: account.admin, body: { data: { contact_phone_number: PHONE, contact_email: EMAIL } } })).status).toBe(202);
    const requests = await waitForSink(bucket, 2);
    const bodies = requests.map((r) => JSON.parse(r.body) as Record<string, string>);
    expect(bodies).toContainEqual({ phone: '*'.repeat(EXAMPLES.contact_phone_number!.length - 4) + EXAMPLES.contact_phone_number!.slice(-4), email: '', call: EXAMPLES.call_id });
    expect(bodies).toContainEqual({ phone: '*********8192', email: '', call: EXAMPLES.call_id });
    for (const r of requests) expect(r.body).not.toContain(EMAIL);
  });

  it('a redact change reaches the next delivery', async () => {
    const account = await createAccount();
    const bucket = unique('redact-change');
    const created = await createAutomation(account, { body: BODY, url: sinkUrl(bucket) });
    await postEvent(account, { type: 'inbound_call_ended', data: { contact_phone_number: PHONE, contact_email: EMAIL } });
    await waitForSink(bucket, 1);
    expect((await call(`/v1/automations/${created.id}`, { method: 'PATCH', token: account.admin, body: { redact: { contact_email: 'hide' } } })).status).toBe(200);
    await postEvent(account, { type: 'inbound_call_ended', data: { contact_phone_number: PHONE, contact_email: EMAIL } });
    const requests = await waitForSink(bucket, 2);
    const bodies = requests.map((r) => JSON.parse(r.body) as Record<string, string>);
    expect(bodies.map((b) => b.email).sort()).toEqual(['', EMAIL]);
  });
});
