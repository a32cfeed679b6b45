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
