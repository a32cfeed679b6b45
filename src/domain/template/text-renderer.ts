/**
 * Compiles one mustache text (a JSON string or a whole XML body) into a render function.
 *
 * Most notification templates only contain `{{name}}` tags, so those are precompiled into
 * alternating literal/field arrays and rendered by plain concatenation; only texts with
 * sections go through mustache.js. In both paths every value passes through `escapeValue`,
 * whatever the tag form: `{{{x}}}` and `{{&x}}` are not a way around escaping.
 *
 * A render function returns its text having charged the budget for exactly its length,
 * values as they are inserted, so an oversized body is refused before it is built.
 */
import Mustache from 'mustache';
import { closingTagSpan, uncachedWriter, type MustacheToken } from './mustache-analysis';
import type { RenderBudget } from './render-budget';
import { readField, type TemplateValues } from './template-values';

export type EscapeValue = (text: string) => string;
export type RenderText = (values: TemplateValues, budget: RenderBudget) => string;

export type CompiledText = { kind: 'literal'; text: string } | { kind: 'dynamic'; render: RenderText };

/** `tokens` are the text's mustache tokens, already checked (no partials, no delimiter changes). */
export function compileText(text: string, tokens: readonly MustacheToken[], escapeValue: EscapeValue): CompiledText {
  if (!tokens.some((token) => token[0] !== 'text' && token[0] !== '!')) {
    // Joining the text tokens (not `text` itself) drops comments exactly as mustache would.
    return { kind: 'literal', text: tokens.map((token) => (token[0] === 'text' ? token[1] : '')).join('') };
  }
  const hasSections = tokens.some((token) => token[0] === '#' || token[0] === '^');
  return { kind: 'dynamic', render: hasSections ? sectionRenderer(text, tokens, escapeValue) : concatRenderer(tokens, escapeValue) };
}

/** Constant text, charged like any other. */
export function literalRenderer(text: string): RenderText {
  return (_values, budget) => {
    budget.charge(text.length);
    return text;
  };
}

/** Flat texts: literals[0] + field[0] + literals[1] + … + literals[n]. */
function concatRenderer(tokens: readonly MustacheToken[], escapeValue: EscapeValue): RenderText {
  const literals: string[] = [''];
  const fields: string[] = [];
  for (const token of tokens) {
    if (token[0] === 'text') literals[literals.length - 1] += token[1];
    else if (token[0] === 'name' || token[0] === '&') {
      fields.push(token[1].trim());
      literals.push('');
    }
  }
  const head = literals[0] ?? '';
  return (values, budget) => {
    budget.charge(head.length);
    let out = head;
    for (let i = 0; i < fields.length; i++) {
      const value = escapeValue(readField(values, fields[i] as string));
      const literal = literals[i + 1] as string;
      budget.charge(value.length + literal.length);
      out += value + literal;
    }
    return out;
  };
}

/**
 * Texts with sections are rendered by mustache.js, on a rewritten copy of the text where
 * each field is replaced by a plain alias (`f0`, `f1`…) and every value tag by the escaped
 * form `{{fN}}`. The aliases keep mustache's name resolution out of the way: a field named
 * `a.b` would otherwise be looked up as a nested path, one named `length` would resolve
 * against the section's string value, and `toString` against Object.prototype.
 */
function sectionRenderer(text: string, tokens: readonly MustacheToken[], escapeValue: EscapeValue): RenderText {
  const aliasByField = new Map<string, string>();
  const rewrites: { start: number; end: number; replacement: string }[] = [];
  const aliasOf = (field: string): string => {
    let alias = aliasByField.get(field);
    if (alias === undefined) {
      alias = `f${aliasByField.size}`;
      aliasByField.set(field, alias);
    }
    return alias;
  };
  const visit = (list: readonly MustacheToken[]): void => {
    for (const token of list) {
      const [type, rawName, start, end] = token;
      const name = rawName.trim();
      if (type === 'name' || type === '&') {
        rewrites.push({ start, end, replacement: name === '.' ? '{{.}}' : `{{${aliasOf(name)}}}` });
      } else if (type === '#' || type === '^') {
        const alias = aliasOf(name);
        rewrites.push({ start, end, replacement: `{{${type}${alias}}}` });
        rewrites.push({ ...closingTagSpan(text, token), replacement: `{{/${alias}}}` });
        visit(token[4] as MustacheToken[]);
      }
    }
  };
  visit(tokens);
  rewrites.sort((a, b) => a.start - b.start);
  let rewritten = '';
  let copiedUpTo = 0;
  for (const { start, end, replacement } of rewrites) {
    rewritten += text.slice(copiedUpTo, start) + replacement;
    copiedUpTo = end;
  }
  rewritten += text.slice(copiedUpTo);

  // Parsed once here; rendering reuses the tokens (the writer's own cache is disabled).
  const rewrittenTokens = uncachedWriter.parse(rewritten) as string[][];
  const fields = [...aliasByField];
  return (values, budget) => {
    const view: Record<string, string> = Object.create(null) as Record<string, string>;
    for (const [field, alias] of fields) view[alias] = readField(values, field);
    // Values are charged as mustache inserts them; the literal text (at most the template's
    // length: a section over a text value renders once) is settled at the end.
    const before = budget.used;
    const escape = (value: unknown): string => {
      const text = escapeValue(String(value));
      budget.charge(text.length);
      return text;
    };
    const out = uncachedWriter.renderTokens(rewrittenTokens, new Mustache.Context(view), undefined, rewritten, { escape });
    budget.settle(before, out.length);
    return out;
  };
}
