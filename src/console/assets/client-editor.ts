/**
 * Browser module editor.js: wires the editor page together and saves through the API.
 * Errors the API returns are shown beside the field they name (422 details carry a `path`).
 */
export const EDITOR_JS = String.raw`
import { announce, api, el } from './common.js';
import { createBodyEditor } from './body-editor.js';
import { createFieldsPanel } from './fields-panel.js';
import { createLiveCheck } from './live-check.js';
import { setUpTools } from './editor-tools.js';

const form = document.getElementById('automation-form');
const automationId = form.dataset.automationId;
const textarea = document.getElementById('body');
const triggerSelect = document.getElementById('trigger');
const formError = document.getElementById('form-error');
const formStatus = document.getElementById('form-status');
let dirty = false;

const bodyEditor = createBodyEditor(textarea, {
  onDrop: function (placeholder, spot) { announce('Inserted ' + placeholder + ' at line ' + spot.line + ', column ' + spot.column + '.'); },
});
const fieldsPanel = createFieldsPanel({
  list: document.getElementById('field-list'),
  filter: document.getElementById('field-filter'),
  triggerName: document.getElementById('fields-trigger'),
  onInsert: function (placeholder, fromKeyboard) {
    const where = bodyEditor.insert(placeholder);
    announce('Inserted ' + placeholder + ' at line ' + where.line + ', column ' + where.column + '.');
    if (!fromKeyboard) bodyEditor.focus();
  },
});
const liveCheck = createLiveCheck({
  box: document.getElementById('body-check'),
  preview: document.getElementById('preview'),
  previewType: document.getElementById('preview-type'),
  staleNote: document.getElementById('preview-stale'),
  editor: bodyEditor,
  draft: draft,
});

function formatValue() {
  const checked = form.querySelector('input[name="format"]:checked');
  return checked ? checked.value : 'json';
}

function draft() {
  return { trigger: triggerSelect.value, format: formatValue(), body: textarea.value };
}

fieldsPanel.ready.then(function () {
  fieldsPanel.show(triggerSelect.value);
  fieldsPanel.markUsed(textarea.value);
});
liveCheck.schedule(0);

form.addEventListener('input', function (event) {
  if (event.target.id !== 'field-filter') dirty = true;
});
textarea.addEventListener('input', function () {
  liveCheck.schedule();
  fieldsPanel.markUsed(textarea.value);
});
triggerSelect.addEventListener('change', function () {
  fieldsPanel.show(triggerSelect.value);
  fieldsPanel.markUsed(textarea.value);
  liveCheck.schedule(0);
});
// The untouched starter body follows the format, so switching to XML does not start with an error.
const STARTERS = {
  json: '{\n  "event": "{{event}}"\n}',
  xml: '<notification>\n  <event>{{event}}</event>\n</notification>',
};
for (const radio of form.querySelectorAll('input[name="format"]')) {
  radio.addEventListener('change', function () {
    if (Object.values(STARTERS).includes(textarea.value)) {
      textarea.value = STARTERS[formatValue()];
      textarea.dispatchEvent(new Event('input', { bubbles: true }));
    }
    liveCheck.schedule(0);
  });
}

// ---- errors beside their fields ----

const FIELD_INPUTS = { trigger: 'trigger', url: 'url', name: 'name', body: 'body' };

function clearErrors() {
  formError.hidden = true;
  formError.replaceChildren();
  for (const node of form.querySelectorAll('.field-error[data-for]')) node.remove();
  for (const node of form.querySelectorAll('[aria-invalid="true"]')) node.removeAttribute('aria-invalid');
  const bodyError = document.getElementById('body-error');
  bodyError.hidden = true;
  bodyError.textContent = '';
}

function fieldError(inputId, message) {
  const input = document.getElementById(inputId);
  input.setAttribute('aria-invalid', 'true');
  if (inputId === 'body') {
    const bodyError = document.getElementById('body-error');
    bodyError.textContent = (bodyError.textContent ? bodyError.textContent + ' ' : '') + message;
    bodyError.hidden = false;
    return input;
  }
  const id = inputId + '-error';
  const existing = document.getElementById(id);
  if (existing) { existing.textContent += ' ' + message; return input; }
  const note = el('p', { class: 'field-error', id: id, 'data-for': inputId }, message);
  input.insertAdjacentElement('afterend', note);
  const describedBy = (input.getAttribute('aria-describedby') || '').split(' ').filter(function (part) { return part && part !== id; });
  input.setAttribute('aria-describedby', [id].concat(describedBy).join(' '));
  return input;
}

function showFormError(title, lines) {
  formError.replaceChildren(el('div', {}, el('h2', {}, title), lines.length ? el('ul', {}, lines.map(function (line) { return el('li', {}, line); })) : null));
  formError.hidden = false;
}

/** 422 details go beside their fields; anything without a field of its own goes in the summary. */
function showApiError(error) {
  const general = [];
  let first = null;
  for (const detail of error.details || []) {
    const inputId = FIELD_INPUTS[detail.path];
    const capitalized = detail.message.charAt(0).toUpperCase() + detail.message.slice(1);
    if (inputId) first = first || fieldError(inputId, capitalized);
    else general.push((detail.path.startsWith('headers.') ? 'Header ' + detail.path.slice(8) : detail.path) + ': ' + capitalized);
  }
  const count = (error.details || []).length;
  showFormError(count ? 'The task was not saved: ' + (count === 1 ? 'one problem needs fixing.' : count + ' problems need fixing.') : error.message, general);
  (first || formError).focus();
}

// ---- save ----

form.addEventListener('submit', async function (event) {
  event.preventDefault();
  clearErrors();
  const values = draft();
  const url = document.getElementById('url').value.trim();
  const missing = [];
  if (!values.trigger) missing.push(fieldError('trigger', 'Choose the trigger that should send this webhook.'));
  if (!url) missing.push(fieldError('url', 'Enter the URL to send the POST to.'));
  if (missing.length) { showFormError('The task was not saved: some required fields are empty.', []); missing[0].focus(); return; }
  const payload = {
    name: document.getElementById('name').value.trim() || null,
    trigger: values.trigger, action: 'http_post', url: url, format: values.format, body: values.body,
    enabled: document.getElementById('enabled').checked,
  };
  const saveButton = document.getElementById('save-button');
  saveButton.disabled = true;
  formStatus.textContent = 'Saving…';
  const result = automationId
    ? await api('PATCH', '/v1/automations/' + encodeURIComponent(automationId), payload)
    : await api('POST', '/v1/automations', payload);
  saveButton.disabled = false;
  formStatus.textContent = '';
  if (!result.ok) { showApiError(result.error); return; }
  dirty = false;
  if (!automationId) { location.assign('/console/automations/' + encodeURIComponent(result.data.id) + '?flash=created'); return; }
  formStatus.textContent = 'Saved ' + new Date().toLocaleTimeString() + '.';
  announce('Saved.');
});

document.getElementById('cancel-link').addEventListener('click', function (event) {
  if (dirty && !confirm('Leave without saving your changes?')) event.preventDefault();
});

// ---- delete ----

const deleteButton = document.getElementById('delete-button');
const deleteDialog = document.getElementById('delete-dialog');
if (deleteButton && deleteDialog) {
  deleteButton.addEventListener('click', function () { deleteDialog.showModal(); });
  deleteDialog.addEventListener('close', async function () {
    if (deleteDialog.returnValue !== 'delete') { deleteButton.focus(); return; }
    const result = await api('DELETE', '/v1/automations/' + encodeURIComponent(automationId));
    if (result.ok) { location.assign('/console?flash=deleted'); return; }
    showFormError('The task was not deleted: ' + result.error.message, []);
    formError.focus();
  });
}

if (automationId) setUpTools(automationId, function () { return dirty; });
`;
