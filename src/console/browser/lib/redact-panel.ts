/**
 * The editor's "Personal data" rows (server-rendered for the saved trigger and body, see
 * editor-redact.tsx): rebuilt from the row template when the trigger changes and reordered as
 * the body changes — the fields the body uses first, marked "in body" — keeping the choice made
 * for a field of the same name, and read back as the automation's `redact`. Redacting a phone
 * number or e-mail field offers to do the same to the trigger's other fields of that kind still
 * sent as is (the catalog's `personal_data`), since a call carries one number under several names.
 */
import type { Trigger, TriggerField } from '../../../http/schemas';
import { byId, el, find } from './common';
import { fieldsUsedIn } from './fields-panel';

export interface RedactPanel {
  /** Shows the trigger's fields (none for no trigger). */
  show(trigger: Trigger | undefined): void;
  /** Puts the fields `body` uses first, marked "in body". */
  markUsed(body: string): void;
  /** Field name → mode for the fields shown now: what is saved and previewed. */
  current(): Record<string, string>;
}

/** The summary's wording, as the server writes it (redactedCount in editor-redact.tsx). */
const countText = (count: number) => (count === 0 ? 'all sent as is' : count === 1 ? '1 field redacted' : count + ' fields redacted');
const KIND_WORDS: Readonly<Record<NonNullable<TriggerField['personal_data']>, string>> = { phone: 'phone number', email: 'e-mail' };
const MODE_WORDS: Readonly<Record<string, string>> = { hide: 'Hide', last4: 'Send only the last 4 of' };

export function createRedactPanel(onChange: () => void): RedactPanel {
  const rows = byId('redact-rows', HTMLElement);
  const table = byId('redact-table', HTMLTableElement);
  const empty = byId('redact-empty', HTMLElement);
  const count = byId('redact-count', HTMLElement);
  const offer = byId('redact-offer', HTMLElement);
  const template = byId('redact-row-template', HTMLTemplateElement);
  /** Every choice made on this page, also for fields the current trigger lacks. */
  const chosen = new Map<string, string>();
  let used = new Set<string>();

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

  function row(field: TriggerField): HTMLTableRowElement {
    const tr = find(template.content, 'tr', HTMLTableRowElement).cloneNode(true) as HTMLTableRowElement;
    tr.dataset.field = field.name;
    if (field.personal_data) tr.dataset.kind = field.personal_data;
    const label = find(tr, 'label', HTMLLabelElement);
    label.htmlFor = 'redact-' + field.name;
    find(label, 'code', HTMLElement).textContent = field.name;
    find(tr, '.field-type', HTMLElement).textContent = field.type;
    const select = find(tr, 'select', HTMLSelectElement);
    select.id = 'redact-' + field.name;
    select.dataset.field = field.name;
    select.value = chosen.get(field.name) ?? '';
    return tr;
  }

  /** Body fields first, each group in the catalog's order (the order rows were built in). */
  function order(): void {
    const all = Array.from(rows.querySelectorAll<HTMLTableRowElement>('tr[data-field]'));
    for (const tr of all) {
      const inBody = used.has(tr.dataset.field ?? '');
      if (inBody) tr.dataset.inBody = 'true';
      else delete tr.dataset.inBody;
      find(tr, '.in-body', HTMLElement).hidden = !inBody;
    }
    const sorted = [...all].sort((a, b) => Number(b.dataset.inBody === 'true') - Number(a.dataset.inBody === 'true') || Number(a.dataset.index) - Number(b.dataset.index));
    if (sorted.some((tr, i) => tr !== all[i])) rows.replaceChildren(...sorted);
  }

  function show(trigger: Trigger | undefined): void {
    const fields = trigger?.fields ?? [];
    rows.replaceChildren(...fields.map((field, index) => {
      const tr = row(field);
      tr.dataset.index = String(index);
      return tr;
    }));
    table.hidden = fields.length === 0;
    empty.hidden = fields.length > 0;
    offer.replaceChildren();
    order();
    updateCount();
  }

  function markUsed(body: string): void {
    used = fieldsUsedIn(body);
    order();
  }

  function choose(select: HTMLSelectElement, value: string): void {
    select.value = value;
    if (value) chosen.set(select.dataset.field ?? '', value);
    else chosen.delete(select.dataset.field ?? '');
  }

  /** After a phone or e-mail field is redacted: offer the same for the others of its kind still sent whole. */
  function offerSameKind(select: HTMLSelectElement): void {
    offer.replaceChildren();
    const kind = select.closest('tr')?.dataset.kind as keyof typeof KIND_WORDS | undefined;
    if (!kind || !select.value) return;
    const others = selects().filter((other) => other !== select && !other.value && other.closest('tr')?.dataset.kind === kind);
    if (others.length === 0) return;
    const names = others.map((other) => other.dataset.field ?? '');
    const accept = el('button', { type: 'button', class: 'button button-small button-primary' },
      (MODE_WORDS[select.value] ?? 'Hide') + ' them too');
    const decline = el('button', { type: 'button', class: 'button button-small' }, 'Keep them as they are');
    offer.append(
      el('p', {}, names.length === 1 ? 'One other field of this trigger carries a ' + KIND_WORDS[kind] + ' and is sent as is: ' : names.length + ' other fields of this trigger carry a ' + KIND_WORDS[kind] + ' and are sent as is: ',
        names.map((name, i) => [i > 0 ? ', ' : '', el('code', {}, name)]), '.'),
      el('div', { class: 'button-row' }, accept, decline));
    accept.addEventListener('click', () => {
      for (const other of others) choose(other, select.value);
      offer.replaceChildren(el('p', {}, 'Done: ' + names.join(', ') + (names.length === 1 ? ' is' : ' are') + ' redacted too.'));
      updateCount();
      onChange();
      select.focus();
    });
    decline.addEventListener('click', () => {
      offer.replaceChildren();
      select.focus();
    });
  }

  rows.addEventListener('change', (event) => {
    const select = event.target;
    if (!(select instanceof HTMLSelectElement) || !select.dataset.field) return;
    choose(select, select.value);
    updateCount();
    offerSameKind(select);
    onChange();
  });

  return { show, markUsed, current };
}
