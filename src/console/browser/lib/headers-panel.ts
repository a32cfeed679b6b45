/**
 * The editor's extra request headers (server-rendered rows, see editor-headers.tsx): rows are
 * added and removed here and read back as the automation's `headers` object. The API checks
 * names and values; only what an object cannot carry is checked here (a name given twice, a
 * value without a name), since those would otherwise be lost silently before the API sees them.
 */
import { announce, byId, el } from './common';

export interface HeaderProblem {
  input: HTMLElement;
  message: string;
}

export interface HeadersPanel {
  /** The headers to save, or the problems that keep them from being sent. */
  read(): { headers: Record<string, string>; problems: HeaderProblem[] };
  /** The name input of the row with this header name (for the API's `headers.<name>` errors). */
  inputFor(name: string): HTMLElement | null;
}

export function createHeadersPanel(onChange: () => void): HeadersPanel {
  const list = byId('header-rows', HTMLUListElement);
  const add = byId('add-header', HTMLButtonElement);
  const empty = byId('headers-empty', HTMLElement);
  const max = Number(list.dataset.max ?? '20');
  let created = list.children.length;

  const rows = () => Array.from(list.querySelectorAll<HTMLLIElement>('li.header-row'));
  const nameOf = (row: HTMLElement) => row.querySelector<HTMLInputElement>('input.header-name');
  const valueOf = (row: HTMLElement) => row.querySelector<HTMLInputElement>('input.header-value');

  function refresh(): void {
    const count = rows().length;
    empty.hidden = count > 0;
    add.disabled = count >= max;
  }

  function newRow(): HTMLLIElement {
    const n = ++created;
    return el('li', { class: 'header-row' },
      el('input', { type: 'text', class: 'header-name', id: 'header-name-' + n, 'aria-label': 'Header ' + n + ' name', autocomplete: 'off', spellcheck: 'false', placeholder: 'Authorization' }),
      el('input', { type: 'text', class: 'header-value', id: 'header-value-' + n, 'aria-label': 'Header ' + n + ' value', autocomplete: 'off', spellcheck: 'false', placeholder: 'Bearer …' }),
      el('button', { type: 'button', class: 'button button-quiet header-remove', 'aria-label': 'Remove header ' + n }, 'Remove'));
  }

  add.addEventListener('click', () => {
    const row = newRow();
    list.append(row);
    refresh();
    onChange();
    nameOf(row)?.focus();
  });

  list.addEventListener('click', (event) => {
    if (!(event.target instanceof HTMLElement)) return;
    const button = event.target.closest('button.header-remove');
    const row = button?.closest('li.header-row');
    if (!(row instanceof HTMLLIElement)) return;
    // Focus goes to the row that takes its place, else the one before, else "Add header".
    const next = row.nextElementSibling ?? row.previousElementSibling;
    const removed = nameOf(row)?.value.trim();
    row.remove();
    refresh();
    onChange();
    (next instanceof HTMLElement && nameOf(next) ? nameOf(next)! : add).focus();
    announce(removed ? 'Removed header ' + removed + '.' : 'Removed the header row.');
  });

  function read(): { headers: Record<string, string>; problems: HeaderProblem[] } {
    const entries: [string, string][] = [];
    const problems: HeaderProblem[] = [];
    const seen = new Set<string>();
    for (const row of rows()) {
      const nameInput = nameOf(row);
      const valueInput = valueOf(row);
      if (!nameInput || !valueInput) continue;
      const name = nameInput.value.trim();
      const value = valueInput.value;
      if (!name && !value.trim()) continue; // an empty row is left out, not an error
      if (!name) { problems.push({ input: nameInput, message: 'Enter the header’s name, or remove the row.' }); continue; }
      if (seen.has(name.toLowerCase())) { problems.push({ input: nameInput, message: 'This header is already given above: each header once.' }); continue; }
      seen.add(name.toLowerCase());
      entries.push([name, value]);
    }
    // Object.fromEntries defines own properties, so even a name like "__proto__" reaches the API, which explains it.
    return { headers: Object.fromEntries(entries), problems };
  }

  function inputFor(name: string): HTMLElement | null {
    return rows().map(nameOf).find((input) => input?.value.trim() === name) ?? null;
  }

  refresh();
  return { read, inputFor };
}
