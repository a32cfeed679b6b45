/**
 * The trigger catalog: the 25 platform events an automation can react to and the fields
 * each exposes as placeholders, built from the project's own copy of the platform's trigger
 * catalog (src/catalog/triggers.json).
 */
import reference from './catalog/triggers.json';

export interface TriggerField {
  name: string;
  type: string;
  description: string;
  example: string;
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
  fields: t.fields.map(({ name, type, description, example }) => ({ name, type, description, example })),
  fieldNames: new Set(t.fields.map((f) => f.name)),
  examples: Object.fromEntries(t.fields.map((f) => [f.name, f.example])),
}));

const byId = new Map(TRIGGERS.map((t) => [t.id, t]));

export function findTrigger(id: string): Trigger | undefined {
  return byId.get(id);
}

export const TRIGGER_IDS = TRIGGERS.map((t) => t.id) as [string, ...string[]];
