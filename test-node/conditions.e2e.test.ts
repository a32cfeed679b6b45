/**
 * The condition builder in a real browser (issue #17): below the trigger, fields from the
 * trigger's list and operators for the field's type; the dry run's "would have matched N of the
 * last M" follows each edit; saving stores the conditions, the API's checks appear on their row,
 * and only matching events are delivered. The fields panel links the trigger's JSON Schema.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from './support/api-client';
import { startConsole, type ConsoleFixture } from './support/console-fixture';

let ui: ConsoleFixture;
let taskId = '';

// Ten calls: durations as numbers or as numeric text, half of them in business hours.
const CALLS = [
  { duration: '30', in_business_hours: 'true' }, { duration: 95, in_business_hours: 'true' }, { duration: '120', in_business_hours: 'false' },
  { duration: '61', in_business_hours: 'true' }, { duration: 10, in_business_hours: 'false' }, { duration: '200', in_business_hours: 'true' },
  { duration: '45', in_business_hours: 'true' }, { duration: 600, in_business_hours: 'false' }, { in_business_hours: 'true' }, { duration: '75', in_business_hours: 'false' },
];

beforeAll(async () => {
  ui = await startConsole('e2e-conditions');
  const created = await ui.admin.post('/v1/automations', {
    name: 'Long calls to the CRM', trigger: 'inbound_call_ended', url: `${ui.receiver.url}/hooks/conditions`, body: '{"call": "{{call_id}}"}', enabled: false,
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  taskId = created.body.id;
  for (const [i, data] of CALLS.entries()) {
    expect((await ui.events.post('/v1/events', { id: `cond-${i}`, type: 'inbound_call_ended', data: { call_id: `CA${i}`, ...data } })).status).toBe(202);
  }
}, 180_000);

afterAll(async () => {
  await ui?.close();
});

const dryRun = (pattern: RegExp) => ui.textOf('#dry-run', pattern);

describe('condition builder', () => {
  it('builds conditions with the dry run updating as they are edited, and saves them', async () => {
    const page = ui.page;
    await page.goto(`${ui.notifier.url}/console/automations/${taskId}`);
    await ui.textOf('h1', /Edit automated task/);
    expect(await page.locator('#condition-rows').isHidden()).toBe(true);

    await page.getByLabel('When all conditions hold').check();
    const field = page.getByLabel('Field of condition 1');
    await field.selectOption('duration');
    // A number field offers the number operators, and no text ones.
    const ops = await page.getByLabel('Operator of condition 1').locator('option').allInnerTexts();
    expect(ops).toContain('is greater than');
    expect(ops).not.toContain('starts with');
    await page.getByLabel('Operator of condition 1').selectOption({ label: 'is greater than' });
    await page.getByLabel('Value of condition 1').fill('60');
    // 95, 120, 61, 200, 600, 75: numeric text compares as a number; the call without a duration does not match.
    await dryRun(/^Would have matched 6 of the last 10 events\.$/);

    await page.getByRole('button', { name: 'Add condition' }).click();
    await page.getByLabel('Field of condition 2').selectOption('in_business_hours');
    expect(await page.getByLabel('Operator of condition 2').locator('option').allInnerTexts()).toEqual(['is', 'is not', 'is present', 'is missing']);
    await page.getByLabel('Value of condition 2').selectOption('true');
    await dryRun(/^Would have matched 3 of the last 10 events\.$/);
    await page.locator('#conditions-section').scrollIntoViewIfNeeded();
    await ui.screenshot('console-conditions');

    await page.getByLabel('When any condition holds').check();
    await dryRun(/^Would have matched 9 of the last 10 events\.$/);
    await page.getByLabel('When all conditions hold').check();
    await dryRun(/^Would have matched 3 of the last 10 events\.$/);

    await page.getByLabel('On: send a webhook every time the trigger happens').check();
    await page.getByRole('button', { name: 'Save' }).click();
    await ui.textOf('#form-status', /^Saved/);
    const saved = await ui.admin.get(`/v1/automations/${taskId}`);
    expect(saved.body.conditions).toEqual({ all: [{ field: 'duration', op: 'gt', value: 60 }, { field: 'in_business_hours', op: 'eq', value: true }] });

    // After a reload the builder shows what was saved.
    await page.reload();
    await dryRun(/^Would have matched 3 of the last 10 events\.$/);
    expect(await page.getByLabel('Value of condition 1').inputValue()).toBe('60');
    expect(ui.problems).toEqual([]);
  });

  it('a value of the wrong type is refused by the API, beside its row, in the dry run and on save', async () => {
    const page = ui.page;
    await page.getByLabel('Value of condition 1').fill('a minute');
    await dryRun(/^Not checked: condition 1, value: the value must be a number/);
    await page.getByRole('button', { name: 'Save' }).click();
    await ui.textOf('#cond-0-value-error', /The value must be a number/);
    expect(await page.getByLabel('Value of condition 1').getAttribute('aria-invalid')).toBe('true');
    expect((await ui.admin.get(`/v1/automations/${taskId}`)).body.conditions.all[0].value).toBe(60);
    expect(ui.problems).toEqual([]);
  });

  it('only matching events are delivered, and the fields panel links the trigger’s JSON Schema', async () => {
    const before = (await ui.admin.get(`/v1/deliveries?automation_id=${taskId}`)).body.data.length;
    expect((await ui.events.post('/v1/events', { type: 'inbound_call_ended', data: { call_id: 'CA-match', duration: '90', in_business_hours: 'true' } })).body.deliveries).toBe(1);
    expect((await ui.events.post('/v1/events', { type: 'inbound_call_ended', data: { call_id: 'CA-short', duration: '9', in_business_hours: 'true' } })).body.deliveries).toBe(0);
    await eventually(async () => expect((await ui.admin.get(`/v1/deliveries?automation_id=${taskId}`)).body.data).toHaveLength(before + 1));
    await eventually(async () => expect((await ui.admin.get(`/v1/automations/${taskId}/stats`)).body.counts.filtered).toBe(1));

    const link = ui.page.getByRole('link', { name: 'JSON Schema of these fields' });
    expect(await link.getAttribute('href')).toBe('/v1/triggers/inbound_call_ended/schema');
    const schema = await ui.page.evaluate(async (href) => (await fetch(href!)).json(), await link.getAttribute('href'));
    expect(schema).toMatchObject({ $schema: 'https://json-schema.org/draft/2020-12/schema', title: 'An inbound call ends' });
    expect(ui.problems).toEqual([]);
  });
});
