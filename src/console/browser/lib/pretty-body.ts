/**
 * A request or response body as the attempts view shows it: JSON and XML indented so a person
 * can read it (the stored body is what was sent, often on one line), with a copy button that
 * copies the body exactly as it was sent, not the indented copy. A body that does not parse (cut
 * at 64 KiB, or not JSON/XML at all) is shown as it is.
 */
import { el } from './common';

const INDENT = '  ';

/** The body indented when it is JSON or XML; null when it is neither (shown as sent). */
export function prettyBody(body: string): string | null {
  const text = body.trim();
  if (text.startsWith('{') || text.startsWith('[')) {
    try { return JSON.stringify(JSON.parse(text), null, 2); } catch { return null; }
  }
  if (text.startsWith('<')) return prettyXml(text);
  return null;
}

function prettyXml(text: string): string | null {
  const doc = new DOMParser().parseFromString(text, 'application/xml');
  if (doc.getElementsByTagName('parsererror').length > 0) return null;
  const declaration = /^<\?xml[^>]*\?>/.exec(text)?.[0];
  const lines: string[] = declaration ? [declaration] : [];
  const serializer = new XMLSerializer();
  const walk = (node: Element, depth: number): void => {
    const pad = INDENT.repeat(depth);
    const children = Array.from(node.childNodes).filter((child) => child.nodeType !== Node.TEXT_NODE || (child.textContent ?? '').trim() !== '');
    const open = serializer.serializeToString(node.cloneNode(false)).replace(/\/>$|><\/[^>]+>$/, '>');
    const close = '</' + node.tagName + '>';
    if (children.length === 0) { lines.push(pad + serializer.serializeToString(node.cloneNode(false))); return; }
    if (children.every((child) => child.nodeType !== Node.ELEMENT_NODE)) {
      lines.push(pad + serializer.serializeToString(node));
      return;
    }
    lines.push(pad + open);
    for (const child of children) {
      if (child instanceof Element) walk(child, depth + 1);
      else lines.push(pad + INDENT + serializer.serializeToString(child).trim());
    }
    lines.push(pad + close);
  };
  walk(doc.documentElement, 0);
  return lines.join('\n');
}

/** The body in a <pre> (indented when it parses), with "Copy" beside its label copying it as sent. */
export function bodyView(label: string, body: string, describedBy: string | null): HTMLElement {
  const pretty = prettyBody(body);
  const status = el('span', { class: 'copy-status', role: 'status' });
  const copy = el('button', { type: 'button', class: 'button button-small button-quiet copy-body', 'aria-label': 'Copy ' + label.toLowerCase() + ' as sent' }, 'Copy');
  copy.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(body);
      status.textContent = 'Copied, as sent.';
    } catch {
      status.textContent = 'Copying is not allowed here: select the text instead.';
    }
  });
  return el('div', { class: 'body-view' },
    el('div', { class: 'body-tools' }, copy, status, pretty !== null && el('span', { class: 'muted small' }, 'Shown indented.')),
    el('pre', { class: 'attempt-body', tabindex: 0, 'aria-label': label, 'aria-describedby': describedBy, 'data-body': pretty !== null ? 'pretty' : 'as-sent' },
      pretty ?? body));
}
