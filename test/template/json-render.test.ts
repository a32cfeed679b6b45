import { describe, expect, it } from 'vitest';
import { compileTemplate, validateTemplate } from '../../src/domain/template';
import { CALL_FIELDS, CALL_VALUES, HOSTILE_VALUES, WRAPPED_SAMPLE } from './fixtures';

function renderJson(body: string, values: Readonly<Record<string, string>>): string {
  return compileTemplate(body, 'json').render(values);
}

describe('JSON templates: rendering', () => {
  it('renders the doc sample into exactly the expected object', () => {
    expect(JSON.parse(renderJson(WRAPPED_SAMPLE, CALL_VALUES))).toEqual({
      data: {
        call_id: 'call-42',
        agent_id: 'agent-7',
        contact_phone_number: '+33 1 23 45 67 89',
        contact_id: 'contact-9',
        call_duration: '125',
        wait_duration: '12',
        hold_duration: '3',
        total_call_duration: '140',
        during_business_hours: 'true',
      },
    });
  });

  it('produces valid JSON carrying every hostile value unchanged, in values and keys', () => {
    const body = '{"v": "{{call_id}}", "{{agent_id}}": "k", "mixed": "<{{call_id}}|{{{call_id}}}|{{&call_id}}>", "list": ["{{call_id}}"]}';
    for (const value of HOSTILE_VALUES) {
      const output = renderJson(body, { call_id: value, agent_id: `key ${value}` });
      expect(JSON.parse(output), JSON.stringify(value)).toEqual({
        v: value,
        [`key ${value}`]: 'k',
        mixed: `<${value}|${value}|${value}>`,
        list: [value],
      });
    }
  });

  it('does not HTML-escape values', () => {
    const output = renderJson('{"v": "{{call_id}}"}', { call_id: 'a&b"c<d>\'' });
    expect(output).toBe('{"v":"a&b\\"c<d>\'"}');
  });

  it('escapes U+2028/U+2029 and lone surrogates only as JSON requires', () => {
    const output = renderJson('["{{call_id}}"]', { call_id: '\u2028\ud800' });
    expect(output).toBe('["\u2028\\ud800"]');
    expect(JSON.parse(output)).toEqual(['\u2028\ud800']);
  });

  it('renders a missing field as empty text', () => {
    expect(JSON.parse(renderJson('{"a": "[{{call_id}}]", "b": "{{agent_id}}"}', { agent_id: 'x' }))).toEqual({ a: '[]', b: 'x' });
    expect(renderJson('"{{#call_id}}yes{{/call_id}}{{^call_id}}no{{/call_id}}"', {})).toBe('"no"');
  });

  it('never reads inherited properties as field values', () => {
    const body = '["{{constructor}}", "{{toString}}", "{{__proto__}}", "{{#constructor}}x{{/constructor}}"]';
    expect(JSON.parse(renderJson(body, {}))).toEqual(['', '', '', '']);
  });

  it('keeps key order as written, including integer-like keys', () => {
    expect(renderJson('{"b": 1, "a": "{{call_id}}", "10": 2, "2": 3}', { call_id: 'x' })).toBe('{"b":1,"a":"x","10":2,"2":3}');
  });

  it('copies number literals verbatim and keeps literals and nesting', () => {
    const body = '{"id": 12345678901234567890, "f": 1.50, "e": -1E+2, "t": true, "n": null, "o": {}, "l": [[], [1, "{{call_id}}"]]}';
    expect(renderJson(body, { call_id: 'x' })).toBe('{"id":12345678901234567890,"f":1.50,"e":-1E+2,"t":true,"n":null,"o":{},"l":[[],[1,"x"]]}');
  });

  it('keeps strings without placeholders as they were, escapes included', () => {
    expect(renderJson('{"a": "tab\\there \\u00e9 } {", "b": "}}"}', {})).toBe('{"a":"tab\\there é } {","b":"}}"}');
  });

  it('resolves duplicate keys like JSON.parse: last value, first position', () => {
    expect(renderJson('{"a": 1, "b": 2, "a": 3}', {})).toBe('{"a":3,"b":2}');
    const body = '{"{{call_id}}": 1, "fixed": 2, "{{agent_id}}": 3}';
    expect(renderJson(body, { call_id: 'k', agent_id: 'k' })).toBe('{"k":3,"fixed":2}');
    expect(renderJson(body, { call_id: 'k', agent_id: 'fixed' })).toBe('{"k":1,"fixed":3}');
  });

  it('supports top-level arrays and strings', () => {
    expect(renderJson('["{{call_id}}", 2]', { call_id: 'a' })).toBe('["a",2]');
    expect(renderJson('"{{call_id}}"', { call_id: '"' })).toBe('"\\""');
  });

  it('renders sections, inverted sections and {{.}}', () => {
    const body = '{"a": "{{#call_id}}id={{.}} agent={{agent_id}}{{/call_id}}{{^call_id}}no call{{/call_id}}"}';
    expect(validateTemplate(body, 'json', CALL_FIELDS)).toEqual([]);
    expect(JSON.parse(renderJson(body, { call_id: 'c"1', agent_id: 'a\\7' }))).toEqual({ a: 'id=c"1 agent=a\\7' });
    expect(JSON.parse(renderJson(body, { call_id: '', agent_id: 'a7' }))).toEqual({ a: 'no call' });
    expect(JSON.parse(renderJson(body, { agent_id: 'a7' }))).toEqual({ a: 'no call' });
  });

  it('renders hostile values inside sections as valid JSON without HTML escaping', () => {
    const body = '{"a": "{{#call_id}}<{{call_id}}|{{{call_id}}}|{{.}}>{{/call_id}}"}';
    for (const value of HOSTILE_VALUES.filter((hostile) => hostile !== '')) {
      expect(JSON.parse(renderJson(body, { call_id: value })), JSON.stringify(value)).toEqual({ a: `<${value}|${value}|${value}>` });
    }
  });

  it('resolves dotted field names literally, with and without sections', () => {
    const fields = new Set(['customer.name']);
    const body = '["{{customer.name}}", "{{#customer.name}}hi {{customer.name}}{{/customer.name}}"]';
    expect(validateTemplate(body, 'json', fields)).toEqual([]);
    expect(JSON.parse(renderJson(body, { 'customer.name': 'Ann' }))).toEqual(['Ann', 'hi Ann']);
  });

  it('drops mustache comments and accepts whitespace inside tags', () => {
    const body = '{"a": "{{! internal note }}x{{ call_id }}y{{{ call_id }}}{{& call_id }}"}';
    expect(validateTemplate(body, 'json', CALL_FIELDS)).toEqual([]);
    expect(renderJson(body, { call_id: '1' })).toBe('{"a":"x1y11"}');
  });

  it('renders templates whose placeholders were written with JSON escapes', () => {
    // The template is the decoded string: "\u007b\u007bcall_id}}" is {{call_id}}.
    expect(renderJson('["\\u007b\\u007bcall_id}}"]', { call_id: 'x' })).toBe('["x"]');
  });

  it('ignores values of the wrong type rather than failing', () => {
    const values = { call_id: 7, agent_id: { nested: true } } as unknown as Record<string, string>;
    expect(renderJson('["{{call_id}}", "{{agent_id}}"]', values)).toBe('["7",""]');
  });
});
