/** Shared template fixtures: the product documentation's sample body and its trigger's fields. */

export const CALL_FIELDS: ReadonlySet<string> = new Set([
  'call_id',
  'agent_id',
  'contact_phone_number',
  'contact_id',
  'duration',
  'waiting_time',
  'holding_time',
  'total_duration',
  'in_business_hours',
]);

/** The product doc's sample: as printed (not valid JSON) and wrapped in braces (valid). */
export { SAMPLE_BODY_AS_PRINTED as UNWRAPPED_SAMPLE, SAMPLE_BODY as WRAPPED_SAMPLE } from '../../src/catalog/sample-body';

export const CALL_VALUES: Readonly<Record<string, string>> = {
  call_id: 'call-42',
  agent_id: 'agent-7',
  contact_phone_number: '+33 1 23 45 67 89',
  contact_id: 'contact-9',
  duration: '125',
  waiting_time: '12',
  holding_time: '3',
  total_duration: '140',
  in_business_hours: 'true',
};

/** Values chosen to break anything that splices text into JSON or XML. */
export const HOSTILE_VALUES: readonly string[] = [
  'a&b"c',
  'back\\slash',
  'line\nbreak\r\nand\rcr',
  'tab\there',
  'sep\u2028\u2029arators',
  'nul\u0000and\u001funit',
  'braces {{call_id}} }} {{',
  'lone \ud800 high and \udfff low',
  'emoji 😀',
  '"},"injected":"yes',
  '</a><b>',
  "<script>&\"'",
  ']]>',
  '',
];
