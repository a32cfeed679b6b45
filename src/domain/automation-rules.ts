/**
 * The semantic checks an automation must pass, beyond its schema: a known trigger, a target
 * URL we are willing to call, acceptable extra headers, a template that parses and only
 * names fields of its trigger, redactions of that trigger's fields, and conditions on those
 * fields that fit their types. Used when saving and
 * when previewing unsaved drafts.
 */
import { findTrigger } from '../catalog';
import { checkConditions, type Conditions } from './conditions';
import { validateExtraHeaders } from './extra-headers';
import { checkRedactions, type Redactions } from './redaction';
import { checkTargetUrl, type TargetUrlPolicy } from './target-url';
import { validateTemplate, type TemplateFormat } from './template';

export interface Problem {
  path: string;
  message: string;
}

export interface AutomationDraft {
  trigger: string;
  url: string;
  format: TemplateFormat;
  body: string;
  headers: Record<string, string>;
  redact: Redactions;
  conditions?: Conditions | null;
}

export const MAX_TEMPLATE_BYTES = 64 * 1024;

export function checkTemplate(trigger: string, format: TemplateFormat, body: string): Problem[] {
  const known = findTrigger(trigger);
  if (!known) return [{ path: 'trigger', message: `unknown trigger "${trigger}"; see GET /v1/triggers` }];
  if (new TextEncoder().encode(body).length > MAX_TEMPLATE_BYTES) {
    return [{ path: 'body', message: `the body template is limited to ${MAX_TEMPLATE_BYTES / 1024} KiB` }];
  }
  return validateTemplate(body, format, known.fieldNames).map((problem) => ({ path: 'body', message: problem.message }));
}

/** Redactions of an unknown trigger are not checked: checkTemplate reports the trigger. */
export function checkRedact(trigger: string, redact: Redactions): Problem[] {
  const known = findTrigger(trigger);
  return known ? checkRedactions(redact, known) : [];
}

/** Conditions of an unknown trigger are not checked either. */
export function checkConditionsOf(trigger: string, conditions: Conditions | null | undefined): Problem[] {
  const known = findTrigger(trigger);
  return known && conditions ? checkConditions(conditions, known) : [];
}

export function checkAutomation(draft: AutomationDraft, policy: TargetUrlPolicy): Problem[] {
  const problems: Problem[] = [];
  const target = checkTargetUrl(draft.url, policy);
  if (!target.ok) problems.push({ path: 'url', message: target.reason });
  problems.push(...validateExtraHeaders(draft.headers));
  problems.push(...checkTemplate(draft.trigger, draft.format, draft.body));
  problems.push(...checkRedact(draft.trigger, draft.redact));
  problems.push(...checkConditionsOf(draft.trigger, draft.conditions));
  return problems;
}
