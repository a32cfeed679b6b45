import { describe, expect, it } from 'vitest';
import { compileTemplate, validateTemplate, type TemplateFormat } from '../../src/domain/template';
import { CALL_FIELDS, WRAPPED_SAMPLE } from './fixtures';

describe('placeholders must name fields of the trigger', () => {
  it('names an unknown placeholder and sets `placeholder`', () => {
    expect(validateTemplate('{\n  "phone": "{{customer_phone}}"\n}', 'json', CALL_FIELDS)).toEqual([
      { message: 'unknown placeholder {{customer_phone}}: not a field of this trigger', placeholder: 'customer_phone', line: 2, column: 13 },
    ]);
    expect(validateTemplate('<a>\n {{customer_phone}}</a>', 'xml', CALL_FIELDS)).toEqual([
      { message: 'unknown placeholder {{customer_phone}}: not a field of this trigger', placeholder: 'customer_phone', line: 2, column: 2 },
    ]);
  });

  it('reports every unknown placeholder once, across all strings and keys', () => {
    const body = '{"{{k}}": "{{x}} {{call_id}} {{y}}", "b": ["{{x}}", "{{#s}}{{/s}}", "{{^t}}{{/t}}", "{{{x}}} {{&z}}"]}';
    const problems = validateTemplate(body, 'json', CALL_FIELDS);
    expect(problems.map((problem) => problem.placeholder)).toEqual(['k', 'x', 'y', 's', 't', 'z']);
    expect(problems.find((problem) => problem.placeholder === 's')?.message).toBe('unknown placeholder {{#s}}: not a field of this trigger');
    expect(problems.find((problem) => problem.placeholder === 't')?.message).toBe('unknown placeholder {{^t}}: not a field of this trigger');
  });

  it('places problems correctly after JSON escape sequences', () => {
    // Decoded string: "\nA{{zz}}" — the tag starts after 2 escapes of 2 and 6 source characters.
    expect(validateTemplate('{"a": "\\n\\u0041{{zz}}"}', 'json', CALL_FIELDS)[0]).toMatchObject({ line: 1, column: 16, placeholder: 'zz' });
  });

  it('treats dotted names as unknown unless literally allowed', () => {
    expect(validateTemplate('["{{call_id.length}}"]', 'json', CALL_FIELDS)[0]?.placeholder).toBe('call_id.length');
    expect(validateTemplate('["{{a.b}}"]', 'json', new Set(['a.b']))).toEqual([]);
  });

  it('accepts whitespace inside tags and the doc sample', () => {
    expect(validateTemplate('["{{ call_id }}", "{{{ agent_id }}}", "{{# duration }}{{ . }}{{/ duration }}"]', 'json', CALL_FIELDS)).toEqual([]);
    expect(validateTemplate(WRAPPED_SAMPLE, 'json', CALL_FIELDS)).toEqual([]);
  });

  it('rejects every placeholder when the trigger has no fields', () => {
    expect(validateTemplate('["{{call_id}}"]', 'json', new Set())).toHaveLength(1);
    expect(validateTemplate('["no placeholders"]', 'json', new Set())).toEqual([]);
  });

  it('rejects empty tags and {{.}} outside a section', () => {
    expect(validateTemplate('["{{}}"]', 'json', CALL_FIELDS)[0]?.message).toMatch(/^empty placeholder \{\{\}\}/);
    expect(validateTemplate('["{{.}}"]', 'json', CALL_FIELDS)[0]?.message).toMatch(/\{\{\.\}\} can only be used inside a section/);
    expect(validateTemplate('<a>{{#call_id}}{{.}}{{/call_id}}</a>', 'xml', CALL_FIELDS)).toEqual([]);
  });

  it('allows comments, whose content is not checked', () => {
    expect(validateTemplate('["{{! {{nope}} is mentioned here }}x"]', 'json', CALL_FIELDS)).toEqual([]);
  });
});

describe('unsupported and broken mustache', () => {
  const formats: [TemplateFormat, (text: string) => string][] = [
    ['json', (text) => JSON.stringify({ a: text })],
    ['xml', (text) => `<a>${text}</a>`],
  ];

  for (const [format, wrap] of formats) {
    it(`${format}: refuses partials`, () => {
      const problems = validateTemplate(wrap('{{> footer}}'), format, CALL_FIELDS);
      expect(problems).toHaveLength(1);
      expect(problems[0]?.message).toMatch(/partials are not supported: \{\{> footer\}\}/);
      expect(problems[0]?.line).toBe(1);
    });

    it(`${format}: refuses delimiter changes, valid or not`, () => {
      for (const text of ['{{=<% %>=}}<% call_id %>', '{{=x=}}']) {
        const problems = validateTemplate(wrap(text), format, CALL_FIELDS);
        expect(problems.some((problem) => /changing delimiters .* not supported/.test(problem.message)), text).toBe(true);
      }
    });

    it(`${format}: reports unclosed sections, stray closing tags and unclosed tags without throwing`, () => {
      const cases: [string, RegExp][] = [
        ['{{#call_id}}x', /section \{\{#call_id\}\} is not closed: add \{\{\/call_id\}\}/],
        ['{{#call_id}}{{#agent_id}}{{/call_id}}{{/agent_id}}', /section \{\{#agent_id\}\} must be closed with \{\{\/agent_id\}\} before this closing tag/],
        ['x{{/call_id}}', /closing tag \{\{\/call_id\}\} has no matching opening \{\{#call_id\}\}/],
        ['{{call_id}} {{agent_id', /unclosed tag: '\{\{' without a matching '\}\}'/],
        ['{{{call_id}}', /unclosed tag/],
      ];
      for (const [text, message] of cases) {
        const problems = validateTemplate(wrap(text), format, CALL_FIELDS);
        expect(problems, text).toHaveLength(1);
        expect(problems[0]?.message).toMatch(message);
      }
    });
  }

  it('accepts sections nested 32 deep and refuses a 33rd level, where it opens', () => {
    const nested = (depth: number) => `${'{{#call_id}}'.repeat(depth)}x${'{{/call_id}}'.repeat(depth)}`;
    expect(validateTemplate(`["${nested(32)}"]`, 'json', CALL_FIELDS)).toEqual([]);
    expect(validateTemplate(`<r>${nested(32)}</r>`, 'xml', CALL_FIELDS)).toEqual([]);
    const message = 'sections are nested more than 32 levels deep: {{#call_id}} opens level 33';
    // The 33rd opening tag starts after 32 tags of 12 characters (and `["` or `<r>\n`).
    expect(validateTemplate(`["${nested(2_700)}"]`, 'json', CALL_FIELDS)).toEqual([
      { message: `${message} (line 1, column 387)`, line: 1, column: 387, placeholder: 'call_id' },
    ]);
    expect(validateTemplate(`<r>\n${nested(2_700)}</r>`, 'xml', CALL_FIELDS)).toEqual([
      { message: `${message} (line 2, column 385)`, line: 2, column: 385, placeholder: 'call_id' },
    ]);
    expect(() => compileTemplate(`<r>${nested(33)}</r>`, 'xml')).toThrow(/nested more than 32 levels/);
  });

  it('refuses a lone UTF-16 surrogate in the body, where it is', () => {
    expect(validateTemplate('["a\ud800b"]', 'json', CALL_FIELDS)).toEqual([
      {
        message: 'invalid text at line 1, column 4: a lone UTF-16 surrogate (U+D800) is not a character; the body must be valid Unicode',
        line: 1,
        column: 4,
      },
    ]);
    expect(validateTemplate('<r>\n x\udc00{{nope}}</r>', 'xml', CALL_FIELDS).map(({ line, column, placeholder }) => ({ line, column, placeholder }))).toEqual([
      { line: 2, column: 3, placeholder: undefined },
      { line: 2, column: 4, placeholder: 'nope' },
    ]);
    // A pair is a character; an escape sequence in JSON source is plain ASCII text.
    expect(validateTemplate('["😀 \\ud800"]', 'json', CALL_FIELDS)).toEqual([]);
    expect(validateTemplate('<r>😀</r>', 'xml', CALL_FIELDS)).toEqual([]);
  });

  it('places an unclosed tag at its opening braces', () => {
    expect(validateTemplate('["{{call_id}} {{agent_id"]', 'json', CALL_FIELDS)[0]).toMatchObject({ line: 1, column: 15 });
  });

  it('explains that JSON sections must stay within one string', () => {
    const problems = validateTemplate('["{{#call_id}}", "{{/call_id}}"]', 'json', CALL_FIELDS);
    expect(problems).toHaveLength(2);
    for (const problem of problems) expect(problem.message).toMatch(/within the same JSON string/);
  });
});
