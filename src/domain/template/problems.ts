/** The problem shape shown to template authors, and how internal findings become one. */
import type { TextProblem } from './mustache-analysis';
import { positionAt } from './text-position';

export interface TemplateProblem {
  message: string;
  line?: number;
  column?: number;
  placeholder?: string;
}

/** Thrown by compileTemplate for a template that validateTemplate would have rejected. */
export class TemplateCompileError extends Error {
  constructor(readonly problems: readonly TemplateProblem[]) {
    super(`invalid template: ${problems.map((problem) => problem.message).join('; ')}`);
    this.name = 'TemplateCompileError';
  }
}

/** A syntax error of the document itself: the position is part of the message too. */
export function syntaxProblem(language: 'JSON' | 'XML', body: string, offset: number, message: string): TemplateProblem {
  const { line, column } = positionAt(body, offset);
  return { message: `${language} syntax error at line ${line}, column ${column}: ${message}`, line, column };
}

/** Places a problem found in a template text; `toBodyOffset` maps text offsets to body offsets. */
export function placeProblem(body: string, problem: TextProblem, toBodyOffset: (offset: number) => number): TemplateProblem {
  const placed: TemplateProblem = { message: problem.message };
  if (problem.offset !== undefined) {
    const { line, column } = positionAt(body, toBodyOffset(problem.offset));
    Object.assign(placed, { line, column });
    if (problem.showPosition) placed.message = `${problem.message} (line ${line}, column ${column})`;
  }
  if (problem.placeholder !== undefined) placed.placeholder = problem.placeholder;
  return placed;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const LONE_SURROGATE_AT = new RegExp(LONE_SURROGATE.source, 'y');

/** Whether the UTF-16 unit at `offset` is a surrogate without its pair. */
export function isLoneSurrogateAt(text: string, offset: number): boolean {
  LONE_SURROGATE_AT.lastIndex = offset;
  return LONE_SURROGATE_AT.test(text);
}

/**
 * A UTF-16 surrogate without its pair is not a character: D1 stores text as UTF-8, where it
 * silently becomes U+FFFD, so the saved template would differ from the one checked.
 */
export function loneSurrogateProblem(body: string): TemplateProblem | undefined {
  const found = LONE_SURROGATE.exec(body);
  if (!found) return undefined;
  const { line, column } = positionAt(body, found.index);
  const code = found[0].charCodeAt(0).toString(16).toUpperCase();
  return {
    message: `invalid text at line ${line}, column ${column}: a lone UTF-16 surrogate (U+${code}) is not a character; the body must be valid Unicode`,
    line,
    column,
  };
}
