/**
 * The editor's "Personal data" rows (server-rendered for the saved trigger, see
 * editor-redact.tsx): rebuilt from the row template when the trigger changes, keeping the
 * choice made for a field of the same name, and read back as the automation's `redact`.
 */
import type { Trigger } from '../../../http/schemas';
import { byId, find } from './common';

export interface RedactPanel {
  /** Shows the trigger's fields (none for no trigger). */
  show(trigger: Trigger | undefined): void;
  /** Field name → mode for the fields shown now: what is saved and previewed. */
  current(): Record<string, string>;
}

/** The summary's wording, as the server writes it (redactedCount in editor-redact.tsx). */
const countText = (count: number) => (count === 0 ? 'all sent as is' : count === 1 ? '1 field redacted' : count + ' fields redacted');

export function createRedactPanel(onChange: () => void): RedactPanel {
  const rows = byId('redact-rows', HTMLElement);
  const table = byId('redact-table', HTMLTableElement);
  const empty = byId('redact-empty', HTMLElement);
  const count = byId('redact-count', HTMLElement);
  const template = byId('redact-row-template', HTMLTemplateElement);
  /** Every choice made on this page, also for fields the current trigger lacks. */
  const chosen = new Map<string, string>();

  const selects = () => Array.from(rows.querySelectorAll<HTMLSelectElement>('select.redact-choice'));
  for (const select of selects()) if (select.value) chosen.set(select.dataset.field ?? '', select.value);

  function current(): Record<string, string> {
    const redact: Record<string, string> = {};
    for (const select of selects()) if (select.value && select.dataset.field) redact[select.dataset.field] = select.value;
    return redact;
  }

  function updateCount(): void {
    count.textContent = countText(Object.keys(current()).length);
  }

  function row(name: string, type: string): HTMLTableRowElement {
    const tr = find(template.content, 'tr', HTMLTableRowElement).cloneNode(true) as HTMLTableRowElement;
    tr.dataset.field = name;
    const label = find(tr, 'label', HTMLLabelElement);
    label.htmlFor = 'redact-' + name;
    find(label, 'code', HTMLElement).textContent = name;
    find(tr, '.field-type', HTMLElement).textContent = type;
    const select = find(tr, 'select', HTMLSelectElement);
    select.id = 'redact-' + name;
    select.dataset.field = name;
    select.value = chosen.get(name) ?? '';
    return tr;
  }

  function show(trigger: Trigger | undefined): void {
    const fields = trigger?.fields ?? [];
    rows.replaceChildren(...fields.map((field) => row(field.name, field.type)));
    table.hidden = fields.length === 0;
    empty.hidden = fields.length > 0;
    updateCount();
  }

  rows.addEventListener('change', (event) => {
    const select = event.target;
    if (!(select instanceof HTMLSelectElement) || !select.dataset.field) return;
    if (select.value) chosen.set(select.dataset.field, select.value);
    else chosen.delete(select.dataset.field);
    updateCount();
    onChange();
  });

  return { show, current };
}
