/**
 * The chosen trigger's fields (from GET /v1/triggers) beside the body. Each field can be
 * dragged into the body or inserted at the cursor with a click or Enter. The list is one tab
 * stop; arrow keys, Home and End move between fields.
 */
import type { Trigger, TriggerField, TriggerList } from '../../../http/schemas';
import { FIELD_DRAG_TYPE } from './body-editor';
import { api, el, find } from './common';

export interface FieldsPanelOptions {
  list: HTMLElement;
  filter: HTMLInputElement;
  triggerName: HTMLElement;
  /** A link to the chosen trigger's JSON Schema (GET /v1/triggers/{id}/schema), for receivers generating types. */
  schemaLink: HTMLAnchorElement;
  /** A field was chosen; fromKeyboard says whether focus should stay in the list. */
  onInsert(placeholder: string, fromKeyboard: boolean): void;
}

export interface FieldsPanel {
  /** Settles with the catalog once it has loaded (null if it failed to). */
  ready: Promise<ReadonlyMap<string, Trigger> | null>;
  show(triggerId: string): void;
  markUsed(body: string): void;
}

/** The field names a body's placeholders name (a quick scan as the body is typed; the server's check is the exact one). */
export function fieldsUsedIn(body: string): Set<string> {
  const names = new Set<string>();
  for (const match of body.matchAll(/\{\{\{?\s*[#^&]?\s*([\w.-]+)\s*\}?\}\}/g)) if (match[1]) names.add(match[1]);
  return names;
}

export function createFieldsPanel(options: FieldsPanelOptions): FieldsPanel {
  const { list, filter, triggerName } = options;
  let catalog: Map<string, Trigger> | null = null;
  let fields: TriggerField[] = [];
  let usedNames = new Set<string>();

  const ready = api<TriggerList>('GET', '/v1/triggers').then((result) => {
    if (result.ok) catalog = new Map(result.data.data.map((trigger) => [trigger.id, trigger]));
    else list.replaceChildren(el('li', { class: 'field-empty' }, 'The fields could not be loaded: ' + result.error.message));
    return catalog;
  });

  function show(triggerId: string): void {
    const trigger = catalog?.get(triggerId);
    fields = trigger ? trigger.fields : [];
    triggerName.textContent = trigger ? 'of “' + trigger.label + '”' : '';
    options.schemaLink.hidden = !trigger;
    if (trigger) options.schemaLink.href = trigger.schema_url;
    render();
  }

  function buttons(): HTMLButtonElement[] {
    return Array.from(list.querySelectorAll<HTMLButtonElement>('.field-insert'));
  }

  function render(): void {
    const query = filter.value.trim().toLowerCase();
    const shown = fields.filter((field) => !query || field.name.toLowerCase().includes(query) || field.description.toLowerCase().includes(query));
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

  function item(field: TriggerField): HTMLLIElement {
    const placeholder = '{{' + field.name + '}}';
    const descriptionId = 'field-desc-' + field.name;
    const button = el('button', { type: 'button', class: 'field-insert', tabindex: '-1', 'aria-describedby': descriptionId, 'data-placeholder': placeholder },
      el('span', { class: 'visually-hidden' }, 'Insert '), placeholder);
    const head = el('div', { class: 'field-head' }, el('span', {}, button, usedNames.has(field.name) ? usedMark() : null), el('span', { class: 'field-type' }, field.type));
    const row = el('li', { class: 'field-item', draggable: 'true', 'data-field': field.name },
      head,
      el('p', { class: 'field-desc', id: descriptionId }, field.description),
      el('p', { class: 'field-example' }, 'Example: ', el('code', {}, field.example)));
    row.addEventListener('dragstart', (event) => {
      if (!event.dataTransfer) return;
      event.dataTransfer.setData('text/plain', placeholder);
      // Marks the drag as one of ours, so the body editor places it itself (see body-editor.ts).
      event.dataTransfer.setData(FIELD_DRAG_TYPE, field.name);
      event.dataTransfer.effectAllowed = 'copy';
      row.classList.add('is-dragging');
    });
    row.addEventListener('dragend', () => { row.classList.remove('is-dragging'); });
    // detail is 0 when a keyboard pressed the button: keep focus in the list for the next field.
    button.addEventListener('click', (event) => { options.onInsert(placeholder, event.detail === 0); });
    return row;
  }

  function usedMark(): HTMLSpanElement {
    return el('span', { class: 'field-used' }, '✓ in body');
  }

  /** Marks fields the body already uses, so it is easy to see what is left. */
  function markUsed(body: string): void {
    const names = fieldsUsedIn(body);
    usedNames = names;
    for (const row of list.querySelectorAll<HTMLElement>('.field-item')) {
      const holder = find(row, '.field-head > span', HTMLElement);
      const mark = holder.querySelector('.field-used');
      const used = names.has(row.dataset.field ?? '');
      if (used && !mark) holder.append(usedMark());
      if (!used && mark) mark.remove();
    }
  }

  const moves: Readonly<Record<string, (index: number, count: number) => number>> = {
    ArrowDown: (index) => index + 1,
    ArrowUp: (index) => index - 1,
    Home: () => 0,
    End: (_index, count) => count - 1,
  };
  list.addEventListener('keydown', (event) => {
    const all = buttons();
    const index = all.findIndex((button) => button === document.activeElement);
    const move = Object.hasOwn(moves, event.key) ? moves[event.key] : undefined;
    if (index < 0 || !move) return;
    event.preventDefault();
    const next = all[Math.max(0, Math.min(all.length - 1, move(index, all.length)))];
    next?.focus();
    next?.scrollIntoView({ block: 'nearest' });
  });
  list.addEventListener('focusin', (event) => {
    if (!(event.target instanceof HTMLElement) || !event.target.classList.contains('field-insert')) return;
    for (const button of buttons()) button.tabIndex = button === event.target ? 0 : -1;
  });
  filter.addEventListener('input', render);

  return { ready, show, markUsed };
}
