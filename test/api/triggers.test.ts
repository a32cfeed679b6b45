import catalog from '../../src/catalog/triggers.json';
import { describe, expect, it } from 'vitest';
import { call, createAccount } from '../helpers';

describe('GET /v1/triggers', () => {
  it('lists the 25 triggers of the bundled catalog with their fields', async () => {
    const account = await createAccount({ enabled: false });
    const { status, body } = await call('/v1/triggers', { token: account.events });
    expect(status).toBe(200);
    const reference = catalog.triggers as { id: string; label: string; fields: { name: string }[] }[];
    expect(body.data).toHaveLength(25);
    expect(body.data.map((t: { id: string }) => t.id)).toEqual(reference.map((t) => t.id));
    for (const [i, trigger] of body.data.entries()) {
      expect(trigger.label).toBe(reference[i]!.label);
      expect(trigger.fields.map((f: { name: string }) => f.name)).toEqual(reference[i]!.fields.map((f) => f.name));
      for (const field of trigger.fields) expect(Object.keys(field).sort()).toEqual(['condition_ops', 'description', 'example', 'kind', 'name', 'personal_data', 'type']);
      expect(trigger.schema_url).toBe(`/v1/triggers/${trigger.id}/schema`);
    }
    const waiting = body.data.find((t: { id: string }) => t.id === 'call_enters_waiting_queue');
    expect(waiting.label).toBe('A call enters the waiting queue');
    expect(waiting.fields.map((f: { name: string }) => f.name)).toContain('customer_phone_number');
    const ended = body.data.find((t: { id: string }) => t.id === 'inbound_call_ended');
    expect(ended.fields.map((f: { name: string }) => f.name)).toEqual(expect.arrayContaining(['holding_time', 'waiting_time', 'in_business_hours']));
    // The kind of personal data a field carries, from its catalog type: the redaction panel offers to hide the same kind together.
    const kinds = Object.fromEntries(ended.fields.map((f: { name: string; personal_data: string | null }) => [f.name, f.personal_data]));
    expect(kinds).toMatchObject({ contact_phone_number: 'phone', customer_phone_number: 'phone', agent_email: 'email', call_id: null, agent_name: null });
  });

});
