import { describe, expect, it } from 'vitest';
import { compileTemplate, MAX_VALUE_DEPTH, TemplateCompileError, toTemplateValues, ValueNotRenderable } from '../../src/domain/template';
import { positionAt } from '../../src/domain/template/text-position';
import { WRAPPED_SAMPLE } from './fixtures';

describe('toTemplateValues', () => {
  it('turns event data into text', () => {
    expect(
      toTemplateValues({
        text: 'as is',
        int: 42,
        float: -1.5,
        yes: true,
        no: false,
        nothing: null,
        missing: undefined,
        list: [1, 'a', null],
        object: { a: { b: [true] } },
        empty: '',
      }),
    ).toEqual({
      text: 'as is',
      int: '42',
      float: '-1.5',
      yes: 'true',
      no: 'false',
      nothing: '',
      missing: '',
      list: '[1,"a",null]',
      object: '{"a":{"b":[true]}}',
      empty: '',
    });
  });

  it('treats keys such as __proto__ as ordinary fields', () => {
    const values = toTemplateValues(JSON.parse('{"__proto__": "p", "constructor": 1}') as Record<string, unknown>);
    expect(Object.keys(values)).toEqual(['__proto__', 'constructor']);
    expect(values['__proto__']).toBe('p');
    expect(compileTemplate('["{{__proto__}}", "{{constructor}}"]', 'json').render(values)).toBe('["p","1"]');
  });

  it('renders what JSON cannot represent as text, or nothing for what has no text', () => {
    expect(toTemplateValues({ big: 10n, nested: { big: 10n }, fn: () => 1 })).toEqual({ big: '10', nested: '{"big":"10"}', fn: '' });
  });

  it('refuses, naming the field, a value nested too deep to render instead of rendering it as empty text', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < MAX_VALUE_DEPTH; i++) deep = [deep];
    expect(toTemplateValues({ deep }).deep).toBe(JSON.stringify(deep));
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    for (const value of [[deep], { a: deep }, cyclic]) {
      expect(() => toTemplateValues({ call_id: 'CA1', tags: value })).toThrow(
        new ValueNotRenderable('tags', 'arrays and objects nest more than 64 levels deep in it'),
      );
    }
    expect(() => toTemplateValues({ tags: [deep] })).toThrow('the value of "tags" cannot be rendered: arrays and objects nest more than 64 levels deep in it');
  });
});

describe('compileTemplate', () => {
  it('returns the same compiled object for the same format and body', () => {
    const first = compileTemplate(WRAPPED_SAMPLE, 'json');
    expect(compileTemplate(WRAPPED_SAMPLE, 'json')).toBe(first);
    expect(compileTemplate(`${WRAPPED_SAMPLE} `, 'json')).not.toBe(first);
  });

  it('caches per format', () => {
    const json = compileTemplate('"<a/>"', 'json');
    expect(json.contentType).toBe('application/json');
    expect(json.format).toBe('json');
    expect(json.render({})).toBe('"<a/>"');
    expect(() => compileTemplate('"<a/>"', 'xml')).toThrow(TemplateCompileError);
  });

  it('throws TemplateCompileError with the problems of an invalid template', () => {
    let thrown: unknown;
    try {
      compileTemplate('{"a": 1,}', 'json');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(TemplateCompileError);
    expect((thrown as TemplateCompileError).problems).toEqual([
      { message: "JSON syntax error at line 1, column 8: trailing comma before '}' is not allowed", line: 1, column: 8 },
    ]);
    expect(() => compileTemplate('["{{> partial}}"]', 'json')).toThrow(/partials are not supported/);
    expect(() => compileTemplate('<a>{{#x}}</a>', 'xml')).toThrow(/section \{\{#x\}\} is not closed/);
  });

  it('compiles templates with unknown fields (the trigger is not known here)', () => {
    expect(compileTemplate('["{{whatever}}"]', 'json').render({ whatever: 'w' })).toBe('["w"]');
  });
});

describe('positionAt', () => {
  it('is 1-based, counts \\n, \\r\\n and \\r as line breaks and columns in UTF-16 units', () => {
    expect(positionAt('abc', 0)).toEqual({ line: 1, column: 1 });
    expect(positionAt('a\nb\r\nc\rd', 7)).toEqual({ line: 4, column: 1 });
    expect(positionAt('a\r\nb', 2)).toEqual({ line: 1, column: 3 });
    expect(positionAt('😀x', 2)).toEqual({ line: 1, column: 3 });
    expect(positionAt('ab', 99)).toEqual({ line: 1, column: 3 });
  });
});
