/** Conversion of event data into the flat text values templates are rendered with. */

/** Values a compiled template renders with: field name → text. */
export type TemplateValues = Readonly<Record<string, string>>;

export function toTemplateValues(data: Readonly<Record<string, unknown>>): Record<string, string> {
  // Null prototype: a field literally named `__proto__` or `constructor` is just a field.
  const values: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const name of Object.keys(data)) values[name] = valueToText(data[name]);
  return values;
}

function valueToText(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'boolean':
    case 'bigint':
      return String(value);
    case 'object':
      return value === null ? '' : structuredToText(value);
    default:
      return ''; // undefined, functions and symbols have no text form
  }
}

function structuredToText(value: object): string {
  try {
    return JSON.stringify(value, (_key, nested: unknown) =>
      typeof nested === 'bigint' ? nested.toString() : nested,
    );
  } catch {
    return ''; // cyclic data cannot come from JSON events; render nothing rather than fail the delivery
  }
}

/**
 * Reads one field for rendering. Only own text-like values count: a missing field renders
 * as empty text, and inherited properties (`toString`, `__proto__`…) are never strings, so
 * a placeholder named like one renders empty instead of leaking function source.
 */
export function readField(values: TemplateValues, name: string): string {
  const value: unknown = values[name];
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return '';
}
