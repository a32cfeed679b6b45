/**
 * Field redaction: an automation may name fields of its trigger whose values are never sent
 * whole (callers' phone numbers and e-mails are personal data). Applied to the values a body
 * is rendered with — real deliveries, test sends and previews alike — so nothing sent, and
 * nothing a receiver echoes into the attempt log, carries the original value.
 */
import { z } from 'zod';
import type { Trigger } from '../catalog';
import { toTemplateValues, type TemplateValues } from './template';

/** `last4`: keep the last 4 characters and mask the rest; `hide`: send empty text. */
export const RedactMode = z.enum(['last4', 'hide']);
export type RedactMode = z.infer<typeof RedactMode>;

/** Field name → how it is redacted. Fields not named are sent as they are. */
export type Redactions = Readonly<Record<string, RedactMode>>;

/**
 * ASCII, so a masked value needs no escaping in JSON or XML and reads the same in any
 * receiver's charset. One per masked character: the value keeps its length and shape
 * ("*********8192"), which says little about a phone number or an e-mail address.
 */
export const MASK_CHARACTER = '*';
export const KEPT_CHARACTERS = 4;
/** More than any trigger has fields (39 at most): a bound on the request, not a product limit. */
export const MAX_REDACTIONS = 50;

/**
 * Characters are code points, never UTF-16 units, so a masked value never holds half a
 * surrogate pair. A value of KEPT_CHARACTERS or fewer is masked whole: keeping "the last 4"
 * of a 3-character value would send all of it.
 */
export function redactText(text: string, mode: RedactMode): string {
  if (mode === 'hide') return '';
  const characters = Array.from(text);
  if (characters.length <= KEPT_CHARACTERS) return MASK_CHARACTER.repeat(characters.length);
  const masked = characters.length - KEPT_CHARACTERS;
  return MASK_CHARACTER.repeat(masked) + characters.slice(masked).join('');
}

/**
 * The text values a body is rendered with, redacted. A value is redacted as the text it would
 * have rendered as (a number by its digits, an array or object by its JSON); null renders as
 * empty text, so there is nothing to mask; a missing field stays missing (renders empty).
 */
export function redactedTemplateValues(data: Readonly<Record<string, unknown>>, redactions: Redactions): Record<string, string> {
  const values = toTemplateValues(data);
  redactInPlace(values, redactions);
  return values;
}

/**
 * The same for values already converted (the consumer converts an event's data once for all
 * of its deliveries): a redacted copy, or the values themselves when nothing is redacted.
 */
export function redactValues(values: TemplateValues, redactions: Redactions): TemplateValues {
  if (Object.keys(redactions).length === 0) return values;
  const copy: Record<string, string> = Object.assign(Object.create(null) as Record<string, string>, values);
  redactInPlace(copy, redactions);
  return copy;
}

function redactInPlace(values: Record<string, string>, redactions: Redactions): void {
  for (const [name, mode] of Object.entries(redactions)) {
    if (Object.hasOwn(values, name)) values[name] = redactText(values[name]!, mode);
  }
}

export interface RedactionProblem {
  path: string;
  message: string;
}

/** Every redacted field must be a field of the trigger (checked whenever either changes). */
export function checkRedactions(redactions: Redactions, trigger: Trigger): RedactionProblem[] {
  const names = Object.keys(redactions);
  if (names.length > MAX_REDACTIONS) {
    return [{ path: 'redact', message: `at most ${MAX_REDACTIONS} fields can be redacted; ${names.length} were given` }];
  }
  return names
    .filter((name) => !trigger.fieldNames.has(name))
    .map((name) => ({
      path: `redact.${name}`,
      message: `"${name}" is not a field of the trigger "${trigger.id}"; see GET /v1/triggers`,
    }));
}
