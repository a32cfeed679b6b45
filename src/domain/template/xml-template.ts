/**
 * XML templates: the whole body is one mustache text whose values are XML-escaped in every
 * tag form, so a value can never add markup.
 */
import { XMLValidator } from 'fast-xml-parser';
import { analyzeMustache, fieldNamesOf, fieldProblems, tagDisplay, type MustacheAnalysis, type MustacheToken, type TextProblem } from './mustache-analysis';
import { placeProblem, syntaxProblem, TemplateCompileError, type TemplateProblem } from './problems';
import { positionAt } from './text-position';
import { RenderBudget } from './render-budget';
import { compileText, literalRenderer, type RenderText } from './text-renderer';
import { xmlGrammarError } from './xml-grammar';
import { xmlWellFormednessError, type WellFormednessOptions } from './xml-wellformed';

const XML_ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
/**
 * Markup characters, plus characters XML 1.0 cannot carry at all, not even as character
 * references (C0 controls other than tab/LF/CR, U+FFFE/U+FFFF, lone surrogates): those
 * become U+FFFD so that a stray byte in event data does not make the whole payload invalid.
 */
const NEEDS_ESCAPING =
  /[&<>"'\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function escapeXml(text: string): string {
  NEEDS_ESCAPING.lastIndex = 0;
  if (!NEEDS_ESCAPING.test(text)) return text;
  return text.replace(NEEDS_ESCAPING, (ch) => XML_ENTITIES[ch] ?? '\uFFFD');
}

/** Samples the rendered output is checked with: every section skipped, then every section taken. */
const RENDER_SAMPLES = [
  { description: 'with all fields empty', value: '' },
  { description: 'with all fields set', value: 'sample' },
] as const;

export function validateXmlTemplate(body: string, allowedFields: ReadonlySet<string>): TemplateProblem[] {
  const analysis = analyzeMustache(body);
  const problems: TemplateProblem[] = [];
  const syntaxError = xmlSyntaxError(markupOnly(body, analysis), markupOptions(analysis));
  if (syntaxError) problems.push(syntaxProblem('XML', body, syntaxError.offset, syntaxError.message));
  const found = [...analysis.problems, ...fieldProblems(analysis.tags, allowedFields, new Set()), ...misplacedTagProblems(body, analysis)];
  for (const problem of found) problems.push(placeProblem(body, problem, (offset) => offset));
  if (problems.length > 0 || analysis.tokens === undefined) return problems;

  // Sections can produce markup that is only broken once rendered, e.g. {{#a}}<b>{{/a}}</b>.
  const render = compileText(body, analysis.tokens, escapeXml);
  const fields = fieldNamesOf(analysis.tags);
  for (const sample of RENDER_SAMPLES) {
    const sampleValues = Object.fromEntries(fields.map((field) => [field, sample.value]));
    // Sample values are short: the output stays a small multiple of the template.
    const rendered = render.kind === 'literal' ? render.text : render.render(sampleValues, new RenderBudget(Infinity));
    const renderedError = xmlSyntaxError(rendered, { singleRoot: true });
    if (!renderedError) continue;
    const at = positionAt(rendered, renderedError.offset);
    problems.push({
      message:
        `${sample.description}, the rendered XML is not well-formed (output line ${at.line}, column ${at.column}: ` +
        `${renderedError.message}): each section {{#field}}...{{/field}} must enclose whole elements`,
    });
  }
  return problems;
}

/**
 * A rendered body that is not well-formed: values are escaped, but one can still complete
 * markup around it (a value ending `]]` before a literal `>` makes `]]>` in text), and a
 * template saved before a rule was added may break it. Such a body is never sent.
 */
export class RenderedXmlNotWellFormed extends Error {
  override name = 'RenderedXmlNotWellFormed';
}

/** Checks a rendered XML body against the XML 1.0 grammar; throws RenderedXmlNotWellFormed. */
export function checkRenderedXml(xml: string): void {
  const error = xmlGrammarError(xml, { singleRoot: true });
  if (!error) return;
  const at = positionAt(xml, error.offset);
  throw new RenderedXmlNotWellFormed(`the rendered XML is not well-formed (line ${at.line}, column ${at.column}: ${error.message})`);
}

export function compileXmlTemplate(body: string): RenderText {
  const analysis = analyzeMustache(body);
  const syntaxError = xmlSyntaxError(markupOnly(body, analysis), markupOptions(analysis));
  const problems = analysis.problems.map((problem) => placeProblem(body, problem, (offset) => offset));
  if (syntaxError) problems.unshift(syntaxProblem('XML', body, syntaxError.offset, syntaxError.message));
  if (problems.length > 0 || analysis.tokens === undefined) throw new TemplateCompileError(problems);
  const compiled = compileText(body, analysis.tokens, escapeXml);
  if (compiled.kind === 'literal') return literalRenderer(compiled.text);
  if (!mayBreakOnceRendered(analysis.tokens)) return compiled.render;
  const render = compiled.render;
  return (values, budget) => {
    const text = render(values, budget);
    checkRenderedXml(text);
    return text;
  };
}

/**
 * Whether a rendered body can be other than well-formed although its markup is: sections (the
 * saved checks render every section skipped and every one taken, not each mix of them), or a
 * value right before a literal `>` or `]` (a value ending `]]` then makes `]]>` in text; values
 * are escaped, so nothing else they hold can complete markup). Only those bodies are parsed again
 * once rendered: that costs about 40 µs for a small body, but some 100 ms per MiB.
 */
function mayBreakOnceRendered(tokens: readonly MustacheToken[]): boolean {
  return tokens.some((token, i) => {
    if (token[0] === '#' || token[0] === '^') return true;
    if (token[0] !== 'name' && token[0] !== '&') return false;
    const next = tokens[i + 1];
    return next !== undefined && (next[0] !== 'text' || /^[>\]]/.test(next[1]));
  });
}

/**
 * The markup check looks at the XML the author wrote, not at mustache syntax: section and
 * comment tags produce no text, so they are seen as spaces (this lets a section wrap the root
 * element or an attribute; whether the result stays well-formed is what the render samples
 * check), and the `&` of `{{&name}}` is not an XML entity. Offsets are kept, so positions stay right.
 */
function markupOnly(body: string, analysis: MustacheAnalysis): string {
  const chars = body.split('');
  for (const { start, end } of analysis.controlSpans) chars.fill(' ', start, end);
  for (const tag of analysis.tags) {
    if (tag.kind !== 'value') continue;
    for (let i = tag.offset; i < tag.end; i++) if (chars[i] === '&') chars[i] = ' ';
  }
  return chars.join('');
}

/** Sections may choose between root elements; their rendered samples get the single-root check. */
function markupOptions(analysis: MustacheAnalysis): WellFormednessOptions {
  return { singleRoot: !analysis.tags.some((tag) => tag.kind === 'section' || tag.kind === 'inverted') };
}

const NON_TEXT_REGIONS: readonly { pattern: RegExp; name: string }[] = [
  { pattern: /<!--[\s\S]*?(?:-->|$)/g, name: 'an XML comment' },
  { pattern: /<!\[CDATA\[[\s\S]*?(?:\]\]>|$)/g, name: 'a CDATA section' },
  { pattern: /<\?[\s\S]*?(?:\?>|$)/g, name: 'a processing instruction' },
  { pattern: /<!DOCTYPE[\s\S]*?(?:>|$)/gi, name: 'the DOCTYPE' },
];

/**
 * Escaping protects text and attribute values only: in a comment a value holding `--` or
 * in CDATA one holding `]]>` would still break out, so tags are refused there.
 */
function misplacedTagProblems(body: string, analysis: MustacheAnalysis): TextProblem[] {
  const problems: TextProblem[] = [];
  const placedTags = analysis.tags.filter((tag) => tag.kind === 'value' || tag.kind === 'section' || tag.kind === 'inverted');
  if (placedTags.length === 0) return problems;
  for (const { pattern, name } of NON_TEXT_REGIONS) {
    for (const region of body.matchAll(pattern)) {
      const end = region.index + region[0].length;
      for (const tag of placedTags) {
        if (tag.offset < region.index || tag.offset >= end) continue;
        problems.push({
          code: 'syntax',
          offset: tag.offset,
          placeholder: tag.name,
          message: `placeholder ${tagDisplay(tag)} is inside ${name}: placeholders can only be used in element text and attribute values`,
        });
      }
    }
  }
  return problems;
}

interface XmlSyntaxError { offset: number; message: string }

function xmlSyntaxError(xml: string, options: WellFormednessOptions): XmlSyntaxError | undefined {
  // A document type declaration can define entities that make receivers read local files or
  // expand without bound (XXE, "billion laughs"); a webhook body never needs one.
  const doctype = /<!DOCTYPE/i.exec(xml);
  if (doctype) return { offset: doctype.index, message: 'a <!DOCTYPE> declaration is not allowed in a webhook body' };
  let result: ReturnType<typeof XMLValidator.validate>;
  try {
    result = XMLValidator.validate(xml);
  } catch (error) {
    // validateTemplate must never throw; a validator crash still means "not acceptable".
    return { offset: 0, message: `the XML could not be checked (${error instanceof Error ? error.message : String(error)})` };
  }
  if (result === true) return xmlWellFormednessError(xml, options) ?? xmlGrammarError(xml, options);
  const { line, col, msg } = result.err;
  // The validator's own "(opened in line L, col C)" uses its line counting; restate it in ours.
  const message = msg.replace(/\(opened in line (\d+), col (\d+)\)/, (_match, openedLine: string, openedColumn: string) => {
    const opened = positionAt(xml, offsetOfValidatorPosition(xml, Number(openedLine), Number(openedColumn)));
    return `(opened at line ${opened.line}, column ${opened.column})`;
  });
  return { offset: offsetOfValidatorPosition(xml, line, col), message: message.replace(/\.$/, '') };
}

/** The validator counts lines split on `\r?\n` and columns in UTF-16 units; turn that back into an offset. */
function offsetOfValidatorPosition(xml: string, line: number, column: number | undefined): number {
  const lineBreak = /\r?\n/g;
  let lineStart = 0;
  for (let current = 1; current < line; current++) {
    const found = lineBreak.exec(xml);
    if (!found) break;
    lineStart = found.index + found[0].length;
  }
  return Math.min(lineStart + Math.max((column ?? 1) - 1, 0), xml.length);
}
