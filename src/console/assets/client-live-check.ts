/**
 * Browser module live-check.js: checks the body as the user types (debounced) with
 * POST /v1/automations/preview, shows each problem with its line and column, marks it in the
 * body, and shows the body rendered with the trigger's example values.
 */
export const LIVE_CHECK_JS = String.raw`
import { api, el } from './common.js';
import { positionAt } from './body-editor.js';

const DEBOUNCE_MS = 350;
const POSITION = /line (\d+), column (\d+)/;
const PLACEHOLDER = /\{\{[^{}]*\}\}/;

function capitalize(text) {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Where a problem is: its own line/column, or every use of the placeholder it names. */
function spotsOf(message, body) {
  const position = POSITION.exec(message);
  if (position) return [{ line: Number(position[1]), column: Number(position[2]), length: 1 }];
  const tag = PLACEHOLDER.exec(message);
  if (!tag) return [];
  const spots = [];
  for (let at = body.indexOf(tag[0]); at >= 0 && spots.length < 50; at = body.indexOf(tag[0], at + 1)) {
    const where = positionAt(body, at);
    spots.push({ line: where.line, column: where.column, length: tag[0].length });
  }
  return spots;
}

/** JSON bodies are sent compact; the preview indents them so they are easy to read. */
function readable(body, contentType) {
  if (!/json/.test(contentType)) return body;
  try { return JSON.stringify(JSON.parse(body), null, 2); } catch (err) { return body; }
}

export function createLiveCheck(options) {
  const box = options.box;
  const preview = options.preview;
  const previewType = options.previewType;
  const editor = options.editor;
  const staleNote = options.staleNote;
  let timer = null;
  let sequence = 0;
  let shownKey = '';

  /** Replaces the message only when it changed, so screen readers hear each result once. */
  function show(kind, key, content) {
    box.removeAttribute('aria-busy');
    if (key === shownKey) return;
    shownKey = key;
    box.className = 'check' + (kind ? ' check-' + kind : '');
    box.replaceChildren(content);
  }

  function showProblems(problems, body) {
    const marks = [];
    const items = problems.map(function (problem) {
      const spots = problem.path === 'body' ? spotsOf(problem.message, body) : [];
      marks.push(...spots);
      const text = (problem.path === 'body' ? '' : problem.path + ': ') + capitalize(problem.message);
      const item = el('li', {}, text);
      if (spots.length > 0) {
        const spot = spots[0];
        const button = el('button', { type: 'button', class: 'goto', 'aria-label': 'Show line ' + spot.line + ', column ' + spot.column + ' in the body' }, 'Show');
        button.addEventListener('click', function () { editor.goTo(spot.line, spot.column, spot.length); });
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

  async function run() {
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
    const result = await api('POST', '/v1/automations/preview', { trigger: draft.trigger, format: draft.format, body: draft.body });
    if (mine !== sequence) return; // a newer check has started; this answer is out of date
    if (result.ok) {
      editor.setMarks([]);
      const format = draft.format === 'xml' ? 'XML' : 'JSON';
      show('ok', 'ok:' + draft.format + ':' + draft.trigger, el('span', {}, 'Valid ' + format + '. Every placeholder is a field of this trigger.'));
      preview.textContent = readable(result.data.body, result.data.content_type);
      preview.classList.remove('is-stale');
      previewType.textContent = result.data.content_type;
      staleNote.hidden = true;
    } else if (result.status === 422) {
      showProblems(result.error.details.length ? result.error.details : [{ path: 'body', message: result.error.message }], draft.body);
    } else {
      show('error', 'failed:' + result.error.message, el('span', {}, 'The body could not be checked: ' + result.error.message));
    }
  }

  /** Checks after the user pauses typing; pass 0 to check at once (e.g. a new trigger). */
  function schedule(delay) {
    clearTimeout(timer);
    box.setAttribute('aria-busy', 'true');
    timer = setTimeout(run, delay === undefined ? DEBOUNCE_MS : delay);
  }

  return { schedule };
}
`;
