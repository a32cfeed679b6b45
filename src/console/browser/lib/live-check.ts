/**
 * Checks the body as the user types (debounced) with POST /v1/automations/preview, shows each
 * problem with its line and column, marks it in the body, and shows the body rendered with the
 * trigger's example values.
 */
import type { ApiError, Preview } from '../../../http/schemas';
import type { BodyFormat } from '../../../domain/vocabulary';
import { positionAt, type BodyEditor, type Mark } from './body-editor';
import { api, el } from './common';

const DEBOUNCE_MS = 350;
const POSITION = /line (\d+), column (\d+)/;
const PLACEHOLDER = /\{\{[^{}]*\}\}/;

export interface Draft {
  trigger: string;
  format: BodyFormat;
  body: string;
  /** Field name → redaction mode, so the preview shows what would be sent. */
  redact: Record<string, string>;
}

export interface LiveCheckOptions {
  box: HTMLElement;
  preview: HTMLElement;
  previewType: HTMLElement;
  staleNote: HTMLElement;
  editor: BodyEditor;
  draft(): Draft;
  /** The body passed the check: an error the server gave for an older version no longer applies. */
  onValid?(): void;
}

export interface LiveCheck {
  /** Checks after the user pauses typing; pass 0 to check at once (e.g. a new trigger). */
  schedule(delay?: number): void;
}

/** One of a 422 answer's details: which part of the request, and what is wrong with it. */
type Problem = ApiError['details'][number];

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Where a problem is: its own line/column, or every use of the placeholder it names. */
function spotsOf(message: string, body: string): Mark[] {
  const position = POSITION.exec(message);
  if (position) return [{ line: Number(position[1]), column: Number(position[2]), length: 1 }];
  const tag = PLACEHOLDER.exec(message)?.[0];
  if (!tag) return [];
  const spots: Mark[] = [];
  for (let at = body.indexOf(tag); at >= 0 && spots.length < 50; at = body.indexOf(tag, at + 1)) {
    const where = positionAt(body, at);
    spots.push({ line: where.line, column: where.column, length: tag.length });
  }
  return spots;
}

/** JSON bodies are sent compact; the preview indents them so they are easy to read. */
function readable(body: string, contentType: string): string {
  if (!/json/.test(contentType)) return body;
  try { return JSON.stringify(JSON.parse(body), null, 2); } catch { return body; }
}

export function createLiveCheck(options: LiveCheckOptions): LiveCheck {
  const { box, preview, previewType, editor, staleNote } = options;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let sequence = 0;
  let shownKey = '';

  /** Replaces the message only when it changed, so screen readers hear each result once. */
  function show(kind: '' | 'ok' | 'error', key: string, content: Node): void {
    box.removeAttribute('aria-busy');
    if (key === shownKey) return;
    shownKey = key;
    box.className = 'check' + (kind ? ' check-' + kind : '');
    box.replaceChildren(content);
  }

  function showProblems(problems: Problem[], body: string): void {
    const marks: Mark[] = [];
    const items = problems.map((problem) => {
      const spots = problem.path === 'body' ? spotsOf(problem.message, body) : [];
      marks.push(...spots);
      const text = (problem.path === 'body' ? '' : problem.path + ': ') + capitalize(problem.message);
      const item = el('li', {}, text);
      const spot = spots[0];
      if (spot) {
        const button = el('button', { type: 'button', class: 'goto', 'aria-label': 'Show line ' + spot.line + ', column ' + spot.column + ' in the body' }, 'Show');
        button.addEventListener('click', () => { editor.goTo(spot.line, spot.column, spot.length); });
        item.append(' ', button);
      }
      return item;
    });
    editor.setMarks(marks);
    const title = problems.length === 1 ? 'The body has a problem:' : 'The body has ' + problems.length + ' problems:';
    show('error', JSON.stringify(problems), el('div', {}, el('strong', {}, title), el('ul', {}, items)));
    preview.classList.add('is-stale');
    staleNote.hidden = !preview.textContent;
  }

  async function run(): Promise<void> {
    const draft = options.draft();
    if (!draft.trigger) {
      editor.setMarks([]);
      show('', 'no-trigger', el('span', {}, 'Choose a trigger to check the body against its fields.'));
      return;
    }
    if (draft.body.trim() === '') {
      editor.setMarks([]);
      show('error', 'empty', el('span', {}, 'Write the body to send.'));
      return;
    }
    const mine = ++sequence;
    const result = await api<Preview>('POST', '/v1/automations/preview', { trigger: draft.trigger, format: draft.format, body: draft.body, redact: draft.redact });
    if (mine !== sequence) return; // a newer check has started; this answer is out of date
    if (result.ok) {
      editor.setMarks([]);
      show('ok', 'ok:' + draft.format + ':' + draft.trigger, el('span', {}, 'Valid ' + draft.format.toUpperCase() + '. Every placeholder is a field of this trigger.'));
      preview.textContent = readable(result.data.body, result.data.content_type);
      preview.classList.remove('is-stale');
      previewType.textContent = result.data.content_type;
      staleNote.hidden = true;
      options.onValid?.();
    } else if (result.status === 422) {
      showProblems(result.error.details.length ? result.error.details : [{ path: 'body', message: result.error.message }], draft.body);
    } else {
      show('error', 'failed:' + result.error.message, el('span', {}, 'The body could not be checked: ' + result.error.message));
    }
  }

  function schedule(delay?: number): void {
    clearTimeout(timer);
    box.setAttribute('aria-busy', 'true');
    timer = setTimeout(() => { void run(); }, delay ?? DEBOUNCE_MS);
  }

  return { schedule };
}
