/**
 * A trigger's fields as a JSON Schema (draft 2020-12), from the catalog: what each field is,
 * its type and format, its description and example, so that a receiver can generate types for
 * the events' data. The catalog spells each field's type in words ("integer seconds (sent as
 * string)"); `fieldSchema` reads them, and a test holds every example to its schema.
 */
import type { Trigger, TriggerField } from '../catalog';

export const JSON_SCHEMA_DIALECT = 'https://json-schema.org/draft/2020-12/schema';

/** E.164: a "+", then up to 15 digits, the first not 0. */
const E164 = '^\\+[1-9][0-9]{1,14}$';

type JsonSchema = Record<string, unknown>;

/** The schema of one field's value, without its description and example. */
export function valueSchema(catalogType: string): JsonSchema {
  const [, base = catalogType, note = ''] = /^(.*?)(?:\s*\((.*)\))?$/.exec(catalogType) ?? [];
  if (base.startsWith('integer')) {
    const range = /(\d+)-(\d+)/.exec(base);
    const bounds = range ? { minimum: Number(range[1]), maximum: Number(range[2]) } : { minimum: 0 };
    // "sent as string": the platform sends the digits as text; a number is accepted all the same
    // (the pattern holds only for text, the bounds only for numbers).
    return note === 'sent as string' ? { type: ['string', 'integer'], pattern: '^[0-9]+$', ...bounds } : { type: 'integer', ...bounds };
  }
  if (base === 'boolean') {
    return note === 'sent as string' ? { type: ['string', 'boolean'], enum: ['true', 'false', true, false] } : { type: 'boolean' };
  }
  if (base.startsWith('array<string>')) return { type: 'array', items: { type: 'string' } };
  if (note === 'datetime') return { type: 'string', format: 'date-time' };
  if (note === 'email') return { type: 'string', format: 'email' };
  if (note === 'url') return { type: 'string', format: 'uri' };
  if (note.startsWith('E.164')) return { type: 'string', pattern: E164 };
  return { type: 'string' };
}

/** The catalog's example (always text) as a value of the field's schema; kept as text where text is what is sent. */
export function exampleValue(schema: JsonSchema, example: string): unknown {
  if (schema.type === 'integer') return Number(example);
  if (schema.type === 'boolean') return example === 'true';
  if (schema.type === 'array') return JSON.parse(example) as unknown;
  return example;
}

function fieldSchema(field: TriggerField): JsonSchema {
  const schema = valueSchema(field.type);
  return { ...schema, description: field.description, examples: [exampleValue(schema, field.example)], 'x-catalog-type': field.type };
}

/**
 * The trigger's event data as a schema. Every field is optional (an event may leave any out,
 * and a missing field renders as empty text), and fields beyond the catalog's are allowed.
 */
export function triggerJsonSchema(trigger: Trigger, id: string): JsonSchema {
  return {
    $schema: JSON_SCHEMA_DIALECT,
    $id: id,
    title: trigger.label,
    description: trigger.description,
    type: 'object',
    properties: Object.fromEntries(trigger.fields.map((field) => [field.name, fieldSchema(field)])),
    additionalProperties: true,
  };
}
