/**
 * The field descriptions the editor's field list shows (from GET /v1/triggers) are written for
 * administrators: no research notes, and fields that mean the same say which one to use.
 */
import { describe, expect, it } from 'vitest';
import { call, createAccount } from '../helpers';

interface Field { name: string; type: string; description: string }

async function triggers(): Promise<{ id: string; fields: Field[] }[]> {
  const account = await createAccount();
  const listed = await call('/v1/triggers', { token: account.admin });
  expect(listed.status).toBe(200);
  return listed.body.data;
}

describe('field descriptions', () => {
  it('carry no internal notes (guesses, sources, "assumed")', async () => {
    const notes = /seed document|semantics|not documented|undocumented|probably|assum|docs say|\?\)/i;
    for (const trigger of await triggers()) {
      for (const field of trigger.fields) {
        expect(field.description, `${trigger.id}.${field.name}`).not.toMatch(notes);
        // The editor shows the type beside each field too.
        expect(field.type, `${trigger.id}.${field.name} type`).not.toMatch(notes);
      }
    }
  });

  it('say which of two fields with the same meaning to use', async () => {
    const pairs: [use: string, alias: string][] = [['hold_time', 'holding_time'], ['contact_phone_number', 'customer_phone_number']];
    let seen = 0;
    for (const trigger of await triggers()) {
      const byName = new Map(trigger.fields.map((field) => [field.name, field.description]));
      for (const [use, alias] of pairs) {
        if (!byName.has(use) || !byName.has(alias)) continue;
        seen++;
        expect(byName.get(alias), `${trigger.id}.${alias}`).toContain(`same value as ${use}, which new tasks should use`);
        expect(byName.get(use), `${trigger.id}.${use}`).toContain(`Also sent as ${alias}; use this one`);
      }
    }
    expect(seen).toBeGreaterThan(4);
  });
});
