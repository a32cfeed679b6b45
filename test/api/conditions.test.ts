/**
 * Conditions through the API: stored with the automation and checked against its trigger on
 * save, evaluated at fan-out (no delivery for an event that does not match; the automation's
 * stats count it as filtered), and dry-run over the account's recent events.
 */
import { describe, expect, it } from 'vitest';
import { call, createAccount, createAutomation, expectError, postEvent, sinkRequests, sinkUrl, unique, waitForSink } from '../helpers';

const LONG_CALLS_IN_HOURS = { all: [{ field: 'duration', op: 'gt', value: 60 }, { field: 'in_business_hours', op: 'eq', value: true }] };
const BODY = '{"call": "{{call_id}}", "duration": "{{duration}}"}';

const ended = (call_id: string, data: Record<string, unknown>) => ({ type: 'inbound_call_ended', data: { call_id, ...data } });

describe('conditions on the automation', () => {
  it('are stored, read, listed, changed by PATCH, left alone by other changes and cleared with null', async () => {
    const account = await createAccount();
    const plain = await createAutomation(account);
    expect(plain.conditions).toBeNull();
    const created = await createAutomation(account, { body: BODY, conditions: LONG_CALLS_IN_HOURS });
    expect(created.conditions).toEqual(LONG_CALLS_IN_HOURS);
    expect((await call(`/v1/automations/${created.id}`, { token: account.admin })).body.conditions).toEqual(LONG_CALLS_IN_HOURS);
    const list = await call('/v1/automations', { token: account.admin });
    expect(list.body.data.map((a: { conditions: unknown }) => a.conditions)).toEqual([null, LONG_CALLS_IN_HOURS]);

    const csatLow = { any: [{ field: 'duration', op: 'in', value: [1, 2] }] };
    const changed = await call(`/v1/automations/${created.id}`, { method: 'PATCH', token: account.admin, body: { conditions: csatLow } });
    expect(changed).toMatchObject({ status: 200, body: { conditions: csatLow } });
    const renamed = await call(`/v1/automations/${created.id}`, { method: 'PATCH', token: account.admin, body: { name: 'renamed' } });
    expect(renamed.body.conditions).toEqual(csatLow);
    const cleared = await call(`/v1/automations/${created.id}`, { method: 'PATCH', token: account.admin, body: { conditions: null } });
    expect(cleared).toMatchObject({ status: 200, body: { conditions: null } });
  });

  it('bad input is a 422 naming the path, and nothing is stored', async () => {
    const account = await createAccount();
    const create = (conditions: unknown) =>
      call('/v1/automations', { token: account.admin, body: { trigger: 'inbound_call_ended', url: sinkUrl('never'), body: BODY, conditions } });
    const refused = async (conditions: unknown) => expectError(await create(conditions), 422, 'validation_failed').details;

    expect(await refused({ all: [{ field: 'durration', op: 'gt', value: 60 }] })).toEqual([
      { path: 'conditions.all.0.field', message: expect.stringContaining('"durration" is not a field of the trigger "inbound_call_ended"') },
    ]);
    expect(await refused({ all: [{ field: 'in_business_hours', op: 'contains', value: 'x' }] })).toEqual([
      { path: 'conditions.all.0.op', message: expect.stringContaining('"contains" does not fit the boolean field "in_business_hours"') },
    ]);
    expect(await refused({ any: [{ field: 'duration', op: 'gt', value: 60 }, { all: [{ field: 'duration', op: 'lt', value: '90' }] }] })).toEqual([
      { path: 'conditions.any.1.all.0.value', message: 'the value must be a number: the field is compared as a number' },
    ]);
    expect((await refused({ all: [{ field: 'agent_id', op: 'in', value: Array.from({ length: 101 }, (_, i) => `A${i}`) }] }))[0]!.path).toBe('conditions.all.0.value');
    expect((await refused({ all: [{ field: 'agent_id', op: 'regex', value: '^A' }] }))[0]!.path).toBe('conditions.all.0.op');
    expect((await refused({ all: [{ any: [{ all: [{ any: [{ field: 'agent_id', op: 'exists' }] }] }] }] }))).toEqual([
      { path: 'conditions.all.0.any.0.all.0.any', message: 'groups nest at most 3 deep' },
    ]);
    expect((await refused({ all: Array.from({ length: 21 }, () => ({ field: 'duration', op: 'gt', value: 1 })) }))).toEqual([
      { path: 'conditions.all', message: 'at most 20 conditions in all' },
    ]);
    for (const malformed of ['duration > 60', [], { all: 'x' }, { field: 'duration', op: 'gt', value: 60 }, { all: [], any: [] }]) {
      const details = await refused(malformed);
      expect(details.length, JSON.stringify(malformed)).toBeGreaterThan(0);
      for (const d of details) expect(d.path, JSON.stringify(malformed)).toMatch(/^conditions(\.|$)/);
    }
    expect((await call('/v1/automations', { token: account.admin })).body.data).toEqual([]);
  });

  it('a trigger change re-checks the conditions against the new trigger’s fields', async () => {
    const account = await createAccount();
    const created = await createAutomation(account, { body: '{"event": "{{event}}"}', conditions: { all: [{ field: 'duration', op: 'gt', value: 60 }] } });
    const refused = expectError(
      await call(`/v1/automations/${created.id}`, { method: 'PATCH', token: account.admin, body: { trigger: 'agent_logged_in' } }),
      422, 'validation_failed',
    );
    expect(refused.details).toEqual([{ path: 'conditions.all.0.field', message: expect.stringContaining('not a field of the trigger "agent_logged_in"') }]);
    const stale = expectError(
      await call(`/v1/automations/${created.id}`, { method: 'PATCH', token: account.admin, body: { conditions: { all: [{ field: 'agent_status', op: 'exists' }] } } }),
      422, 'validation_failed',
    );
    expect(stale.details.map((d) => d.path)).toEqual(['conditions.all.0.field']);
    expect((await call(`/v1/automations/${created.id}`, { token: account.admin })).body.conditions).toEqual({ all: [{ field: 'duration', op: 'gt', value: 60 }] });
  });
});

describe('fan-out', () => {
  it('an event that does not match makes no delivery and counts as filtered; numeric text, booleans as text, missing fields', async () => {
    const account = await createAccount();
    const filteredBucket = unique('cond');
    const everyBucket = unique('every');
    const conditional = await createAutomation(account, { body: BODY, url: sinkUrl(filteredBucket), conditions: LONG_CALLS_IN_HOURS });
    const every = await createAutomation(account, { body: BODY, url: sinkUrl(everyBucket) });

    const events = [
      ended('CA-long', { duration: '90', in_business_hours: 'true' }), // matches: numeric text, boolean as text
      ended('CA-num', { duration: 61, in_business_hours: true }), // matches
      ended('CA-short', { duration: '60', in_business_hours: 'true' }), // 60 is not > 60
      ended('CA-text', { duration: '100', in_business_hours: 'false' }), // "100" > 60 as a number, but after hours
      ended('CA-none', { in_business_hours: 'true' }), // no duration: fails gt
      ended('CA-null', { duration: null, in_business_hours: 'true' }),
    ];
    const answers = [];
    for (const event of events) answers.push((await postEvent(account, event)).body.deliveries);
    expect(answers).toEqual([2, 2, 1, 1, 1, 1]);

    const received = await waitForSink(filteredBucket, 2);
    await waitForSink(everyBucket, events.length);
    expect(received.map((r) => JSON.parse(r.body).call).sort()).toEqual(['CA-long', 'CA-num']);
    const mine = await call(`/v1/deliveries?automation_id=${conditional.id}`, { token: account.admin });
    expect(mine.body.data).toHaveLength(2);
    expect((await call(`/v1/deliveries?automation_id=${every.id}`, { token: account.admin })).body.data).toHaveLength(events.length);

    const stats = await call(`/v1/automations/${conditional.id}/stats`, { token: account.admin });
    expect(stats.body.counts).toMatchObject({ filtered: 4 });
    expect(stats.body.series.points.reduce((n: number, p: { filtered: number }) => n + p.filtered, 0)).toBe(4);
    expect((await call(`/v1/automations/${every.id}/stats`, { token: account.admin })).body.counts.filtered).toBe(0);
    expect((await call('/v1/account/stats', { token: account.admin })).body.counts.filtered).toBe(4);
    // Nothing more arrives for the filtered events.
    expect(await sinkRequests(filteredBucket)).toHaveLength(2);
  });

  it('ne and not_exists match a missing field; a duplicate event is not counted twice; a conditions change reaches the next event', async () => {
    const account = await createAccount();
    const bucket = unique('cond-ne');
    const created = await createAutomation(account, {
      body: BODY, url: sinkUrl(bucket),
      conditions: { any: [{ field: 'hangup', op: 'ne', value: 'agent' }, { field: 'agent_id', op: 'not_exists' }] },
    });
    const id = unique('evt');
    expect((await postEvent(account, { id, ...ended('CA1', { agent_id: 'AG1' }) })).body.deliveries).toBe(1); // hangup missing: ne holds
    expect((await postEvent(account, ended('CA2', { agent_id: 'AG1', hangup: 'agent' }))).body.deliveries).toBe(0);
    expect((await postEvent(account, ended('CA3', { hangup: 'agent' }))).body.deliveries).toBe(1); // no agent_id
    expect((await postEvent(account, { id, ...ended('CA1', { agent_id: 'AG1' }) })).body).toMatchObject({ duplicate: true, deliveries: 0 });

    expect((await call(`/v1/automations/${created.id}`, { method: 'PATCH', token: account.admin, body: { conditions: { all: [{ field: 'hangup', op: 'eq', value: 'agent' }] } } })).status).toBe(200);
    expect((await postEvent(account, ended('CA4', { agent_id: 'AG1', hangup: 'agent' }))).body.deliveries).toBe(1);
    expect((await postEvent(account, ended('CA5', { agent_id: 'AG1' }))).body.deliveries).toBe(0);
    expect((await waitForSink(bucket, 3)).map((r) => JSON.parse(r.body).call).sort()).toEqual(['CA1', 'CA3', 'CA4']);
    expect((await call(`/v1/automations/${created.id}/stats`, { token: account.admin })).body.counts.filtered).toBe(2);
  });

  it('a replay to every automation of the trigger skips those whose conditions the event does not meet', async () => {
    const account = await createAccount();
    const long = await createAutomation(account, { body: BODY, conditions: { all: [{ field: 'duration', op: 'gte', value: 60 }] } });
    const every = await createAutomation(account, { body: BODY });
    const posted = await postEvent(account, ended('CA1', { duration: '30' }));
    const replayed = await call(`/v1/events/${posted.body.event_id}/replay`, { token: account.admin, body: {} });
    expect(replayed).toMatchObject({ status: 202, body: { deliveries: 1 } });
    const named = await call(`/v1/events/${posted.body.event_id}/replay`, { token: account.admin, body: { automation_ids: [long.id] } });
    expect(named).toMatchObject({ status: 202, body: { deliveries: 1 } });
    expect((await call(`/v1/deliveries?automation_id=${every.id}`, { token: account.admin })).body.data).toHaveLength(2);
  });
});

describe('POST /v1/automations/conditions/dry-run', () => {
  const dryRun = (token: string, body: unknown) => call('/v1/automations/conditions/dry-run', { token, body });

  it('counts the most recent stored events of the trigger the conditions match, newest first', async () => {
    const account = await createAccount();
    // No automation: the events are stored all the same, and a dry run reads them.
    const durations = [10, 90, '120', 30, '61', 200, 'n/a'];
    // Ids that sort as posted: two events received in the same millisecond are ordered by id.
    const prefix = unique('evt');
    const ids = durations.map((_, i) => `${prefix}-${i}`);
    for (const [i, duration] of durations.entries()) {
      expect((await postEvent(account, { id: ids[i], ...ended(`CA${i}`, { duration }) })).status).toBe(202);
    }
    await postEvent(account, { type: 'call_abandoned', data: { call_id: 'CAx', waiting_time: '500' } });

    const all = await dryRun(account.admin, { trigger: 'inbound_call_ended', conditions: { all: [{ field: 'duration', op: 'gt', value: 60 }] } });
    expect(all).toMatchObject({ status: 200, body: { examined: 7, matched: 4 } });
    expect(all.body.sample_event_ids).toEqual([ids[5], ids[4], ids[2], ids[1]]);

    const recent = await dryRun(account.admin, { trigger: 'inbound_call_ended', conditions: { all: [{ field: 'duration', op: 'gt', value: 60 }] }, limit: 3 });
    expect(recent.body).toEqual({ examined: 3, matched: 2, sample_event_ids: [ids[5], ids[4]] });
    const none = await dryRun(account.admin, { trigger: 'csat_score_received', conditions: { all: [{ field: 'csat_score', op: 'lte', value: 2 }] } });
    expect(none.body).toEqual({ examined: 0, matched: 0, sample_event_ids: [] });
  });

  it('test sends are left out', async () => {
    const account = await createAccount();
    const created = await createAutomation(account, { body: BODY, enabled: false });
    expect((await call(`/v1/automations/${created.id}/test`, { token: account.admin, body: { data: { duration: '500' } } })).status).toBe(202);
    const result = await dryRun(account.admin, { trigger: 'inbound_call_ended', conditions: { all: [{ field: 'duration', op: 'exists' }] } });
    expect(result.body).toEqual({ examined: 0, matched: 0, sample_event_ids: [] });
  });

  it('bad input is a 422 naming the path; the integration off is 403; only admins', async () => {
    const account = await createAccount();
    const bad = expectError(await dryRun(account.admin, { trigger: 'inbound_call_ended', conditions: { all: [{ field: 'nope', op: 'exists' }] } }), 422, 'validation_failed');
    expect(bad.details).toEqual([{ path: 'conditions.all.0.field', message: expect.stringContaining('"nope" is not a field') }]);
    const limit = expectError(await dryRun(account.admin, { trigger: 'inbound_call_ended', conditions: { all: [{ field: 'duration', op: 'exists' }] }, limit: 1001 }), 422, 'validation_failed');
    expect(limit.details.map((d) => d.path)).toEqual(['limit']);
    const missing = expectError(await dryRun(account.admin, { trigger: 'inbound_call_ended' }), 422, 'validation_failed');
    expect(missing.details.map((d) => d.path)).toEqual(['conditions']);
    const trigger = expectError(await dryRun(account.admin, { trigger: 'nope', conditions: { all: [{ field: 'x', op: 'exists' }] } }), 422, 'validation_failed');
    expect(trigger.details.map((d) => d.path)).toEqual(['trigger']);
    expectError(await dryRun(account.events, { trigger: 'inbound_call_ended', conditions: { all: [{ field: 'duration', op: 'exists' }] } }), 403, 'forbidden');

    const off = await createAccount({ enabled: false });
    expectError(await dryRun(off.admin, { trigger: 'inbound_call_ended', conditions: { all: [{ field: 'duration', op: 'exists' }] } }), 403, 'integration_disabled');
  });
});
