import { describe, expect, it } from 'vitest';
import { compileTemplate, DEFAULT_MAX_BODY_BYTES, RenderedBodyTooLarge } from '../../src/domain/template';
import { utf8Length } from '../../src/domain/template/render-budget';

const MiB = 1024 * 1024;

function renderError(render: () => string): unknown {
  try {
    render();
  } catch (error) {
    return error;
  }
  return undefined;
}

function expectTooLarge(render: () => string, limitBytes = DEFAULT_MAX_BODY_BYTES): void {
  const error = renderError(render);
  expect(error).toBeInstanceOf(RenderedBodyTooLarge);
  expect((error as RenderedBodyTooLarge).limitBytes).toBe(limitBytes);
}

describe('rendered body cap', () => {
  it('is 1 MiB of UTF-8 by default and names its limit', () => {
    expect(DEFAULT_MAX_BODY_BYTES).toBe(MiB);
    const error = renderError(() => compileTemplate('["{{call_id}}"]', 'json').render({ call_id: 'x'.repeat(MiB) }));
    expect(error).toBeInstanceOf(RenderedBodyTooLarge);
    expect((error as Error).message).toBe('the rendered body would be larger than 1 MiB');
  });

  it('stops early: thousands of placeholders and a 150 KB value fail fast instead of building hundreds of MB', () => {
    const tags = Array.from({ length: 4_000 }, () => '{{call_id}}');
    const value = 'v'.repeat(150_000); // 600 MB if rendered in full: past V8's string limit
    const started = Date.now();
    expectTooLarge(() => compileTemplate(JSON.stringify({ a: tags.join('') }), 'json').render({ call_id: value }));
    expectTooLarge(() => compileTemplate(JSON.stringify(tags), 'json').render({ call_id: value }));
    expectTooLarge(() => compileTemplate(`<r>${tags.join('')}</r>`, 'xml').render({ call_id: value }));
    expectTooLarge(() => compileTemplate(`<r>{{#call_id}}${tags.join('')}{{/call_id}}</r>`, 'xml').render({ call_id: value }));
    expectTooLarge(() => compileTemplate(JSON.stringify({ a: `{{#call_id}}${tags.join('')}{{/call_id}}` }), 'json').render({ call_id: value }));
    expectTooLarge(() => compileTemplate(JSON.stringify(Object.fromEntries(tags.map((tag, i) => [`${tag}${i}`, 1]))), 'json').render({ call_id: value }));
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('counts bytes of UTF-8 exactly, at the boundary', () => {
    const template = compileTemplate('["{{call_id}}"]', 'json');
    // ["…"] is 4 bytes; é is 2 bytes, 😀 is 4.
    expect(template.render({ call_id: 'x'.repeat(96) }, 100)).toHaveLength(100);
    expectTooLarge(() => template.render({ call_id: 'x'.repeat(97) }, 100), 100);
    expect(utf8Length(template.render({ call_id: 'é'.repeat(48) }, 100))).toBe(100);
    expectTooLarge(() => template.render({ call_id: 'é'.repeat(49) }, 100), 100); // 53 code units, 102 bytes
    expect(utf8Length(template.render({ call_id: '😀'.repeat(24) }, 100))).toBe(100);
    expectTooLarge(() => template.render({ call_id: `${'😀'.repeat(24)}x` }, 100), 100);
  });

  it('counts JSON escaping growth', () => {
    const template = compileTemplate('{"a": "{{call_id}}"}', 'json');
    const control = '\u0001'.repeat(200_000); // 200 KB of text, 1.2 MB once escaped as \u0001
    expectTooLarge(() => template.render({ call_id: control }));
    expect(template.render({ call_id: control }, 2 * MiB)).toHaveLength(1_200_008);
  });

  it('counts XML escaping growth, in plain and section renders', () => {
    const quotes = '"'.repeat(200_000); // 200 KB of text, 1.2 MB once escaped as &quot;
    for (const body of ['<r a="{{call_id}}"/>', '<r>{{#call_id}}{{.}}{{/call_id}}</r>']) {
      const template = compileTemplate(body, 'xml');
      expectTooLarge(() => template.render({ call_id: quotes }));
      expect(template.render({ call_id: quotes.slice(0, 100_000) })).toContain('&quot;'.repeat(100_000));
    }
  });

  it('counts only what is sent when a placeholder key repeats an earlier one', () => {
    // The first member is replaced by the second (last value wins), so only "x" is sent.
    const template = compileTemplate('{"{{call_id}}": "{{agent_id}}", "{{call_id}}": "x"}', 'json');
    expect(template.render({ call_id: 'k', agent_id: 'a'.repeat(600_000) }, 700_000)).toBe('{"k":"x"}');
  });

  it('renders bodies under the cap as before', () => {
    const template = compileTemplate('{"{{call_id}}": ["{{call_id}}", "{{#call_id}}<{{.}}>{{/call_id}}", 1, {"b": null}]}', 'json');
    expect(template.render({ call_id: 'c"1' })).toBe('{"c\\"1":["c\\"1","<c\\"1>",1,{"b":null}]}');
  });
});
