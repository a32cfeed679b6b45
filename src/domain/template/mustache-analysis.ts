/**
 * Reads the mustache structure of one template text (a JSON string or a whole XML body)
 * without rendering it: which tags it uses, where, and what is wrong with them.
 * Parsing is delegated to mustache.js itself so validation agrees exactly with rendering.
 */
import Mustache from 'mustache';

/** A mustache token as produced by mustache.js: [type, value, start, end, children?, closeStart?]. */
export type MustacheToken = [string, string, number, number, ...unknown[]];

export type TagKind = 'value' | 'section' | 'inverted' | 'comment' | 'partial' | 'delimiters';

export interface TagUse {
  kind: TagKind;
  /** The tag's name, trimmed (`{{ call_id }}` → `call_id`). */
  name: string;
  /** Offset of the tag's opening `{{` in the analysed text. */
  offset: number;
  /** Offset just after the tag's closing `}}`. */
  end: number;
  withinSection: boolean;
}

export type ProblemCode = 'syntax' | 'unmatched-section' | 'refused-tag' | 'unknown-field' | 'misplaced-dot' | 'too-deep';

/**
 * Sections inside sections, at most. Rendering recurses once per level (mustache.js), so
 * thousands of levels overflow the stack; no notification needs more than a handful.
 */
export const MAX_SECTION_NESTING = 32;

export interface TextProblem {
  code: ProblemCode;
  message: string;
  /** Offset in the analysed text, when the problem has a place. */
  offset?: number;
  placeholder?: string;
  /** Say the position in the message too (the console marks `line L, column C` found in messages). */
  showPosition?: boolean;
}

export interface MustacheAnalysis {
  /** Parsed tokens; undefined when the text is not valid mustache. */
  tokens: MustacheToken[] | undefined;
  tags: TagUse[];
  /**
   * Spans of tags that produce no text of their own (section openers and closers, comments):
   * the XML check blanks them out to see the markup the author wrote.
   */
  controlSpans: { start: number; end: number }[];
  /** Problems that make the text impossible to render as intended (independent of the fields). */
  problems: TextProblem[];
}

/**
 * A private writer whose template cache is switched off: mustache.js's default writer caches
 * every template string it ever parsed, which would grow without bound in a long-lived isolate.
 * Our compiled-template cache is bounded and keeps the tokens instead.
 */
export const uncachedWriter = new Mustache.Writer();
(uncachedWriter as unknown as { templateCache: unknown }).templateCache = undefined;

const TAG_KIND_BY_TYPE: Readonly<Record<string, TagKind>> = {
  name: 'value',
  '&': 'value',
  '#': 'section',
  '^': 'inverted',
  '!': 'comment',
  '>': 'partial',
  '=': 'delimiters',
};

export function analyzeMustache(text: string): MustacheAnalysis {
  let tokens: MustacheToken[];
  try {
    tokens = uncachedWriter.parse(text) as MustacheToken[];
  } catch (error) {
    return { tokens: undefined, tags: [], controlSpans: [], problems: [describeParseError(text, error)] };
  }
  const tags: TagUse[] = [];
  const controlSpans: MustacheAnalysis['controlSpans'] = [];
  const problems: TextProblem[] = [];
  const tooDeep = collectTags(text, tokens, 0, tags, controlSpans);
  if (tooDeep) {
    problems.push({
      code: 'too-deep',
      offset: tooDeep.offset,
      placeholder: tooDeep.name,
      showPosition: true,
      message: `sections are nested more than ${MAX_SECTION_NESTING} levels deep: ${tagDisplay(tooDeep)} opens level ${MAX_SECTION_NESTING + 1}`,
    });
  }
  for (const tag of tags) {
    if (tag.kind === 'partial') {
      problems.push({
        code: 'refused-tag',
        offset: tag.offset,
        message: `partials are not supported: {{> ${tag.name}}} cannot be used in a notification template`,
      });
    } else if (tag.kind === 'delimiters') {
      problems.push({
        code: 'refused-tag',
        offset: tag.offset,
        message: 'changing delimiters ({{=... ...=}}) is not supported: placeholders always use {{ and }}',
      });
    }
  }
  return { tokens, tags, controlSpans, problems };
}

/**
 * Collects the tags of `tokens` (sections at `depth`) and their children. Does not descend
 * past MAX_SECTION_NESTING, so hostile nesting cannot overflow the stack here either;
 * returns the first section found too deep.
 */
function collectTags(
  text: string,
  tokens: readonly MustacheToken[],
  depth: number,
  tags: TagUse[],
  controlSpans: MustacheAnalysis['controlSpans'],
): TagUse | undefined {
  let tooDeep: TagUse | undefined;
  for (const token of tokens) {
    const kind = TAG_KIND_BY_TYPE[token[0]];
    if (kind === undefined) continue; // plain text
    const tag: TagUse = { kind, name: token[1].trim(), offset: token[2], end: token[3], withinSection: depth > 0 };
    tags.push(tag);
    if (kind === 'comment') controlSpans.push({ start: token[2], end: token[3] });
    if (kind === 'section' || kind === 'inverted') {
      controlSpans.push({ start: token[2], end: token[3] }, closingTagSpan(text, token));
      const deeper = depth + 1 > MAX_SECTION_NESTING ? tag : collectTags(text, token[4] as MustacheToken[], depth + 1, tags, controlSpans);
      tooDeep ??= deeper;
    }
  }
  return tooDeep;
}

/** mustache.js keeps only the start of a section's closing tag; the tag ends at the first `}}`. */
export function closingTagSpan(text: string, sectionToken: MustacheToken): { start: number; end: number } {
  const start = sectionToken[5] as number;
  return { start, end: text.indexOf('}}', start) + 2 };
}

/** How a tag looks in messages: `{{name}}`, `{{#name}}`, `{{^name}}`. */
export function tagDisplay(tag: TagUse): string {
  const sigil = tag.kind === 'section' ? '#' : tag.kind === 'inverted' ? '^' : '';
  return `{{${sigil}${tag.name}}}`;
}

/** Field problems: every name must be a known field; `{{.}}` only means something inside a section. */
export function fieldProblems(
  tags: readonly TagUse[],
  allowedFields: ReadonlySet<string>,
  alreadyReported: Set<string>,
): TextProblem[] {
  const problems: TextProblem[] = [];
  for (const tag of tags) {
    if (tag.kind !== 'value' && tag.kind !== 'section' && tag.kind !== 'inverted') continue;
    if (tag.name === '.' && tag.kind === 'value') {
      if (!tag.withinSection) {
        problems.push({
          code: 'misplaced-dot',
          offset: tag.offset,
          placeholder: '.',
          message: '{{.}} can only be used inside a section such as {{#field}}{{.}}{{/field}}',
        });
      }
      continue;
    }
    if (allowedFields.has(tag.name) || alreadyReported.has(tag.name)) continue;
    alreadyReported.add(tag.name);
    const shown = tagDisplay(tag);
    problems.push({
      code: 'unknown-field',
      offset: tag.offset,
      placeholder: tag.name,
      message:
        tag.name === ''
          ? `empty placeholder ${shown}: write a field name between the braces`
          : `unknown placeholder ${shown}: not a field of this trigger`,
    });
  }
  return problems;
}

/** Names of fields a text refers to, in first-use order (values, sections and inverted sections). */
export function fieldNamesOf(tags: readonly TagUse[]): string[] {
  const names = new Set<string>();
  for (const tag of tags) {
    if ((tag.kind === 'value' || tag.kind === 'section' || tag.kind === 'inverted') && tag.name !== '.' && tag.name !== '') {
      names.add(tag.name);
    }
  }
  return [...names];
}

/**
 * mustache.js reports syntax errors as `Error` messages carrying an offset; turn them into
 * messages a template author understands, placed where the fix is needed.
 */
function describeParseError(text: string, error: unknown): TextProblem {
  const raw = error instanceof Error ? error.message : String(error);
  const unopened = /^Unopened section "(.*)" at (\d+)$/.exec(raw);
  if (unopened) {
    const name = unopened[1] ?? '';
    return {
      code: 'unmatched-section',
      offset: Number(unopened[2]),
      message: `closing tag {{/${name}}} has no matching opening {{#${name}}}`,
    };
  }
  const unclosed = /^Unclosed section "(.*)" at (\d+)$/.exec(raw);
  if (unclosed) {
    const name = unclosed[1] ?? '';
    const offset = Number(unclosed[2]);
    const atEnd = offset >= text.length;
    return {
      code: 'unmatched-section',
      offset,
      message: atEnd
        ? `section {{#${name}}} is not closed: add {{/${name}}}`
        : `section {{#${name}}} must be closed with {{/${name}}} before this closing tag`,
    };
  }
  if (/^Unclosed tag at \d+$/.test(raw)) {
    return { code: 'syntax', offset: unclosedTagOffset(text), message: "unclosed tag: '{{' without a matching '}}'" };
  }
  if (raw.startsWith('Invalid tags')) {
    return {
      code: 'refused-tag',
      message: 'changing delimiters ({{=... ...=}}) is not supported: placeholders always use {{ and }}',
    };
  }
  return { code: 'syntax', message: `template syntax error: ${raw}` };
}

/** mustache.js reports an unclosed tag at the end of the text; the author needs its start. */
function unclosedTagOffset(text: string): number {
  let start = text.indexOf('{{');
  while (start !== -1) {
    let afterOpening = start + 2;
    while (/\s/.test(text.charAt(afterOpening))) afterOpening++;
    const closing = text.charAt(afterOpening) === '{' ? '}}}' : '}}';
    const end = text.indexOf(closing, afterOpening);
    if (end === -1) return start;
    start = text.indexOf('{{', end + closing.length);
  }
  return text.length;
}
