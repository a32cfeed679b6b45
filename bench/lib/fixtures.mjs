/** Bodies and event data the benchmark sends: the product's sample body and realistic call data. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './paths.mjs';

// Node 24 runs the TypeScript module directly (type stripping): one copy of the sample body.
export { SAMPLE_BODY, SAMPLE_TRIGGER as TRIGGER } from '../../src/catalog/sample-body.ts';
import { SAMPLE_TRIGGER as TRIGGER } from '../../src/catalog/sample-body.ts';

const catalog = JSON.parse(readFileSync(join(repoRoot, 'src/catalog/triggers.json'), 'utf8'));
const exampleFields = Object.fromEntries(catalog.triggers.find((t) => t.id === TRIGGER).fields.map((f) => [f.name, f.example]));

const hex = (n, width) => n.toString(16).padStart(width, '0').slice(-width);

/**
 * Every field of the trigger, with the catalog's examples and the per-call values varied by
 * `seq`. `marker` is put in call_id, which the sample body renders, so the sink can tell which
 * event a webhook belongs to.
 */
export function callEndedData(seq, marker = `call${hex(seq, 28)}`) {
  return {
    ...exampleFields,
    call_id: marker,
    interaction_id: hex(seq * 7919 + 1, 32),
    contact_id: hex(seq * 104729 + 3, 24),
    contact_phone_number: `+3519619${String(seq % 100000).padStart(5, '0')}`,
    duration: String(30 + (seq % 600)),
    waiting_time: String(seq % 90),
    holding_time: String(seq % 45),
    total_duration: String(60 + (seq % 900)),
    in_business_hours: seq % 3 === 0 ? 'false' : 'true',
  };
}

/** Values a hostile or careless event could carry; a JSON template must still render valid JSON. */
export const HOSTILE_VALUES = [
  '"',
  '\\',
  '\\"',
  '","injected":"x',
  '"}],"x":{"',
  '\n\r\t\b\f',
  '\u0000\u0001\u001f',
  '\u2028\u2029',
  '\ud800',
  '\udfff\ud800',
  '{{call_id}}',
  '}}{{',
  '</data><x>',
  '$& $1 $$',
  '😀 ünïcödé',
  'x'.repeat(10_000) + '"',
];

export function hostileEvents() {
  return HOSTILE_VALUES.map((value, i) => ({ ...callEndedData(i), call_id: value, agent_id: value, duration: value }));
}

/**
 * The default cap on deliveries in flight per destination, read from the gate's source (its
 * module imports others by extensionless paths, which Node cannot load directly).
 */
export const DEFAULT_MAX_CONCURRENCY = Number(
  /export const DEFAULT_MAX_CONCURRENCY = (\d+);/.exec(readFileSync(join(repoRoot, 'src/domain/destination-gate.ts'), 'utf8'))?.[1] ?? NaN,
);
if (!Number.isInteger(DEFAULT_MAX_CONCURRENCY)) throw new Error('DEFAULT_MAX_CONCURRENCY not found in src/domain/destination-gate.ts');
