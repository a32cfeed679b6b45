/**
 * Browser module fields-panel.js: the chosen trigger's fields (from GET /v1/triggers) beside
 * the body. Each field can be dragged into the body or inserted at the cursor with a click or
 * Enter. The list is one tab stop; arrow keys, Home and End move between fields.
 */
export const FIELDS_PANEL_JS = String.raw`
import { api, el } from './common.js';

export function createFieldsPanel(options) {
  const list = options.list;
  const filter = options.filter;
  const triggerName = options.triggerName;
  let catalog = null;
  let fields = [];
  let usedNames = new Set();

  const ready = api('GET', '/v1/triggers').then(function (result) {
    if (result.ok) catalog = new Map(result.data.data.map(function (trigger) { return [trigger.id, trigger]; }));
    else list.replaceChildren(el('li', { class: 'field-empty' }, 'The fields could not be loaded: ' + result.error.message));
    return catalog;
  });

  function show(triggerId) {
    const trigger = catalog && catalog.get(triggerId);
    fields = trigger ? trigger.fields : [];
    triggerName.textContent = trigger ? 'of “' + trigger.label + '”' : '';
    render();
  }

  function buttons() {
    return Array.from(list.querySelectorAll('.field-insert'));
  }

  function render() {
    const query = filter.value.trim().toLowerCase();
    const shown = fields.filter(function (field) {
      return !query || field.name.toLowerCase().includes(query) || field.description.toLowerCase().includes(query);
    });
    if (!catalog) return;
    if (fields.length === 0) {
      list.replaceChildren(el('li', { class: 'field-empty' }, 'Choose a trigger to see its fields.'));
    } else if (shown.length === 0) {
      list.replaceChildren(el('li', { class: 'field-empty' }, 'No field matches “' + filter.value.trim() + '”.'));
    } else {
      list.replaceChildren(...shown.map(item));
    }
    const first = buttons()[0];
    if (first) first.tabIndex = 0;
  }

  function item(field) {
    const placeholder = '{{' + field.name + '}}';
    const descriptionId = 'field-desc-' + field.name;
    const button = el('button', { type: 'button', class: 'field-insert', tabindex: '-1', 'aria-describedby': descriptionId, 'data-placeholder': placeholder },
      el('span', { class: 'visually-hidden' }, 'Insert '), placeholder);
    const head = el('div', { class: 'field-head' }, el('span', {}, button, usedNames.has(field.name) ? usedMark() : null), el('span', { class: 'field-type' }, field.type));
    const row = el('li', { class: 'field-item', draggable: 'true', 'data-field': field.name },
      head,
      el('p', { class: 'field-desc', id: descriptionId }, field.description),
      el('p', { class: 'field-example' }, 'Example: ', el('code', {}, field.example)));
    row.addEventListener('dragstart', function (event) {
      event.dataTransfer.setData('text/plain', placeholder);
      // Marks the drag as one of ours, so the body editor places it itself (see body-editor.js).
      event.dataTransfer.setData('application/x-notifier-field', field.name);
      event.dataTransfer.effectAllowed = 'copy';
      row.classList.add('is-dragging');
    });
    row.addEventListener('dragend', function () { row.classList.remove('is-dragging'); });
    // detail is 0 when a keyboard pressed the button: keep focus in the list for the next field.
    button.addEventListener('click', function (event) { options.onInsert(placeholder, event.detail === 0); });
    return row;
  }

  function usedMark() {
    return el('span', { class: 'field-used' }, '✓ in body');
  }

  /** Marks fields the body already uses, so it is easy to see what is left. */
  function markUsed(body) {
    const names = new Set();
    for (const match of body.matchAll(/\{\{\{?\s*[#^&]?\s*([\w.-]+)\s*\}?\}\}/g)) names.add(match[1]);
    usedNames = names;
    for (const row of list.querySelectorAll('.field-item')) {
      const holder = row.querySelector('.field-head > span');
      const mark = holder.querySelector('.field-used');
      const used = names.has(row.dataset.field);
      if (used && !mark) holder.append(usedMark());
      if (!used && mark) mark.remove();
    }
  }

  list.addEventListener('keydown', function (event) {
    const all = buttons();
    const index = all.indexOf(document.activeElement);
    if (index < 0) return;
    const moves = { ArrowDown: index + 1, ArrowUp: index - 1, Home: 0, End: all.length - 1 };
    if (!(event.key in moves)) return;
    event.preventDefault();
    const next = all[Math.max(0, Math.min(all.length - 1, moves[event.key]))];
    next.focus();
    next.scrollIntoView({ block: 'nearest' });
  });
  list.addEventListener('focusin', function (event) {
    if (!event.target.classList.contains('field-insert')) return;
    for (const button of buttons()) button.tabIndex = button === event.target ? 0 : -1;
  });
  filter.addEventListener('input', render);

  return { ready, show, markUsed };
}
`;
