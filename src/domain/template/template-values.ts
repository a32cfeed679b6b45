/** Conversion of event data into the flat text values templates are rendered with. */

/**
 * How deep arrays and objects may nest inside one field's value. Far beyond any real event
 * (a contact's name, a list of tags), and far below where serialising it would exhaust the
 * stack: a value nested deeper is refused on ingestion and in previews, and one stored before
 * that rule fails its delivery with this reason instead of rendering as nothing.
 */
export const MAX_VALUE_DEPTH = 64;

/** Why a field's value cannot be rendered; `field` names it. */
export class ValueNotRenderable extends Error {
  override name = 'ValueNotRenderable';
  constructor(readonly field: string, reason: string) {
    super(`the value of "${field}" cannot be rendered: ${reason}`);
  }
}

export const tooDeepReason = `arrays and objects nest more than ${MAX_VALUE_DEPTH} levels deep in it`;

/** How deep arrays and objects nest in `value` (0 for text, numbers…), counted without recursion, stopping past `limit`. */
export function nestingDepth(value: unknown, limit = MAX_VALUE_DEPTH): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (typeof current !== 'object' || current === null) continue;
    const level = depth + 1;
    if (level > deepest) deepest = level;
    if (deepest > limit) return deepest;
    for (const nested of Array.isArray(current) ? current : Object.values(current)) {
      if (typeof nested === 'object' && nested !== null) stack.push([nested, level]);
    }
  }
  return deepest;
}

/** The fields of `data` whose values nest too deep to render. */
export function tooDeepFields(data: Readonly<Record<string, unknown>>): string[] {
  return Object.keys(data).filter((name) => nestingDepth(data[name]) > MAX_VALUE_DEPTH);
}

/** Values a compiled template renders with: field name → text. */
export type TemplateValues = Readonly<Record<string, string>>;

export function toTemplateValues(data: Readonly<Record<string, unknown>>): Record<string, string> {
  // Null prototype: a field literally named `__proto__` or `constructor` is just a field.
  const values: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const name of Object.keys(data)) values[name] = valueToText(name, data[name]);
  return values;
}

/** Throws ValueNotRenderable for a value with no faithful text: never an empty string in its place. */
function valueToText(field: string, value: unknown): string {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'boolean':
    case 'bigint':
      return String(value);
    case 'object':
      return value === null ? '' : structuredToText(field, value);
    default:
      return ''; // undefined, functions and symbols have no text form
  }
}

function structuredToText(field: string, value: object): string {
  if (nestingDepth(value) > MAX_VALUE_DEPTH) throw new ValueNotRenderable(field, tooDeepReason);
  try {
    return JSON.stringify(value, (_key, nested: unknown) =>
      typeof nested === 'bigint' ? nested.toString() : nested,
    );
  } catch (error) {
    // Cyclic data cannot come from JSON events; whatever else fails is said, not rendered as nothing.
    throw new ValueNotRenderable(field, error instanceof Error ? error.message : String(error));
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
