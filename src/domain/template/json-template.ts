/**
 * JSON templates. The body is parsed once into a tree; only the strings of the tree are
 * mustache templates, and output is assembled from JSON.stringify'd strings plus the
 * template's own (validated) structure. No value is ever spliced into JSON text, so the
 * output is valid JSON whatever the values contain.
 */
import { analyzeMustache, fieldProblems, type MustacheAnalysis, type TextProblem } from './mustache-analysis';
import { placeProblem, syntaxProblem, TemplateCompileError, type TemplateProblem } from './problems';
import { parseStrictJson, type JsonNode, type JsonString } from './strict-json';
import type { RenderBudget } from './render-budget';
import { compileText, literalRenderer, type CompiledText, type RenderText } from './text-renderer';
import type { TemplateValues } from './template-values';

export function validateJsonTemplate(body: string, allowedFields: ReadonlySet<string>): TemplateProblem[] {
  const parsed = parseStrictJson(body);
  if (!parsed.ok) return [syntaxProblem('JSON', body, parsed.error.offset, parsed.error.message)];
  const problems: TemplateProblem[] = [];
  const reportedUnknown = new Set<string>();
  for (const node of stringsOf(parsed.root)) {
    const analysis = analyzeTemplateString(node);
    if (!analysis) continue;
    const found = [...analysis.problems.map(withJsonHint), ...fieldProblems(analysis.tags, allowedFields, reportedUnknown)];
    for (const problem of found) problems.push(placeJsonStringProblem(body, node, problem));
  }
  return problems;
}

export function compileJsonTemplate(body: string): RenderText {
  const parsed = parseStrictJson(body);
  if (!parsed.ok) throw new TemplateCompileError([syntaxProblem('JSON', body, parsed.error.offset, parsed.error.message)]);
  const problems: TemplateProblem[] = [];
  const output = new JsonOutput();
  emit(parsed.root, output, (node) => {
    const analysis = analyzeTemplateString(node);
    if (!analysis) return { kind: 'literal', text: node.value };
    if (analysis.tokens === undefined || analysis.problems.length > 0) {
      problems.push(...analysis.problems.map((problem) => placeJsonStringProblem(body, node, withJsonHint(problem))));
      return { kind: 'literal', text: '' };
    }
    return compileText(node.value, analysis.tokens, keepAsIs);
  });
  if (problems.length > 0) throw new TemplateCompileError(problems);
  return output.toRenderer();
}

/** JSON.stringify does all the escaping JSON needs; values must not be HTML-escaped. */
const keepAsIs = (text: string): string => text;

/** Strings without `{{` cannot hold a tag; skipping them keeps validation and compilation cheap. */
function analyzeTemplateString(node: JsonString): MustacheAnalysis | undefined {
  return node.value.includes('{{') ? analyzeMustache(node.value) : undefined;
}

function withJsonHint(problem: TextProblem): TextProblem {
  if (problem.code !== 'unmatched-section') return problem;
  return { ...problem, message: `${problem.message} (a section must open and close within the same JSON string)` };
}

function placeJsonStringProblem(body: string, node: JsonString, problem: TextProblem): TemplateProblem {
  return placeProblem(body, problem, (index) => bodyOffsetOfStringIndex(body, node.offset, index));
}

/** Maps an index in a decoded JSON string back to the body, stepping over escape sequences. */
function bodyOffsetOfStringIndex(body: string, openingQuote: number, index: number): number {
  let offset = openingQuote + 1;
  for (let i = 0; i < index; i++) {
    offset += body.charCodeAt(offset) !== 0x5c ? 1 : body.charAt(offset + 1) === 'u' ? 6 : 2;
  }
  return offset;
}

/** Every string of the document, keys included, in source order. */
function* stringsOf(node: JsonNode): Generator<JsonString> {
  if (node.kind === 'string') yield node;
  else if (node.kind === 'array') for (const item of node.items) yield* stringsOf(item);
  else if (node.kind === 'object') {
    for (const { key, value } of node.members) {
      yield key;
      yield* stringsOf(value);
    }
  }
}

type CompileString = (node: JsonString) => CompiledText;

/**
 * Output is a list of pieces: constant JSON text (everything without placeholders is
 * serialised once, here) and render functions for the strings that have placeholders.
 */
class JsonOutput {
  private readonly pieces: (string | RenderText)[] = [];

  text(json: string): void {
    const last = this.pieces.length - 1;
    if (typeof this.pieces[last] === 'string') this.pieces[last] += json;
    else this.pieces.push(json);
  }

  dynamic(render: RenderText): void {
    this.pieces.push(render);
  }

  toRenderer(): RenderText {
    const pieces = this.pieces;
    const only = pieces[0];
    if (pieces.length === 1 && typeof only === 'string') return literalRenderer(only);
    return (values, budget) => {
      let out = '';
      for (const piece of pieces) {
        if (typeof piece === 'string') {
          budget.charge(piece.length);
          out += piece;
        } else out += piece(values, budget);
      }
      return out;
    };
  }
}

function emit(node: JsonNode, output: JsonOutput, compileString: CompileString): void {
  switch (node.kind) {
    case 'literal':
      output.text(node.text);
      return;
    case 'string':
      emitString(compileString(node), output);
      return;
    case 'array':
      output.text('[');
      node.items.forEach((item, index) => {
        if (index > 0) output.text(',');
        emit(item, output, compileString);
      });
      output.text(']');
      return;
    case 'object':
      emitObject(node.members, output, compileString);
      return;
  }
}

function emitString(compiled: CompiledText, output: JsonOutput): void {
  if (compiled.kind === 'literal') output.text(JSON.stringify(compiled.text));
  else output.dynamic((values, budget) => stringifyCharged(compiled.render(values, budget), budget));
}

/** JSON.stringify of a string whose text was already charged: charges the quotes and escapes. */
function stringifyCharged(text: string, budget: RenderBudget): string {
  const json = JSON.stringify(text);
  budget.charge(json.length - text.length);
  return json;
}

/**
 * Duplicate keys are resolved like JSON.parse does (last value wins, at the first key's
 * position) so receivers never see them. With literal keys that is decided here; keys
 * with placeholders can only collide once rendered, so those objects dedupe per render.
 */
function emitObject(members: readonly { key: JsonString; value: JsonNode }[], output: JsonOutput, compileString: CompileString): void {
  const compiledMembers = members.map(({ key, value }) => ({ key: compileString(key), value }));
  if (compiledMembers.every((member) => member.key.kind === 'literal')) {
    const valueByKey = new Map<string, JsonNode>();
    for (const { key, value } of compiledMembers) if (key.kind === 'literal') valueByKey.set(key.text, value);
    output.text('{');
    let first = true;
    for (const [key, value] of valueByKey) {
      output.text(`${first ? '' : ','}${JSON.stringify(key)}:`);
      emit(value, output, compileString);
      first = false;
    }
    output.text('}');
    return;
  }
  const renderers = compiledMembers.map(({ key, value }) => {
    const valueOutput = new JsonOutput();
    emit(value, valueOutput, compileString);
    const renderKey: RenderText = key.kind === 'literal' ? literalRenderer(key.text) : key.render;
    return { renderKey, renderValue: valueOutput.toRenderer() };
  });
  output.dynamic((values: TemplateValues, budget: RenderBudget) => {
    // Every member is charged as rendered; the members a later duplicate replaces are
    // given back by the final settle.
    const before = budget.used;
    const memberByKey = new Map<string, { keyJson: string; json: string }>();
    for (const { renderKey, renderValue } of renderers) {
      const key = renderKey(values, budget);
      const keyJson = JSON.stringify(key);
      budget.charge(keyJson.length - key.length + 2); // `:` and `,`
      memberByKey.set(key, { keyJson, json: renderValue(values, budget) });
    }
    let out = '{';
    for (const { keyJson, json } of memberByKey.values()) out += `${out.length > 1 ? ',' : ''}${keyJson}:${json}`;
    out += '}';
    budget.settle(before, out.length);
    return out;
  });
}
