/**
 * Page script of the automation editor (editor.js): wires the page together and saves through
 * the API. Errors the API returns are shown beside the field they name (422 details carry a `path`).
 */
import type { ApiError, Automation, Trigger } from '../../http/schemas';
import type { BodyFormat } from '../../domain/vocabulary';
import { AUTH_FIELD_INPUTS, createAuthPanel } from './lib/auth-panel';
import { createBodyEditor } from './lib/body-editor';
import { createConditionBuilder } from './lib/condition-builder';
import { announce, api, ask, byId, el, find, setChildren } from './lib/common';
import { setUpTools } from './lib/editor-tools';
import { createFieldsPanel } from './lib/fields-panel';
import { createHeadersPanel } from './lib/headers-panel';
import { createLiveCheck, type Draft } from './lib/live-check';
import { createRedactPanel } from './lib/redact-panel';
import { setUpSinceActions } from './lib/since-action';
import { turnedOffReport, waitingCount, watchOnBox } from './lib/turn-off';

const form = byId('automation-form', HTMLFormElement);
const automationId = form.dataset.automationId;
const textarea = byId('body', HTMLTextAreaElement);
const triggerSelect = byId('trigger', HTMLSelectElement);
const formError = byId('form-error', HTMLElement);
const formStatus = byId('form-status', HTMLElement);
let dirty = false;
const onBox = automationId ? watchOnBox(automationId, byId('enabled', HTMLInputElement), byId('enabled-note', HTMLElement)) : null;

const bodyEditor = createBodyEditor(textarea, {
  onDrop: (placeholder, spot) => { announce('Inserted ' + placeholder + ' at line ' + spot.line + ', column ' + spot.column + '.'); },
});
const fieldsPanel = createFieldsPanel({
  list: byId('field-list', HTMLElement),
  filter: byId('field-filter', HTMLInputElement),
  triggerName: byId('fields-trigger', HTMLElement),
  schemaLink: byId('fields-schema', HTMLAnchorElement),
  onInsert: (placeholder, fromKeyboard) => {
    const where = bodyEditor.insert(placeholder);
    announce('Inserted ' + placeholder + ' at line ' + where.line + ', column ' + where.column + '.');
    if (!fromKeyboard) bodyEditor.focus();
  },
});
const headersPanel = createHeadersPanel(() => { dirty = true; });
const authPanel = createAuthPanel(() => { dirty = true; });
const redactPanel = createRedactPanel(() => { liveCheck.schedule(0); });
const conditionBuilder = createConditionBuilder(() => { dirty = true; });
const liveCheck = createLiveCheck({
  box: byId('body-check', HTMLElement),
  preview: byId('preview', HTMLElement),
  previewType: byId('preview-type', HTMLElement),
  staleNote: byId('preview-stale', HTMLElement),
  editor: bodyEditor,
  draft,
  onValid: clearBodyError,
});

/** The page renders a radio for each of BodyFormat's values, one of them checked. */
function formatValue(): BodyFormat {
  return find(form, 'input[name="format"]:checked', HTMLInputElement).value as BodyFormat;
}

function draft(): Draft {
  return { trigger: triggerSelect.value, format: formatValue(), body: textarea.value, redact: redactPanel.current() };
}

let catalog: ReadonlyMap<string, Trigger> | null = null;
void fieldsPanel.ready.then((loaded) => {
  catalog = loaded;
  // Rebuilt even for the saved trigger, in case the browser restored another choice of trigger.
  if (catalog) redactPanel.show(catalog.get(triggerSelect.value));
  if (catalog) conditionBuilder.show(catalog.get(triggerSelect.value));
  redactPanel.markUsed(textarea.value);
  fieldsPanel.show(triggerSelect.value);
  fieldsPanel.markUsed(textarea.value);
});
liveCheck.schedule(0);

form.addEventListener('input', (event) => {
  if (!(event.target instanceof HTMLElement && event.target.id === 'field-filter')) dirty = true;
});
textarea.addEventListener('input', () => {
  liveCheck.schedule();
  fieldsPanel.markUsed(textarea.value);
  redactPanel.markUsed(textarea.value);
});
triggerSelect.addEventListener('change', () => {
  if (catalog) redactPanel.show(catalog.get(triggerSelect.value));
  if (catalog) conditionBuilder.show(catalog.get(triggerSelect.value));
  redactPanel.markUsed(textarea.value);
  fieldsPanel.show(triggerSelect.value);
  fieldsPanel.markUsed(textarea.value);
  liveCheck.schedule(0);
});
// The untouched starter body follows the format, so switching to XML does not start with an error.
const STARTERS: Readonly<Record<BodyFormat, string>> = {
  json: '{\n  "event": "{{event}}"\n}',
  xml: '<notification>\n  <event>{{event}}</event>\n</notification>',
};
for (const radio of form.querySelectorAll<HTMLInputElement>('input[name="format"]')) {
  radio.addEventListener('change', () => {
    if (Object.values(STARTERS).includes(textarea.value)) {
      textarea.value = STARTERS[formatValue()];
      textarea.dispatchEvent(new Event('input', { bubbles: true }));
    }
    liveCheck.schedule(0);
  });
}

// ---- errors beside their fields ----

/** API error paths that have an input of their own on this page, and its id. */
const FIELD_INPUTS: Readonly<Record<string, string>> = {
  trigger: 'trigger', url: 'url', name: 'name', body: 'body', max_age_seconds: 'max-age', ...AUTH_FIELD_INPUTS,
};

/**
 * The max age: empty is no limit (null); a number is sent for the API to check, so its range
 * error shows beside the field; text that is no number at all (which the input reads as empty) is 'invalid'.
 */
function maxAge(): number | null | 'invalid' {
  const input = byId('max-age', HTMLInputElement);
  if (input.validity.badInput) return 'invalid';
  return input.value.trim() === '' ? null : input.valueAsNumber;
}

/** The body's error from the last save, once the live check says the body is valid again. */
function clearBodyError(): void {
  const bodyError = byId('body-error', HTMLElement);
  if (bodyError.hidden) return;
  bodyError.hidden = true;
  bodyError.textContent = '';
  textarea.removeAttribute('aria-invalid');
}

function clearErrors(): void {
  formError.hidden = true;
  formError.replaceChildren();
  for (const node of form.querySelectorAll('.field-error[data-for]')) node.remove();
  for (const node of form.querySelectorAll('[aria-invalid="true"]')) node.removeAttribute('aria-invalid');
  const bodyError = byId('body-error', HTMLElement);
  bodyError.hidden = true;
  bodyError.textContent = '';
}

function fieldError(inputId: string, message: string): HTMLElement {
  const input = byId(inputId, HTMLElement);
  input.setAttribute('aria-invalid', 'true');
  if (inputId === 'body') {
    const bodyError = byId('body-error', HTMLElement);
    bodyError.textContent = (bodyError.textContent ? bodyError.textContent + ' ' : '') + message;
    bodyError.hidden = false;
    return input;
  }
  const id = inputId + '-error';
  const existing = document.getElementById(id);
  if (existing) { existing.textContent += ' ' + message; return input; }
  const note = el('p', { class: 'field-error', id, 'data-for': inputId }, message);
  // A header row's error goes under the whole row (name, value, remove), not between its inputs.
  const row = input.closest('.header-row');
  if (row) row.append(note);
  else input.insertAdjacentElement('afterend', note);
  const describedBy = (input.getAttribute('aria-describedby') ?? '').split(' ').filter((part) => part && part !== id);
  input.setAttribute('aria-describedby', [id, ...describedBy].join(' '));
  return input;
}

function showFormError(title: string, lines: string[]): void {
  formError.replaceChildren(el('div', {}, el('h2', {}, title), lines.length ? el('ul', {}, lines.map((line) => el('li', {}, line))) : null));
  formError.hidden = false;
}

/** 422 details go beside their fields; anything without a field of its own goes in the summary. */
function showApiError(error: ApiError): void {
  const general: string[] = [];
  let first: HTMLElement | null = null;
  for (const detail of error.details) {
    const inputId = Object.hasOwn(FIELD_INPUTS, detail.path) ? FIELD_INPUTS[detail.path]
      : detail.path.startsWith('redact.') && document.getElementById('redact-' + detail.path.slice(7)) ? 'redact-' + detail.path.slice(7)
        : detail.path.startsWith('headers.') ? headersPanel.inputFor(detail.path.slice(8))?.id || undefined
          : detail.path.startsWith('conditions') ? conditionBuilder.inputFor(detail.path)?.id || undefined : undefined;
    const capitalized = detail.message.charAt(0).toUpperCase() + detail.message.slice(1);
    if (inputId) first = first ?? fieldError(inputId, capitalized);
    else general.push((detail.path.startsWith('headers.') ? 'Header ' + detail.path.slice(8) : detail.path) + ': ' + capitalized);
  }
  const count = error.details.length;
  showFormError(count ? 'The task was not saved: ' + (count === 1 ? 'one problem needs fixing.' : count + ' problems need fixing.') : error.message, general);
  (first ?? formError).focus();
}

// ---- save ----

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  clearErrors();
  const values = draft();
  const url = byId('url', HTMLInputElement).value.trim();
  const missing: HTMLElement[] = [];
  if (!values.trigger) missing.push(fieldError('trigger', 'Choose the trigger that should send this webhook.'));
  if (!url) missing.push(fieldError('url', 'Enter the URL to send the POST to.'));
  const maxAgeSeconds = maxAge();
  if (maxAgeSeconds === 'invalid') missing.push(fieldError('max-age', 'Enter a whole number of seconds, or leave it empty for no limit.'));
  if (missing[0] || maxAgeSeconds === 'invalid') { showFormError('The task was not saved: some fields need fixing.', []); missing[0]?.focus(); return; }
  const extra = headersPanel.read();
  for (const problem of extra.problems) fieldError(problem.input.id, problem.message);
  if (extra.problems[0]) { showFormError('The task was not saved: a header needs fixing.', []); extra.problems[0].input.focus(); return; }
  const payload = {
    name: byId('name', HTMLInputElement).value.trim() || null,
    trigger: values.trigger, action: 'http_post', url, format: values.format, body: values.body,
    enabled: byId('enabled', HTMLInputElement).checked, redact: values.redact, headers: extra.headers, conditions: conditionBuilder.current(),
    ordering: byId('ordering', HTMLInputElement).checked ? 'per_call' : 'none',
    max_age_seconds: maxAgeSeconds,
    ...authPanel.read(),
  };
  const saveButton = byId('save-button', HTMLButtonElement);
  saveButton.disabled = true;
  formStatus.textContent = 'Saving…';
  // Turning the task off cancels its waiting deliveries: count them to say so once saved.
  const turningOff = Boolean(automationId && onBox?.turningOff());
  const waiting = turningOff && automationId ? await waitingCount(automationId) : null;
  const result = automationId
    ? await api<Automation>('PATCH', '/v1/automations/' + encodeURIComponent(automationId), payload)
    : await api<Automation>('POST', '/v1/automations', payload);
  saveButton.disabled = false;
  formStatus.textContent = '';
  if (!result.ok) { showApiError(result.error); return; }
  dirty = false;
  authPanel.saved();
  if (!automationId) { location.assign('/console/automations/' + encodeURIComponent(result.data.id) + '?flash=created'); return; }
  onBox?.saved(result.data.enabled);
  if (turningOff && !result.data.enabled) {
    setChildren(formStatus, 'Saved ' + new Date().toLocaleTimeString() + '. ', turnedOffReport(automationId, waiting, await waitingCount(automationId)));
    return;
  }
  formStatus.textContent = 'Saved ' + new Date().toLocaleTimeString() + '.';
  announce('Saved.');
});

byId('cancel-link', HTMLAnchorElement).addEventListener('click', (event) => {
  if (dirty && !confirm('Leave without saving your changes?')) event.preventDefault();
});

// ---- delete ----

const deleteButton = document.getElementById('delete-button');
const deleteDialog = document.getElementById('delete-dialog');
if (automationId && deleteButton && deleteDialog instanceof HTMLDialogElement) {
  deleteButton.addEventListener('click', async () => {
    if ((await ask(deleteDialog)) !== 'delete') { deleteButton.focus(); return; }
    const result = await api('DELETE', '/v1/automations/' + encodeURIComponent(automationId));
    if (result.ok) { location.assign('/console?flash=deleted'); return; }
    showFormError('The task was not deleted: ' + result.error.message, []);
    formError.focus();
  });
}

if (automationId) setUpTools(automationId, () => dirty);
if (automationId) setUpSinceActions(automationId);
