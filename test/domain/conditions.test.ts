import { describe, expect, it } from 'vitest';
import { findTrigger } from '../../src/catalog';
import {
  checkConditions, ConditionsSchema, fieldKind, matchesConditions, MAX_CONDITIONS, type ConditionNode, type Conditions,
} from '../../src/domain/conditions';

const ended = findTrigger('inbound_call_ended')!;
const queued = findTrigger('call_enters_waiting_queue')!;
const csat = findTrigger('csat_score_received')!;

const paths = (input: unknown) => {
  const result = ConditionsSchema.safeParse(input);
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};
const parse = (input: unknown) => ConditionsSchema.parse(input);

describe('fieldKind', () => {
  it('reads the catalog types as number, boolean, list or string', () => {
    expect(fieldKind('integer 1-5')).toBe('number');
    expect(fieldKind('integer seconds (sent as string)')).toBe('number');
    expect(fieldKind('boolean (sent as string)')).toBe('boolean');
    expect(fieldKind('array<string> (rendered as text)')).toBe('list');
    expect(fieldKind('string (E.164)')).toBe('string');
    expect(fieldKind('string (datetime)')).toBe('string');
  });
});

describe('ConditionsSchema (shape and limits)', () => {
  it('accepts groups nested 3 deep', () => {
    expect(paths({ all: [{ field: 'a', op: 'eq', value: 1 }, { any: [{ all: [{ field: 'b', op: 'exists' }] }] }] })).toEqual([]);
  });

  it('refuses a fourth level, naming its path', () => {
    expect(paths({ all: [{ any: [{ all: [{ any: [{ field: 'b', op: 'exists' }] }] }] }] })).toEqual([
      'all.0.any.0.all.0.any: groups nest at most 3 deep',
    ]);
  });

  it('refuses more than 20 conditions in all, even spread over groups', () => {
    const leaf = { field: 'duration', op: 'gt', value: 1 };
    expect(paths({ all: Array.from({ length: MAX_CONDITIONS }, () => leaf) })).toEqual([]);
    expect(paths({ all: [...Array.from({ length: 15 }, () => leaf), { any: Array.from({ length: 6 }, () => leaf) }] })).toEqual([
      ': at most 20 conditions in all; 21 were given',
    ]);
  });

  it('a top level that is not a group, a node that is both, unknown keys, empty groups, unknown ops', () => {
    expect(paths({ field: 'a', op: 'exists' })[0]).toMatch(/a group at the top/);
    expect(paths({ all: [{ field: 'a', op: 'eq', value: 1, any: [{ field: 'b', op: 'exists' }] }] })).toEqual([
      'all.0.field: a group ("any") cannot also be a condition',
    ]);
    expect(paths({ all: [{ field: 'a', op: 'eq', value: 1, regex: 'x' }] })[0]).toMatch(/^all\.0: Unrecognized key: "regex"/);
    expect(paths({ any: [] })).toEqual(['any: a group needs at least one item']);
    expect(paths({ all: [{ field: 'a', op: 'matches', value: 'x' }] })[0]).toMatch(/^all\.0\.op: /);
    expect(paths({ all: [{ op: 'exists' }] })[0]).toMatch(/^all\.0\.field: a condition needs "field"/);
  });

  it('lists of at most 100 values', () => {
    expect(paths({ all: [{ field: 'a', op: 'in', value: Array.from({ length: 100 }, (_, i) => i) }] })).toEqual([]);
    expect(paths({ all: [{ field: 'a', op: 'in', value: Array.from({ length: 101 }, (_, i) => i) }] }).join()).toMatch(/^all\.0\.value/);
  });
});

describe('checkConditions (against the trigger)', () => {
  const check = (input: unknown, trigger = ended) => checkConditions(parse(input), trigger);

  it('passes fields of the trigger with ops and values of their type', () => {
    expect(check({ all: [
      { field: 'duration', op: 'gt', value: 60 },
      { field: 'in_business_hours', op: 'eq', value: true },
      { field: 'agent_id', op: 'in', value: ['AG1', 'AG2'] },
      { any: [{ field: 'contact_phone_number', op: 'starts_with', value: '+351' }, { field: 'contact_id', op: 'not_exists' }] },
    ] })).toEqual([]);
  });

  it('names the path of an unknown field, an op that does not fit, and a value of the wrong type', () => {
    expect(check({ all: [{ field: 'durration', op: 'gt', value: 60 }] })).toEqual([
      { path: 'conditions.all.0.field', message: expect.stringMatching(/"durration" is not a field of the trigger "inbound_call_ended"/) },
    ]);
    expect(check({ any: [{ field: 'in_business_hours', op: 'gt', value: 1 }] })).toEqual([
      { path: 'conditions.any.0.op', message: expect.stringMatching(/"gt" does not fit the boolean field "in_business_hours"; use one of eq, ne, exists, not_exists/) },
    ]);
    expect(check({ all: [{ any: [{ field: 'duration', op: 'gt', value: '60' }] }] })).toEqual([
      { path: 'conditions.all.0.any.0.value', message: 'the value must be a number: the field is compared as a number' },
    ]);
    expect(check({ all: [{ field: 'duration', op: 'in', value: [1, '2'] }] })[0]!.path).toBe('conditions.all.0.value');
    expect(check({ all: [{ field: 'duration', op: 'eq', value: [1] }] })[0]!.message).toMatch(/not a list/);
    expect(check({ all: [{ field: 'duration', op: 'exists', value: 1 }] })[0]!.message).toBe('"exists" takes no value');
    expect(check({ all: [{ field: 'duration', op: 'eq' }] })[0]!.message).toBe('"eq" needs a value');
    expect(check({ all: [{ field: 'agent_id', op: 'gt', value: 1 }] })[0]!.path).toBe('conditions.all.0.op');
  });

  it('a list field takes contains with text', () => {
    expect(check({ all: [{ field: 'agent_tags', op: 'contains', value: 'sales inquiries' }] }, csat)).toEqual([]);
    expect(check({ all: [{ field: 'agent_tags', op: 'eq', value: 'x' }] }, csat)[0]!.path).toBe('conditions.all.0.op');
  });
});

describe('matchesConditions', () => {
  const matches = (conditions: Conditions | ConditionNode | null, data: Record<string, unknown>) => matchesConditions(conditions, data);
  const one = (field: string, op: string, value?: unknown) => parse({ all: [{ field, op, ...(value === undefined ? {} : { value }) }] });

  it('no conditions match everything', () => {
    expect(matches(null, {})).toBe(true);
  });

  it('numbers compare as numbers, also when the event sends numeric text', () => {
    expect(matches(one('duration', 'gt', 60), { duration: '90' })).toBe(true);
    expect(matches(one('duration', 'gt', 60), { duration: 90 })).toBe(true);
    expect(matches(one('duration', 'gt', 60), { duration: '60' })).toBe(false);
    expect(matches(one('duration', 'gte', 60), { duration: '60' })).toBe(true);
    // As text "100" < "60"; as numbers it is not.
    expect(matches(one('duration', 'lt', 60), { duration: '100' })).toBe(false);
    expect(matches(one('duration', 'lte', 1.5), { duration: '1.5' })).toBe(true);
    expect(matches(one('duration', 'eq', 90), { duration: '90' })).toBe(true);
    expect(matches(one('duration', 'in', [1, 2]), { duration: '2' })).toBe(true);
    expect(matches(one('duration', 'not_in', [1, 2]), { duration: '3' })).toBe(true);
    // Not numbers: they never compare.
    for (const text of ['', ' ', '90s', '0x10', 'NaN', 'Infinity']) expect(matches(one('duration', 'gt', -1e9), { duration: text })).toBe(false);
    expect(matches(one('duration', 'gt', 0), { duration: true })).toBe(false);
  });

  it('booleans equal their text', () => {
    expect(matches(one('in_business_hours', 'eq', true), { in_business_hours: 'true' })).toBe(true);
    expect(matches(one('in_business_hours', 'eq', true), { in_business_hours: true })).toBe(true);
    expect(matches(one('in_business_hours', 'eq', false), { in_business_hours: 'true' })).toBe(false);
    expect(matches(one('in_business_hours', 'ne', false), { in_business_hours: 'true' })).toBe(true);
    expect(matches(one('in_business_hours', 'eq', true), { in_business_hours: 'yes' })).toBe(false);
  });

  it('a missing field fails every op but not_exists and ne (null counts as missing)', () => {
    const results = (data: Record<string, unknown>) => Object.fromEntries(([
      ['eq', 'x'], ['ne', 'x'], ['in', ['x']], ['not_in', ['x']], ['gt', 1], ['gte', 1], ['lt', 1], ['lte', 1],
      ['exists', undefined], ['not_exists', undefined], ['contains', 'x'], ['starts_with', 'x'],
    ] as const).map(([op, value]) => [op, matches(one('f', op, value), data)]));
    const expected = { eq: false, ne: true, in: false, not_in: false, gt: false, gte: false, lt: false, lte: false, exists: false, not_exists: true, contains: false, starts_with: false };
    expect(results({})).toEqual(expected);
    expect(results({ f: null })).toEqual(expected);
    expect(results({ g: 'x' })).toEqual(expected);
  });

  it('text is case-sensitive; contains and starts_with', () => {
    expect(matches(one('hangup', 'eq', 'agent'), { hangup: 'Agent' })).toBe(false);
    expect(matches(one('name', 'contains', 'Lew'), { name: 'Amanda Lewis' })).toBe(true);
    expect(matches(one('name', 'contains', 'lew'), { name: 'Amanda Lewis' })).toBe(false);
    expect(matches(one('phone', 'starts_with', '+351'), { phone: '+351961918192' })).toBe(true);
    expect(matches(one('phone', 'starts_with', '351'), { phone: '+351961918192' })).toBe(false);
    expect(matches(one('id', 'eq', '42'), { id: 42 })).toBe(true);
  });

  it('contains on a list: an item, whether sent as an array or as its JSON text', () => {
    expect(matches(one('tags', 'contains', 'sales'), { tags: ['agents', 'sales'] })).toBe(true);
    expect(matches(one('tags', 'contains', 'sale'), { tags: ['agents', 'sales'] })).toBe(false);
    expect(matches(one('tags', 'contains', 'sales'), { tags: '["agents", "sales"]' })).toBe(true);
  });

  it('all, any, nested', () => {
    const tree = parse({ all: [
      { field: 'duration', op: 'gt', value: 60 },
      { any: [{ field: 'csat', op: 'eq', value: 1 }, { field: 'csat', op: 'eq', value: 2 }] },
    ] });
    expect(matches(tree, { duration: '61', csat: '2' })).toBe(true);
    expect(matches(tree, { duration: '61', csat: '3' })).toBe(false);
    expect(matches(tree, { duration: '59', csat: '1' })).toBe(false);
  });

  it('a field named like an Object property is just a field', () => {
    expect(matches(one('toString', 'exists'), {})).toBe(false);
    expect(matches(one('constructor', 'not_exists'), {})).toBe(true);
  });

  it('the queue trigger: VIP callers in business hours', () => {
    expect(queued.fields.some((f) => f.name === 'phone_vip')).toBe(true);
    const vip = parse({ all: [{ field: 'phone_vip', op: 'eq', value: true }, { field: 'in_business_hours', op: 'ne', value: false }] });
    expect(checkConditions(vip, queued)).toEqual([]);
    expect(matches(vip, { phone_vip: 'true', in_business_hours: 'true' })).toBe(true);
    expect(matches(vip, { phone_vip: 'false', in_business_hours: 'true' })).toBe(false);
  });
});
