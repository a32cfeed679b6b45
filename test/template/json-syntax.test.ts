import { describe, expect, it } from 'vitest';
import { validateTemplate, type TemplateProblem } from '../../src/domain/template';
import { CALL_FIELDS, UNWRAPPED_SAMPLE, WRAPPED_SAMPLE } from './fixtures';

function jsonProblems(body: string): TemplateProblem[] {
  return validateTemplate(body, 'json', CALL_FIELDS);
}

/** Exactly one problem, at the given place, whose message starts with the standard prefix. */
function expectSyntaxError(body: string, line: number, column: number, detail: RegExp): void {
  const problems = jsonProblems(body);
  expect(problems).toHaveLength(1);
  const [problem] = problems;
  expect(problem).toMatchObject({ line, column });
  expect(problem?.message).toMatch(new RegExp(`^JSON syntax error at line ${line}, column ${column}: `));
  expect(problem?.message).toMatch(detail);
}

describe('JSON templates: syntax errors carry line and column', () => {
  it('rejects the doc sample as printed (members without enclosing braces)', () => {
    expectSyntaxError(UNWRAPPED_SAMPLE, 1, 7, /unexpected ':' after the JSON value.*without the enclosing \{ \}/);
  });

  it('accepts the doc sample wrapped in braces', () => {
    expect(jsonProblems(WRAPPED_SAMPLE)).toEqual([]);
  });

  it('rejects the wrapped sample missing its final brace', () => {
    const body = WRAPPED_SAMPLE.slice(0, -1);
    const lastLine = body.split('\n').length;
    expectSyntaxError(body, lastLine, body.split('\n').at(-1)!.length + 1, /unexpected end of input: expected ',' or '}'/);
  });

  it('missing comma between members', () => {
    expectSyntaxError('{\n  "a": "x"\n  "b": "y"\n}', 3, 3, /expected ',' or '}' after property value/);
  });

  it('missing comma between array elements', () => {
    expectSyntaxError('[\n  "a"\n  "b"\n]', 3, 3, /expected ',' or '\]' after array element/);
  });

  it('trailing comma in an object is reported at the comma', () => {
    expectSyntaxError('{\n  "a": "x",\n}', 2, 11, /trailing comma before '}'/);
  });

  it('trailing comma in an array is reported at the comma', () => {
    expectSyntaxError('["a", "b",]', 1, 10, /trailing comma before '\]'/);
  });

  it('unterminated string at the end of input is reported at its opening quote', () => {
    expectSyntaxError('{\n  "a": "x', 2, 8, /unterminated string/);
  });

  it('bad escape sequence is reported at the backslash', () => {
    expectSyntaxError('{\n  "a": "x\\q"\n}', 2, 10, /invalid escape sequence '\\q'/);
  });

  it('bad \\u escape', () => {
    expectSyntaxError('{"a": "\\u12G4"}', 1, 8, /\\u must be followed by 4 hexadecimal digits/);
  });

  it('raw newline inside a string (the usual unterminated string)', () => {
    expectSyntaxError('{\n  "a": "line1\nline2"\n}', 2, 14, /line break inside a string/);
  });

  it('raw tab inside a string', () => {
    expectSyntaxError('{"a": "x\ty"}', 1, 9, /unescaped control character U\+0009.*\\t/);
  });

  it('placeholder outside a string points at the placeholder with a hint', () => {
    expectSyntaxError('{\n  "count": {{duration}}\n}', 2, 12, /placeholder \{\{duration\}\} is outside a JSON string.*"\{\{duration\}\}"/);
    expectSyntaxError('{"n": 1, "m": [{{{duration}}}]}', 1, 16, /placeholder \{\{\{duration\}\}\} is outside a JSON string/);
    expectSyntaxError('{"n": "x" {{duration}}}', 1, 11, /placeholder \{\{duration\}\} is outside a JSON string/);
  });

  it('empty and blank bodies', () => {
    expectSyntaxError('', 1, 1, /the body is empty/);
    expectSyntaxError('\n\n  ', 3, 3, /the body is empty/);
  });

  it('counts \\r\\n and lone \\r as one line break each', () => {
    expectSyntaxError('{\r\n"a": 1,\r\n}', 2, 7, /trailing comma/);
    expectSyntaxError('{\r"a": 1,\r}', 2, 7, /trailing comma/);
    expectSyntaxError('{\r\n\r\n\r\n"a" 1}', 4, 5, /expected ':' after property name/);
  });

  it('counts columns in UTF-16 code units', () => {
    // { " é 😀(2 units) " : space 1 ,  → the comma is the 10th code unit
    expectSyntaxError('{"é😀": 1,}', 1, 10, /trailing comma/);
  });

  it('number grammar', () => {
    expectSyntaxError('[01]', 1, 2, /leading zeros/);
    expectSyntaxError('[-01]', 1, 2, /leading zeros/);
    expectSyntaxError('[1.]', 1, 4, /digit after the decimal point/);
    expectSyntaxError('[-]', 1, 3, /digit after '-'/);
    expectSyntaxError('[1e]', 1, 4, /digit in the exponent/);
    expectSyntaxError('[1e+]', 1, 5, /digit in the exponent/);
    expectSyntaxError('[+1]', 1, 2, /unexpected '\+'/);
    expectSyntaxError('[.5]', 1, 2, /unexpected '\.'/);
  });

  it('non-JSON syntax borrowed from JavaScript', () => {
    expectSyntaxError("{'a': 1}", 1, 2, /double quotes/);
    expectSyntaxError("{\"a\": 'x'}", 1, 7, /double quotes/);
    expectSyntaxError('{"a": 1 // note\n}', 1, 9, /expected ',' or '}'/);
    expectSyntaxError('// note\n{}', 1, 1, /comments are not allowed/);
    expectSyntaxError('{a: 1}', 1, 2, /expected a property name in double quotes, found 'a'/);
    expectSyntaxError('{"a": undefined}', 1, 7, /unexpected word 'undefined'/);
    expectSyntaxError('[NaN]', 1, 2, /unexpected word 'NaN'/);
    expectSyntaxError('[True]', 1, 2, /unexpected word 'True'/);
  });

  it('content after the value', () => {
    expectSyntaxError('{"a": "b"}\n}', 2, 1, /unexpected '\}' after the end of the JSON value/);
    expectSyntaxError('{} {}', 1, 4, /unexpected '\{' after the end/);
    expectSyntaxError('{}\u00a0', 1, 3, /unexpected character U\+00A0/);
  });

  it('refuses excessive nesting instead of overflowing the stack', () => {
    const deep = '['.repeat(100_000);
    const problems = jsonProblems(deep);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.message).toMatch(/nesting is deeper than 200 levels/);
    expect(jsonProblems('['.repeat(200) + ']'.repeat(200))).toEqual([]);
  });

  it('accepts any JSON value at the top level and a leading byte order mark', () => {
    for (const body of ['{}', '[]', '"{{call_id}}"', '0', '-0.5e-3', 'true', 'false', 'null', ' [1, {"a": [null]}] ', '\ufeff{}']) {
      expect(jsonProblems(body), body).toEqual([]);
    }
  });

  it('agrees with JSON.parse on what is valid JSON', () => {
    const corpus = [
      '{"a":1}', '{"a":1,}', '[1,2]', '[1,,2]', '[,1]', '"\\u00e9"', '"\\/"', '"\\a"', '1.0e10', '1E-2', '1e', '-', '00',
      '0.0', '-0', '"\u2028"', '"\u007f"', '"\u001f"', '{"a" "b"}', '{"a":}', '{,}', '[]]', '[[]', '{"a":{"b":[true,false,null]}}',
      'tru', 'nulll', '"abc', '"\\uD83D\\uDE00"', ' \t\r\n1', '1 2', '{"":""}', '"\\"', '[1e9999]',
    ];
    for (const body of corpus) {
      let parses = true;
      try {
        JSON.parse(body);
      } catch {
        parses = false;
      }
      expect(jsonProblems(body).length === 0, body).toBe(parses);
    }
  });
});
