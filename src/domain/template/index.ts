/**
 * Notification body templates: a JSON or XML document whose strings / text hold mustache
 * `{{placeholders}}` filled from an event's fields. Pure domain logic, no I/O.
 *
 * Positions in problems are 1-based; lines end at `\n`, `\r\n` or `\r`; columns count
 * UTF-16 code units (see text-position.ts).
 */
import { BoundedCache } from '../../lib/bounded-cache';
import type { BodyFormat } from '../vocabulary';
import { compileJsonTemplate, validateJsonTemplate } from './json-template';
import { loneSurrogateProblem, type TemplateProblem } from './problems';
import { DEFAULT_MAX_BODY_BYTES, renderWithin } from './render-budget';
import type { TemplateValues } from './template-values';
import { compileXmlTemplate, validateXmlTemplate } from './xml-template';

export type TemplateFormat = BodyFormat;
export type { TemplateProblem } from './problems';
export { TemplateCompileError } from './problems';
export { DEFAULT_MAX_BODY_BYTES, describeBytes, overUtf8Bytes, RenderedBodyTooLarge } from './render-budget';
export { RenderedXmlNotWellFormed } from './xml-template';
export { MAX_VALUE_DEPTH, tooDeepFields, tooDeepReason, toTemplateValues, ValueNotRenderable, type TemplateValues } from './template-values';

export interface CompiledTemplate {
  readonly format: TemplateFormat;
  readonly contentType: string;
  /**
   * Throws RenderedBodyTooLarge, without building the whole body, when it would exceed `maxBytes`
   * of UTF-8; for XML, RenderedXmlNotWellFormed when the body rendered is not well-formed.
   */
  render(values: Readonly<Record<string, string>>, maxBytes?: number): string;
}

const CONTENT_TYPES: Readonly<Record<TemplateFormat, string>> = {
  json: 'application/json',
  xml: 'application/xml',
};

/** Problems with a template; empty array = valid. allowedFields = the trigger's field names. */
export function validateTemplate(body: string, format: TemplateFormat, allowedFields: ReadonlySet<string>): TemplateProblem[] {
  const invalidText = loneSurrogateProblem(body);
  try {
    const problems = format === 'json' ? validateJsonTemplate(body, allowedFields) : validateXmlTemplate(body, allowedFields);
    return invalidText ? [invalidText, ...problems] : problems;
  } catch (error) {
    // Validation answers user input; an unexpected failure must reject the template, not crash the request.
    return [{ message: `the template could not be checked: ${error instanceof Error ? error.message : String(error)}` }];
  }
}

/**
 * Enough for every automation an isolate is likely to serve; the character cap bounds
 * memory when bodies are large (compiled form is a small multiple of the body). One cache
 * per format, keyed by the body itself: a key built by concatenation would be a new string
 * to hash on every render, while the body string usually carries its hash already.
 */
const compiledTemplates: Readonly<Record<TemplateFormat, BoundedCache<string, CompiledTemplate>>> = {
  json: newTemplateCache(),
  xml: newTemplateCache(),
};

function newTemplateCache(): BoundedCache<string, CompiledTemplate> {
  return new BoundedCache({ maxEntries: 250, maxWeight: 1_000_000, weigh: (body) => body.length });
}

/**
 * Compiles (and caches by format+body) a template that validateTemplate accepted.
 * Throws TemplateCompileError for a syntactically invalid one. Unknown fields are not
 * checked here (the trigger is not known); they render as empty text.
 */
export function compileTemplate(body: string, format: TemplateFormat): CompiledTemplate {
  const cache = compiledTemplates[format];
  const cached = cache.get(body);
  if (cached) return cached;
  const renderText = format === 'json' ? compileJsonTemplate(body) : compileXmlTemplate(body);
  const compiled: CompiledTemplate = Object.freeze({
    format,
    contentType: CONTENT_TYPES[format],
    render: (values: TemplateValues, maxBytes = DEFAULT_MAX_BODY_BYTES) => renderWithin(renderText, values, maxBytes),
  });
  cache.set(body, compiled);
  return compiled;
}
