/** GET /v1/triggers/{id}/schema: each trigger's fields as a JSON Schema (draft 2020-12) that its examples and events pass. */
import { Validator } from '@cfworker/json-schema';
import { describe, expect, it } from 'vitest';
import { TRIGGERS } from '../../src/catalog';
import { call, createAccount, expectError } from '../helpers';

describe('GET /v1/triggers/{id}/schema', () => {
  it('is a draft 2020-12 schema of every field, with types, formats, descriptions and examples that pass it', async () => {
    const account = await createAccount({ enabled: false });
    for (const trigger of TRIGGERS) {
      const response = await call(`/v1/triggers/${trigger.id}/schema`, { token: account.events });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^application\/schema\+json/);
      const schema = response.body;
      expect(schema).toMatchObject({
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        $id: `http://notifier.test/v1/triggers/${trigger.id}/schema`,
        title: trigger.label, type: 'object',
      });
      expect(Object.keys(schema.properties)).toEqual(trigger.fields.map((f) => f.name));
      for (const field of trigger.fields) {
        expect(schema.properties[field.name]).toMatchObject({ description: field.description, 'x-catalog-type': field.type });
      }
      // The examples, put together as one event's data, pass the schema (formats asserted).
      const example = Object.fromEntries(Object.entries(schema.properties as Record<string, { examples: unknown[] }>).map(([k, p]) => [k, p.examples[0]]));
      const result = new Validator(schema, '2020-12').validate(example);
      expect(result.errors, trigger.id).toEqual([]);
    }
  });

  it('types and formats follow the catalog, so wrong values fail it', async () => {
    const account = await createAccount({ enabled: false });
    const ended = (await call('/v1/triggers/inbound_call_ended/schema', { token: account.admin })).body;
    // "integer seconds (sent as string)": digits as text, or a number.
    expect(ended.properties.duration).toMatchObject({ type: ['string', 'integer'], pattern: '^[0-9]+$', minimum: 0, examples: ['91'] });
    expect(ended.properties.holding_time).toMatchObject({ type: 'integer', examples: [15] });
    expect(ended.properties.in_business_hours).toMatchObject({ type: ['string', 'boolean'], enum: ['true', 'false', true, false] });
    expect(ended.properties.contact_phone_number).toMatchObject({ type: 'string', pattern: expect.any(String) });
    const validator = new Validator(ended, '2020-12');
    expect(validator.validate({ duration: 184, in_business_hours: 'true', contact_phone_number: '+351961918192', extra: 1 }).valid).toBe(true);
    expect(validator.validate({ duration: '184', in_business_hours: true, holding_time: 3 }).valid).toBe(true);
    expect(validator.validate({ duration: 'long' }).valid).toBe(false);
    expect(validator.validate({ duration: -1 }).valid).toBe(false);
    expect(validator.validate({ holding_time: '15' }).valid).toBe(false);
    expect(validator.validate({ in_business_hours: 'yes' }).valid).toBe(false);
    expect(validator.validate({ contact_phone_number: '961918192' }).valid).toBe(false);
    const csat = (await call('/v1/triggers/csat_score_received/schema', { token: account.admin })).body;
    expect(csat.properties.csat_score).toMatchObject({ type: 'integer', minimum: 1, maximum: 5 });
    expect(csat.properties.agent_tags).toMatchObject({ type: 'array', items: { type: 'string' } });
    expect(csat.properties.csat_survey_time).toMatchObject({ type: 'string', format: 'date-time' });
    expect(new Validator(csat, '2020-12').validate({ csat_score: 6 }).valid).toBe(false);
  });

  it('404 for an unknown trigger; credentials needed; linked from the trigger list and the OpenAPI document', async () => {
    const account = await createAccount({ enabled: false });
    expectError(await call('/v1/triggers/nope/schema', { token: account.admin }), 404, 'not_found');
    expectError(await call('/v1/triggers/inbound_call_ended/schema'), 401, 'unauthorized');
    const list = await call('/v1/triggers', { token: account.admin });
    const ended = list.body.data.find((t: { id: string }) => t.id === 'inbound_call_ended');
    expect((await call(ended.schema_url, { token: account.admin })).body.title).toBe(ended.label);
    const openapi = (await call('/openapi.json')).body;
    expect(openapi.paths['/v1/triggers/{id}/schema'].get.responses['200'].content).toHaveProperty(['application/schema+json']);
  });
});
