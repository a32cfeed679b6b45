/**
 * Conditions on an automation: which events of its trigger it delivers. A tree of groups
 * (`{"all": [...]}` or `{"any": [...]}`) whose leaves are conditions on one field of the event
 * (`{"field", "op", "value"?}`). Three things live here, all pure: the zod schema of the tree
 * (its shape and limits, used by the API and its OpenAPI document), the check against the
 * trigger's fields and their types (`checkConditions`, on save and on dry runs), and the
 * evaluation against an event's data (`matchesConditions`, at fan-out, dry runs and backfills).
 */
import { z } from 'zod';
import type { Trigger } from '../catalog';

/** Groups nest at most this deep (the top group is depth 1). */
export const MAX_CONDITION_DEPTH = 3;
/** Conditions (leaves) in a whole tree. */
export const MAX_CONDITIONS = 20;
/** Values in one `in` / `not_in` list. */
export const MAX_LIST_VALUES = 100;
/** Longest text value a condition compares with. */
export const MAX_VALUE_LENGTH = 1024;

/** Every operator. No regular expressions: a pattern per event would cost unbounded time. */
export const ConditionOp = z.enum([
  'eq', 'ne', 'in', 'not_in', 'gt', 'gte', 'lt', 'lte', 'exists', 'not_exists', 'contains', 'starts_with',
]);
export type ConditionOp = z.infer<typeof ConditionOp>;

/**
 * How a condition reads a field, from the catalog's type: `number` (integers, also sent as
 * numeric text such as "90"), `boolean` (true/false, also sent as "true"/"false"), `list` (an
 * array of strings, or its text) or `string` (everything else: ids, names, times, phones).
 */
export const FieldKind = z.enum(['string', 'number', 'boolean', 'list']);
export type FieldKind = z.infer<typeof FieldKind>;

export function fieldKind(catalogType: string): FieldKind {
  if (catalogType.startsWith('integer') || catalogType.startsWith('number')) return 'number';
  if (catalogType.startsWith('boolean')) return 'boolean';
  if (catalogType.startsWith('array')) return 'list';
  return 'string';
}

/** The operators that fit each kind of field (the console offers these for a field). */
export const OPS_BY_KIND: Readonly<Record<FieldKind, readonly ConditionOp[]>> = {
  string: ['eq', 'ne', 'in', 'not_in', 'contains', 'starts_with', 'exists', 'not_exists'],
  number: ['eq', 'ne', 'in', 'not_in', 'gt', 'gte', 'lt', 'lte', 'exists', 'not_exists'],
  boolean: ['eq', 'ne', 'exists', 'not_exists'],
  list: ['contains', 'exists', 'not_exists'],
};

const Scalar = z.union([z.string().max(MAX_VALUE_LENGTH), z.number(), z.boolean()]);
const ConditionValue = z.union([Scalar, z.array(Scalar).min(1).max(MAX_LIST_VALUES)]);
export type ConditionValue = z.infer<typeof ConditionValue>;

/**
 * One node of the tree: a condition (field, op, value) or a group (all or any). One object
 * shape rather than a union of two, so that every error names the exact path of the key at
 * fault (a union would answer "invalid input" for the whole node); what a node must hold is
 * checked by `nodeShapeProblems`. Items of a group at the deepest level may not be groups.
 */
export interface ConditionNode {
  field?: string | undefined;
  op?: ConditionOp | undefined;
  value?: ConditionValue | undefined;
  all?: ConditionNode[] | undefined;
  any?: ConditionNode[] | undefined;
}

/** A tree as saved: a group at the top. */
export type Conditions = ConditionNode & ({ all: ConditionNode[] } | { any: ConditionNode[] });

const tooDeep = `groups nest at most ${MAX_CONDITION_DEPTH} deep`;

function nodeSchema(depth: number): z.ZodType<ConditionNode> {
  // A node at depth d may be a group of depth d; its items are nodes of depth d + 1. Below the
  // deepest group the keys stay known (so a group there is named as too deep, not as unknown).
  const nested = depth <= MAX_CONDITION_DEPTH;
  const children = nested
    ? z.array(nodeSchema(depth + 1)).min(1, 'a group needs at least one item').max(MAX_CONDITIONS, `at most ${MAX_CONDITIONS} conditions in all`)
    : z.array(z.unknown());
  return z
    .object({
      field: z.string().min(1).max(128).optional(),
      op: ConditionOp.optional(),
      value: ConditionValue.optional(),
      all: children.optional(),
      any: children.optional(),
    })
    .strict()
    .superRefine((node, ctx) => {
      const group = node.all !== undefined ? 'all' : node.any !== undefined ? 'any' : null;
      if (!nested && group) {
        ctx.addIssue({ code: 'custom', path: [group], message: tooDeep });
        return;
      }
      for (const problem of nodeShapeProblems(node as ConditionNode)) ctx.addIssue({ code: 'custom', path: problem.path, message: problem.message });
    }) as z.ZodType<ConditionNode>;
}

function nodeShapeProblems(node: ConditionNode): { path: string[]; message: string }[] {
  const group = ['all', 'any'].filter((key) => node[key as 'all' | 'any'] !== undefined);
  const leaf = ['field', 'op', 'value'].filter((key) => node[key as 'field' | 'op' | 'value'] !== undefined);
  if (group.length > 1) return [{ path: ['any'], message: 'a group is either "all" or "any", not both' }];
  if (group.length === 1) {
    return leaf.length > 0 ? [{ path: [leaf[0]!], message: `a group ("${group[0]}") cannot also be a condition` }] : [];
  }
  const problems: { path: string[]; message: string }[] = [];
  if (node.field === undefined) problems.push({ path: ['field'], message: 'a condition needs "field" (or make this a group with "all" or "any")' });
  if (node.op === undefined) problems.push({ path: ['op'], message: `a condition needs "op": one of ${ConditionOp.options.join(', ')}` });
  return problems;
}

/** The `conditions` of an automation: a group at the top, at most MAX_CONDITIONS conditions in all. */
export const ConditionsSchema = nodeSchema(1).superRefine((node, ctx) => {
  if (node.all === undefined && node.any === undefined) {
    ctx.addIssue({ code: 'custom', path: [], message: 'conditions are a group at the top: {"all": [...]} or {"any": [...]}' });
    return;
  }
  const count = countConditions(node);
  if (count > MAX_CONDITIONS) {
    ctx.addIssue({ code: 'custom', path: [], message: `at most ${MAX_CONDITIONS} conditions in all; ${count} were given` });
  }
}) as z.ZodType<Conditions>;

export function countConditions(node: ConditionNode): number {
  const items = node.all ?? node.any;
  return items ? items.reduce((n, item) => n + countConditions(item), 0) : 1;
}

export interface ConditionProblem {
  path: string;
  message: string;
}

/**
 * The tree against the trigger's fields: every field one of the trigger's, every op one that
 * fits the field's kind, every value of the op's shape and the field's type. Paths start with
 * `prefix` (say `conditions`) and follow the tree: `conditions.all.1.any.0.value`.
 */
export function checkConditions(conditions: ConditionNode, trigger: Trigger, prefix = 'conditions'): ConditionProblem[] {
  const items = conditions.all ?? conditions.any;
  if (items) {
    const key = conditions.all ? 'all' : 'any';
    return items.flatMap((item, i) => checkConditions(item, trigger, `${prefix}.${key}.${i}`));
  }
  const { field = '', op = 'eq', value } = conditions;
  const known = trigger.fields.find((f) => f.name === field);
  if (!known) return [{ path: `${prefix}.field`, message: `"${field}" is not a field of the trigger "${trigger.id}"; see GET /v1/triggers` }];
  const kind = fieldKind(known.type);
  if (!OPS_BY_KIND[kind].includes(op)) {
    return [{ path: `${prefix}.op`, message: `"${op}" does not fit the ${kind} field "${field}"; use one of ${OPS_BY_KIND[kind].join(', ')}` }];
  }
  const problem = valueProblem(op, kind, value);
  return problem ? [{ path: `${prefix}.value`, message: problem }] : [];
}

const SCALAR_OF_KIND: Record<FieldKind, 'string' | 'number' | 'boolean'> = { string: 'string', number: 'number', boolean: 'boolean', list: 'string' };

function valueProblem(op: ConditionOp, kind: FieldKind, value: ConditionValue | undefined): string | null {
  const scalar = SCALAR_OF_KIND[kind];
  if (op === 'exists' || op === 'not_exists') return value === undefined ? null : `"${op}" takes no value`;
  if (value === undefined) return `"${op}" needs a value`;
  if (op === 'in' || op === 'not_in') {
    if (!Array.isArray(value)) return `"${op}" needs a list of up to ${MAX_LIST_VALUES} ${scalar} values`;
    const wrong = value.findIndex((v) => typeof v !== scalar);
    return wrong === -1 ? null : `item ${wrong} of the list is not a ${scalar}; this field is compared as a ${scalar}`;
  }
  if (Array.isArray(value)) return `"${op}" compares with one value, not a list (use "in" for a list)`;
  if (typeof value !== scalar) return `the value must be a ${scalar}: the field is compared as a ${scalar}`;
  return null;
}

/**
 * Whether an event's data meets the conditions. A field the event lacks (or sends as null)
 * fails every op but `not_exists` and `ne`. Numbers compare as numbers, also when the event
 * sends them as numeric text ("90" > 60); booleans equal their text ("true" eq true); text
 * compares case-sensitively. Kinds are known from the trigger, but the evaluation never trusts
 * the event to follow them: a value of another type simply does not match.
 */
export function matchesConditions(conditions: ConditionNode | null, data: Readonly<Record<string, unknown>>): boolean {
  if (conditions === null) return true;
  if (conditions.all) return conditions.all.every((item) => matchesConditions(item, data));
  if (conditions.any) return conditions.any.some((item) => matchesConditions(item, data));
  const { field = '', op = 'eq', value } = conditions;
  const actual = Object.hasOwn(data, field) ? data[field] : undefined;
  if (actual === undefined || actual === null) return op === 'not_exists' || op === 'ne';
  return holds(op, actual, value);
}

function holds(op: ConditionOp, actual: unknown, value: ConditionValue | undefined): boolean {
  switch (op) {
    case 'exists': return true;
    case 'not_exists': return false;
    case 'eq': return equals(actual, value);
    case 'ne': return !equals(actual, value);
    case 'in': return Array.isArray(value) && value.some((v) => equals(actual, v));
    case 'not_in': return Array.isArray(value) && !value.some((v) => equals(actual, v));
    case 'gt': case 'gte': case 'lt': case 'lte': return compare(op, asNumber(actual), value);
    case 'contains': return contains(actual, value);
    case 'starts_with': return typeof value === 'string' && asText(actual)?.startsWith(value) === true;
  }
}

/** The event's value equal to one value of the condition, read as the condition's type. */
function equals(actual: unknown, expected: ConditionValue | undefined): boolean {
  if (typeof expected === 'number') return asNumber(actual) === expected;
  if (typeof expected === 'boolean') return asBoolean(actual) === expected;
  if (typeof expected === 'string') return asText(actual) === expected;
  return false;
}

function compare(op: 'gt' | 'gte' | 'lt' | 'lte', actual: number | null, bound: ConditionValue | undefined): boolean {
  if (actual === null || typeof bound !== 'number') return false;
  if (op === 'gt') return actual > bound;
  if (op === 'gte') return actual >= bound;
  if (op === 'lt') return actual < bound;
  return actual <= bound;
}

/** A list field holds the value as one of its items; a text field holds it as a substring. */
function contains(actual: unknown, value: ConditionValue | undefined): boolean {
  if (typeof value !== 'string') return false;
  const list = asList(actual);
  if (list) return list.some((item) => asText(item) === value);
  return asText(actual)?.includes(value) === true;
}

/** JSON's number grammar, so "90", "-1.5" and "2e3" are numbers and "", " ", "0x10" or "90s" are not. */
const NUMERIC_TEXT = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

function asNumber(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' && NUMERIC_TEXT.test(value.trim())) return Number(value.trim());
  return null;
}

function asBoolean(value: unknown): boolean | null {
  if (typeof value === 'boolean') return value;
  if (value === 'true') return true;
  if (value === 'false') return false;
  return null;
}

/** Text as a body would render it: numbers and booleans as written; structured values never equal text. */
function asText(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return null;
}

/** An array, or text holding a JSON array (the catalog's lists may be sent as their text). */
function asList(value: unknown): unknown[] | null {
  if (Array.isArray(value)) return value;
  if (typeof value !== 'string' || !value.trimStart().startsWith('[')) return null;
  try {
    const parsed: unknown = JSON.parse(value);
    return Array.isArray(parsed) ? parsed : null;
  } catch {
    return null;
  }
}

/**
 * Fan-out: of the automations an event's trigger names, those it is delivered to and those
 * whose conditions filtered it out (which count it as `filtered` and make no delivery).
 */
export function fanOut<A extends { conditions: ConditionNode | null }>(
  automations: readonly A[],
  data: Readonly<Record<string, unknown>>,
): { deliver: A[]; filtered: A[] } {
  const deliver: A[] = [];
  const filtered: A[] = [];
  for (const automation of automations) (matchesConditions(automation.conditions, data) ? deliver : filtered).push(automation);
  return { deliver, filtered };
}
