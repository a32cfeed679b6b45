/**
 * The editor's condition builder (markup in editor-conditions.tsx): every event, or those where
 * all / any of a list of conditions hold. Each row is a field of the trigger, an operator that
 * fits the field's kind (the catalog's `condition_ops`) and a value. As it is edited, the dry
 * run says how many of the account's most recent events of the trigger it would have matched.
 * Conditions with nested groups (made through the API) are kept as they are, not edited here.
 */
import type { ConditionNode, ConditionOp, Conditions } from '../../../domain/conditions';
import type { ConditionsDryRunResult, Trigger, TriggerField } from '../../../http/schemas';
import { api, byId, el } from './common';

export const OP_LABELS: Readonly<Record<ConditionOp, string>> = {
  eq: 'is', ne: 'is not', in: 'is one of', not_in: 'is none of', gt: 'is greater than', gte: 'is at least',
  lt: 'is less than', lte: 'is at most', exists: 'is present', not_exists: 'is missing', contains: 'contains', starts_with: 'starts with',
};

const NO_VALUE: readonly ConditionOp[] = ['exists', 'not_exists'];
const LIST: readonly ConditionOp[] = ['in', 'not_in'];
/** JSON's number grammar, as the server reads numeric text. */
const NUMERIC = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

interface Row { field: string; op: ConditionOp; value: string }
type Mode = 'every' | 'all' | 'any';

export interface ConditionBuilder {
  show(trigger: Trigger | undefined): void;
  /** What is saved: null for every event. */
  current(): Conditions | null;
  /** The input an API error path (conditions.all.2.value) points at, if it has one on this page. */
  inputFor(path: string): HTMLElement | null;
}

export function createConditionBuilder(onChange: () => void): ConditionBuilder {
  const section = byId('conditions-section', HTMLElement);
  const list = byId('condition-rows', HTMLOListElement);
  const addButton = byId('add-condition', HTMLButtonElement);
  const dryRunLine = byId('dry-run', HTMLElement);
  const saved = section.dataset.conditions ? (JSON.parse(section.dataset.conditions) as Conditions) : null;
  const savedItems = saved ? (saved.all ?? saved.any ?? []) : [];
  // Nested groups are kept whole: the page edits one level of conditions.
  const nested = savedItems.some((item) => item.all !== undefined || item.any !== undefined);
  byId('conditions-nested', HTMLElement).hidden = !nested;
  let rows: Row[] = nested ? [] : savedItems.map(toRow);
  let trigger: Trigger | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let asked = 0;

  const modeInputs = Array.from(section.querySelectorAll<HTMLInputElement>('input[name="conditions-mode"]'));
  const mode = (): Mode => (modeInputs.find((input) => input.checked)?.value ?? 'every') as Mode;
  for (const input of modeInputs) input.disabled = nested;

  function fieldOf(name: string): TriggerField | undefined {
    return trigger?.fields.find((field) => field.name === name);
  }

  function opsOf(name: string): readonly ConditionOp[] {
    return fieldOf(name)?.condition_ops ?? [];
  }

  function render(): void {
    const every = mode() === 'every' || nested;
    list.hidden = every;
    addButton.hidden = every;
    list.replaceChildren(...rows.map(rowElement));
  }

  function rowElement(row: Row, i: number): HTMLLIElement {
    const id = (part: string) => 'cond-' + i + '-' + part;
    const fields = trigger?.fields ?? [];
    const fieldSelect = el('select', { id: id('field'), 'aria-label': 'Field of condition ' + (i + 1) },
      el('option', { value: '' }, 'Choose a field…'),
      fields.map((field) => el('option', { value: field.name, selected: field.name === row.field }, field.name)),
      // A saved field the trigger lacks stays shown, so saving names it as the problem.
      row.field && !fieldOf(row.field) ? el('option', { value: row.field, selected: true }, row.field + ' (not a field of this trigger)') : null);
    const ops = opsOf(row.field);
    const opSelect = el('select', { id: id('op'), 'aria-label': 'Operator of condition ' + (i + 1) },
      ops.map((op) => el('option', { value: op, selected: op === row.op }, OP_LABELS[op])));
    const kind = fieldOf(row.field)?.kind;
    const value = kind === 'boolean' && !LIST.includes(row.op)
      ? el('select', { id: id('value'), 'aria-label': 'Value of condition ' + (i + 1) },
        ['true', 'false'].map((text) => el('option', { value: text, selected: row.value === text }, text)))
      : el('input', {
        id: id('value'), type: 'text', value: row.value, autocomplete: 'off', 'aria-label': 'Value of condition ' + (i + 1),
        placeholder: LIST.includes(row.op) ? 'values, separated by commas' : kind === 'number' ? 'a number' : 'text',
      });
    value.hidden = NO_VALUE.includes(row.op);
    if (kind === 'boolean' && !row.value) row.value = 'true';
    const remove = el('button', { type: 'button', class: 'button button-small', 'aria-label': 'Remove condition ' + (i + 1) }, 'Remove');

    fieldSelect.addEventListener('change', () => {
      row.field = fieldSelect.value;
      const fits = opsOf(row.field);
      if (!fits.includes(row.op)) row.op = fits[0] ?? 'eq';
      row.value = '';
      changed(true);
    });
    opSelect.addEventListener('change', () => { row.op = opSelect.value as ConditionOp; changed(true); });
    value.addEventListener('input', () => { row.value = value.value; changed(false); });
    value.addEventListener('change', () => { row.value = value.value; changed(false); });
    remove.addEventListener('click', () => { rows = rows.filter((r) => r !== row); changed(true); addButton.focus(); });
    return el('li', { class: 'condition-row', 'data-index': i }, fieldSelect, opSelect, value, remove);
  }

  function changed(structure: boolean): void {
    if (structure) render();
    onChange();
    scheduleDryRun();
  }

  function current(): Conditions | null {
    if (nested) return saved;
    const m = mode();
    if (m === 'every') return null;
    const items = rows.map(toCondition);
    return m === 'all' ? { all: items } : { any: items };
  }

  function toCondition(row: Row): ConditionNode {
    if (NO_VALUE.includes(row.op)) return { field: row.field, op: row.op };
    const kind = fieldOf(row.field)?.kind;
    const typed = (text: string): string | number | boolean => {
      if (kind === 'number' && NUMERIC.test(text)) return Number(text);
      if (kind === 'boolean' && (text === 'true' || text === 'false')) return text === 'true';
      return text;
    };
    if (LIST.includes(row.op)) return { field: row.field, op: row.op, value: row.value.split(',').map((part) => part.trim()).filter(Boolean).map(typed) };
    return { field: row.field, op: row.op, value: typed(row.value.trim()) };
  }

  function scheduleDryRun(): void {
    clearTimeout(timer);
    timer = setTimeout(() => { void dryRun(); }, 400);
  }

  async function dryRun(): Promise<void> {
    const conditions = current();
    const ask = ++asked;
    if (!trigger || conditions === null) { dryRunLine.textContent = ''; return; }
    if (rows.length === 0 && !nested) { dryRunLine.textContent = 'Add a condition to see how many recent events it matches.'; return; }
    if (!nested && rows.some((row) => !row.field)) { dryRunLine.textContent = 'Choose a field for every condition.'; return; }
    dryRunLine.textContent = 'Checking recent events…';
    const result = await api<ConditionsDryRunResult>('POST', '/v1/automations/conditions/dry-run', { trigger: trigger.id, conditions });
    if (ask !== asked) return; // a newer edit asked again
    if (!result.ok) {
      const detail = result.error.details[0];
      dryRunLine.textContent = result.status === 422 && detail
        ? 'Not checked: ' + describePath(detail.path) + ': ' + detail.message
        : 'Not checked: ' + result.error.message;
      dryRunLine.classList.add('is-error');
      return;
    }
    dryRunLine.classList.remove('is-error');
    const { examined, matched } = result.data;
    dryRunLine.textContent = examined === 0
      ? 'No recent events of this trigger are stored to try the conditions on.'
      : 'Would have matched ' + matched + ' of the last ' + examined + (examined === 1 ? ' event.' : ' events.');
  }

  /** "conditions.all.1.value" → "condition 2, value". */
  function describePath(path: string): string {
    const match = /^conditions\.(?:all|any)\.(\d+)(?:\.(\w+))?/.exec(path);
    return match ? 'condition ' + (Number(match[1]) + 1) + (match[2] ? ', ' + match[2] : '') : path;
  }

  function inputFor(path: string): HTMLElement | null {
    const match = /^conditions\.(?:all|any)\.(\d+)\.(field|op|value)$/.exec(path);
    return match ? document.getElementById('cond-' + match[1] + '-' + match[2]) : null;
  }

  addButton.addEventListener('click', () => {
    rows.push({ field: '', op: 'eq', value: '' });
    changed(true);
    document.getElementById('cond-' + (rows.length - 1) + '-field')?.focus();
  });
  for (const input of modeInputs) {
    input.addEventListener('change', () => {
      if (mode() !== 'every' && rows.length === 0) rows.push({ field: '', op: 'eq', value: '' });
      changed(true);
    });
  }

  return {
    show(next) { trigger = next; render(); scheduleDryRun(); },
    current,
    inputFor,
  };
}

function toRow(node: ConditionNode): Row {
  const value = node.value === undefined ? '' : Array.isArray(node.value) ? node.value.join(', ') : String(node.value);
  return { field: node.field ?? '', op: node.op ?? 'eq', value };
}
