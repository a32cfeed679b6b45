/**
 * Values an event can carry that no delivery could send faithfully: a business key too long to
 * order or index by, and a value nested too deep to render. Each is refused where it comes in,
 * naming its field, and one stored before these rules fails its delivery saying why.
 */
import { describe, expect, it } from 'vitest';
import { attempts, deliver, row, seedDeliveries } from '../delivery/support';
import { call, createAccount, createAutomation, expectError, sinkRequests, sinkUrl, unique } from '../helpers';

/** An array nested `depth` levels deep around one text. */
const nested = (depth: number): unknown => {
  let value: unknown = 'Ana';
  for (let i = 0; i < depth; i++) value = [value];
  return value;
};

describe('business keys longer than 128 characters', () => {
  it('are refused on ingestion naming the field, and nothing is stored', async () => {
    const account = await createAccount();
    await createAutomation(account, { ordering: 'per_call' });
    const id = unique('evt');
    for (const key of ['call_id', 'contact_id', 'interaction_id', 'agent_id']) {
      const refused = expectError(await call('/v1/events', {
        token: account.events, body: { id, type: 'inbound_call_ended', data: { [key]: 'C'.repeat(200) } },
      }), 422, 'validation_failed');
      expect(refused.details).toEqual([{ path: `data.${key}`, message: `${key} is 200 characters; a business key has at most 128 (it indexes, orders and partitions the event's deliveries)` }]);
    }
    // 128 characters is a key like any other; the id refused above was never stored.
    const accepted = await call('/v1/events', { token: account.events, body: { id, type: 'inbound_call_ended', data: { call_id: 'C'.repeat(128) } } });
    expect(accepted.status).toBe(202);
    expect(accepted.body.duplicate).toBe(false);
    const found = await call(`/v1/deliveries?call_id=${'C'.repeat(128)}`, { token: account.admin });
    expect(found.body.data).toHaveLength(1);
  });

  it('reject only that event of a batch', async () => {
    const account = await createAccount();
    const events = [
      { type: 'inbound_call_ended', data: { call_id: 'CA1' } },
      { type: 'inbound_call_ended', data: { call_id: ` ${'x'.repeat(129)} ` } },
    ];
    const { body } = await call('/v1/events/batch', { token: account.events, body: { events } });
    expect(body.results.map((r: { status: string }) => r.status)).toEqual(['accepted', 'rejected']);
    expect(body.results[1].error.details).toEqual([{ path: 'data.call_id', message: expect.stringMatching(/^call_id is 129 characters/) }]);
  });
});

describe('values nested too deep to render', () => {
  it('are refused on ingestion naming the field; 64 levels are rendered in full', async () => {
    const account = await createAccount();
    for (const depth of [65, 3_000, 100_000]) {
      const refused = expectError(await call('/v1/events', {
        token: account.events, body: { type: 'inbound_call_ended', data: { call_id: 'CA1', contact_name: nested(depth) } },
      }), 422, 'validation_failed');
      expect(refused.details).toEqual([{ path: 'data.contact_name', message: 'cannot be rendered: arrays and objects nest more than 64 levels deep in it' }]);
    }
    const batch = await call('/v1/events/batch', { token: account.events, body: { events: [{ type: 'inbound_call_ended', data: { contact_name: nested(3_000) } }] } });
    expect(batch.body.results[0]).toMatchObject({ status: 'rejected', error: { details: [{ path: 'data.contact_name' }] } });
    const deepest = await call('/v1/automations/preview', {
      token: account.admin, body: { trigger: 'inbound_call_ended', body: '{"name":"{{contact_name}}"}', data: { contact_name: nested(64) } },
    });
    expect(JSON.parse(deepest.body.body).name).toBe(JSON.stringify(nested(64)));
  });

  it('are refused by both previews and a test send, never rendered as empty text', async () => {
    const account = await createAccount();
    const automation = await createAutomation(account, { body: '{"name":"{{contact_name}}"}' });
    const data = { contact_name: nested(3_000) };
    const draft = await call('/v1/automations/preview', { token: account.admin, body: { trigger: 'inbound_call_ended', body: '<a>{{contact_name}}</a>', format: 'xml', data } });
    const saved = await call(`/v1/automations/${automation.id}/preview`, { token: account.admin, body: { data } });
    const test = await call(`/v1/automations/${automation.id}/test`, { token: account.admin, body: { data } });
    for (const answer of [draft, saved, test]) {
      expect(expectError(answer, 422, 'validation_failed').details).toEqual([{ path: 'data.contact_name', message: expect.stringMatching(/nest more than 64 levels/) }]);
    }
  });

  it('stored before this rule, fail their delivery with the reason and send nothing', async () => {
    const account = await createAccount();
    const bucket = unique('deep');
    await createAutomation(account, { url: sinkUrl(bucket), body: '{"name":"{{contact_name}}"}' });
    const ids = await seedDeliveries(account, { call_id: 'CA1', contact_name: nested(3_000) });
    await deliver(ids);
    for (const id of ids) {
      const failed = (await row(id))!;
      expect(failed.status).toBe('failed');
      expect(failed.last_error).toBe('the body could not be rendered: the value of "contact_name" cannot be rendered: arrays and objects nest more than 64 levels deep in it');
      expect((await attempts(id))[0]).toMatchObject({ status_code: null });
    }
    expect(await sinkRequests(bucket)).toEqual([]);
  });
});

describe('XML that is not well-formed', () => {
  it('is refused on save and in a draft preview, with line and column', async () => {
    const account = await createAccount();
    for (const body of ['<a b="<"/>', '<a>]]{{call_id}}></a>', '<a>\u0001</a>', '<a><!-- a -- b --></a>', '<a><?XML x?></a>', '<?xml version="1.0" standalone="maybe"?><a/>']) {
      const saved = expectError(await call('/v1/automations', { token: account.admin, body: { trigger: 'inbound_call_ended', url: sinkUrl('x'), format: 'xml', body } }), 422, 'validation_failed');
      expect(saved.details[0], body).toEqual({ path: 'body', message: expect.stringMatching(/line 1, column \d+: /) });
      const preview = await call('/v1/automations/preview', { token: account.admin, body: { trigger: 'inbound_call_ended', format: 'xml', body } });
      expect(expectError(preview, 422, 'validation_failed').details).toEqual(saved.details);
    }
  });

  it('once rendered with the values given: the preview is a 422 and the delivery fails with nothing sent', async () => {
    const account = await createAccount();
    const bucket = unique('xml');
    const automation = await createAutomation(account, { url: sinkUrl(bucket), format: 'xml', body: '<call>\n  <id>{{call_id}}></id>\n</call>' });
    const expected = "the rendered XML is not well-formed (line 2, column 9: ']]>' cannot appear in text (it ends a CDATA section): write ']]&gt;')";
    const preview = expectError(await call(`/v1/automations/${automation.id}/preview`, { token: account.admin, body: { data: { call_id: 'CA]]' } } }), 422, 'validation_failed');
    expect(preview.details).toEqual([{ path: 'body', message: `${expected} with this data; a delivery with these values would fail` }]);
    const ids = await seedDeliveries(account, { call_id: 'CA]]' });
    await deliver(ids);
    const failed = (await row(ids[0]!))!;
    expect(failed.status).toBe('failed');
    expect(failed.last_error).toBe(`${expected} with this event's values; nothing was sent`);
    expect((await attempts(ids[0]!))).toHaveLength(1);
    expect(await sinkRequests(bucket)).toEqual([]);
  });
});
