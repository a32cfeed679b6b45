/**
 * The trigger catalog: the 25 platform events an automation can react to and the fields
 * each exposes as placeholders, built from the project's own copy of the platform's trigger
 * catalog (src/catalog/triggers.json).
 */
import { z } from 'zod';
import reference from './catalog/triggers.json';

/**
 * The kinds of personal data a field can carry that the editor's redaction panel treats as one:
 * hiding one phone-number field offers to hide the trigger's other phone-number fields (a call
 * carries the same number as `customer_phone_number` and `contact_phone_number`).
 */
export const PersonalData = z.enum(['phone', 'email']);
export type PersonalData = z.infer<typeof PersonalData>;

/** What kind of personal data a field of this catalog type carries, if one of those: its type says it. */
export function personalDataOf(type: string): PersonalData | null {
  if (/E\.164|phone/i.test(type)) return 'phone';
  if (/e-?mail/i.test(type)) return 'email';
  return null;
}

export interface TriggerField {
  name: string;
  type: string;
  description: string;
  example: string;
  personal_data: PersonalData | null;
}

export interface Trigger {
  id: string;
  label: string;
  description: string;
  fields: readonly TriggerField[];
  fieldNames: ReadonlySet<string>;
  /** Example value of every field, used by previews and test deliveries. */
  examples: Readonly<Record<string, string>>;
}

interface ReferenceTrigger {
  id: string;
  label: string;
  when: string;
  fields: { name: string; type: string; description: string; example: string }[];
}

export const TRIGGERS: readonly Trigger[] = (reference.triggers as ReferenceTrigger[]).map((t) => ({
  id: t.id,
  label: t.label,
  description: t.when,
  fields: t.fields.map(({ name, type, description, example }) => ({ name, type, description, example, personal_data: personalDataOf(type) })),
  fieldNames: new Set(t.fields.map((f) => f.name)),
  examples: Object.fromEntries(t.fields.map((f) => [f.name, f.example])),
}));

const byId = new Map(TRIGGERS.map((t) => [t.id, t]));

export function findTrigger(id: string): Trigger | undefined {
  return byId.get(id);
}

export const TRIGGER_IDS = TRIGGERS.map((t) => t.id) as [string, ...string[]];
