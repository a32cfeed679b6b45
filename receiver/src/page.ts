/**
 * The receiver's single HTML page, plus its stylesheet and script. Both are served from the
 * receiver itself (`/_receiver/app.css`, `/_receiver/app.js`) so that the page can carry a strict
 * `Content-Security-Policy: default-src 'self'` with no inline code at all.
 */
import { html, type Html } from './html';
import type { SignatureCheck } from './signature-check';

export const REFRESH_SECONDS = 5;
/** Longer bodies are cut in the page (the JSON API always returns them whole). */
const DISPLAY_BODY_CHARS = 64 * 1024;

export interface RequestView {
  id: string;
  method: string;
  path: string;
  query: string;
  headers: Record<string, string>;
  body: string;
  size: number;
  received_at: string;
  signature: SignatureCheck;
}

export interface SecretInfo {
  /** Where the secret in use came from, or null when there is none. */
  source: 'cookie' | 'query' | null;
  /** A recognisable but harmless prefix of the secret, e.g. `whsec_Ab12…`. */
  hint: string;
}

function prettyBody(body: string, contentType: string | undefined): string {
  const trimmed = body.trimStart();
  if (/json/i.test(contentType ?? '') || trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return JSON.stringify(JSON.parse(body), null, 2);
    } catch {
      // Not JSON after all: show it as it was sent.
    }
  }
  return body;
}

function signatureLine(check: SignatureCheck): Html {
  switch (check.status) {
    case 'verified':
      return html`<p class="sig sig-ok">✓ signature verified</p>`;
    case 'invalid':
      return html`<p class="sig sig-bad">✗ signature invalid: ${check.reason}</p>`;
    case 'unsigned':
      return html`<p class="sig sig-none">unsigned (no webhook-signature header)</p>`;
    case 'no_secret':
      return html`<p class="sig sig-none">signed, not checked: enter the signing secret above</p>`;
  }
}

function formatTime(iso: string): string {
  return iso.replace('T', ' ').replace(/\.\d+Z$/, ' UTC').replace(/Z$/, ' UTC');
}

function requestItem(request: RequestView): Html {
  const contentType = request.headers['content-type'];
  const pretty = prettyBody(request.body, contentType);
  const shown = pretty.length > DISPLAY_BODY_CHARS ? pretty.slice(0, DISPLAY_BODY_CHARS) : pretty;
  const headerNames = Object.keys(request.headers).sort();
  const target = request.query ? `${request.path}?${request.query}` : request.path;
  return html`<li>
<article aria-labelledby="r-${request.id}">
<h3 id="r-${request.id}"><span class="method">${request.method}</span> <code class="path">${target}</code></h3>
<dl>
<div><dt>Received</dt><dd><time datetime="${request.received_at}">${formatTime(request.received_at)}</time></dd></div>
<div><dt>Content-Type</dt><dd>${contentType ?? '(none)'}</dd></div>
<div><dt>Size</dt><dd>${request.size} bytes</dd></div>
<div><dt>ID</dt><dd><code>${request.id}</code></dd></div>
</dl>
${signatureLine(request.signature)}
<details>
<summary>Headers (${headerNames.length})</summary>
<dl class="headers">${headerNames.map((name) => html`<div><dt>${name}</dt><dd>${request.headers[name]}</dd></div>`)}</dl>
</details>
${request.body === '' ? html`<p class="empty">(empty body)</p>` : html`<pre class="body" tabindex="0" aria-label="Body">${shown}</pre>`}
${shown.length < pretty.length ? html`<p class="note">Body shortened for display; the full body is in <a href="/requests">/requests</a>.</p>` : ''}
</article>
</li>`;
}

export function renderPage(requests: RequestView[], secret: SecretInfo, maxStored: number): string {
  const secretStatus =
    secret.source === null
      ? html`<p>No secret entered: signed requests are checked with the secrets learned for their path (<code>npm run demo</code> tells the receiver each of its tasks’), others are listed unchecked.</p>`
      : html`<p>Checking signatures with <code>${secret.hint}</code> (from ${secret.source === 'cookie' ? 'a cookie' : 'the address bar'}).</p>
<form method="post" action="/_receiver/secret"><input type="hidden" name="secret" value=""><button type="submit">Forget secret</button></form>`;

  return `<!doctype html>${html`<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Webhook receiver (${requests.length})</title>
<link rel="stylesheet" href="/_receiver/app.css">
<script src="/_receiver/app.js" defer></script>
<noscript><meta http-equiv="refresh" content="${REFRESH_SECONDS}"></noscript>
</head>
<body>
<header>
<h1>Webhook receiver</h1>
<p>Send <code>POST</code>, <code>PUT</code> or <code>PATCH</code> to any path of this host to capture it.
<code>/status/503/…</code> answers with that status; <code>?delay_ms=2000</code> waits before answering (at most 30000).
JSON: <a href="/requests">/requests</a>.</p>
</header>
<main>
<section aria-labelledby="secret-heading">
<h2 id="secret-heading">Signing secret</h2>
<form method="post" action="/_receiver/secret" class="secret-form">
<label for="secret">Endpoint signing secret</label>
<input id="secret" name="secret" type="password" autocomplete="off" spellcheck="false" placeholder="whsec_…" aria-describedby="secret-help" required>
<button type="submit">Use secret</button>
</form>
<p id="secret-help" class="help">Kept in a cookie for this receiver only, never sent anywhere else.</p>
${secretStatus}
</section>
<section aria-labelledby="requests-heading">
<h2 id="requests-heading">Requests</h2>
<div class="toolbar">
<p>${requests.length} captured (the newest ${maxStored} are kept), newest first.</p>
<p class="js-only" hidden><label><input type="checkbox" id="auto-refresh" checked> Refresh every ${REFRESH_SECONDS} seconds</label>
<span class="help">(paused while you type, select text or have headers open)</span></p>
<form method="post" action="/_receiver/clear"><button type="submit">Clear all</button></form>
</div>
${
  requests.length === 0
    ? html`<p class="empty">Nothing captured yet.</p>`
    : html`<ol class="requests">${requests.map(requestItem)}</ol>`
}
</section>
</main>
</body>
</html>
`}`;
}

export const PAGE_CSS = `:root { color-scheme: light dark; --fg: #1b1b1b; --bg: #ffffff; --muted: #4a4a4a; --line: #c8c8c8; --panel: #f4f4f4;
  --ok-fg: #0b5a23; --ok-bg: #e3f3e8; --bad-fg: #8a1111; --bad-bg: #fbe9e9; --link: #0b4fa8; }
@media (prefers-color-scheme: dark) { :root { --fg: #eeeeee; --bg: #161616; --muted: #c4c4c4; --line: #555555; --panel: #232323;
  --ok-fg: #b5f0c6; --ok-bg: #133620; --bad-fg: #ffc9c9; --bad-bg: #4a1717; --link: #9cc7ff; } }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 72rem; padding: 1rem; font: 16px/1.5 system-ui, sans-serif; color: var(--fg); background: var(--bg); }
a { color: var(--link); }
h1 { font-size: 1.6rem; margin: 0 0 .5rem; }
h2 { font-size: 1.25rem; margin: 1.5rem 0 .5rem; }
h3 { font-size: 1rem; margin: 0 0 .5rem; overflow-wrap: anywhere; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .9rem; }
:focus-visible { outline: 3px solid var(--link); outline-offset: 2px; }
button { font: inherit; padding: .35rem .9rem; border: 1px solid var(--fg); border-radius: 4px; background: var(--panel); color: var(--fg); cursor: pointer; }
input[type=password] { font: inherit; padding: .35rem .5rem; border: 1px solid var(--fg); border-radius: 4px; width: 100%; max-width: 32rem; background: var(--bg); color: var(--fg); }
.secret-form { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; }
.secret-form label { flex-basis: 100%; font-weight: 600; }
.help, .note, .empty { color: var(--muted); }
.toolbar { display: flex; flex-wrap: wrap; gap: .25rem 1.5rem; align-items: center; }
.toolbar p { margin: .25rem 0; }
.requests { list-style: none; margin: 0; padding: 0; }
.requests > li { border: 1px solid var(--line); border-radius: 6px; padding: .75rem; margin: .75rem 0; }
.method { display: inline-block; padding: 0 .4rem; border-radius: 3px; background: var(--fg); color: var(--bg); font-family: ui-monospace, monospace; }
dl { display: grid; grid-template-columns: repeat(auto-fit, minmax(12rem, 1fr)); gap: .25rem 1rem; margin: 0 0 .5rem; }
dt { font-weight: 600; font-size: .85rem; color: var(--muted); }
dd { margin: 0; overflow-wrap: anywhere; }
dl.headers { grid-template-columns: minmax(8rem, max-content) 1fr; }
dl.headers > div { display: contents; }
dl.headers dt, dl.headers dd { font-family: ui-monospace, monospace; font-size: .85rem; color: var(--fg); }
.sig { display: inline-block; margin: 0 0 .5rem; padding: .1rem .5rem; border-radius: 4px; font-weight: 600; background: var(--panel); overflow-wrap: anywhere; }
.sig-ok { color: var(--ok-fg); background: var(--ok-bg); }
.sig-bad { color: var(--bad-fg); background: var(--bad-bg); }
details { margin: 0 0 .5rem; }
summary { cursor: pointer; }
pre.body { margin: 0; padding: .5rem; background: var(--panel); border-radius: 4px; max-height: 30rem; overflow: auto; white-space: pre-wrap; overflow-wrap: anywhere; }
@media (max-width: 30rem) { body { padding: .5rem; } dl.headers { grid-template-columns: 1fr; } }
`;

/** Reloads the page every few seconds unless the user is busy with it. */
export const PAGE_JS = `'use strict';
(function () {
  var box = document.getElementById('auto-refresh');
  document.querySelectorAll('.js-only').forEach(function (el) { el.hidden = false; });
  function busy() {
    var el = document.activeElement;
    if (el && (el.tagName === 'TEXTAREA' || (el.tagName === 'INPUT' && el.type !== 'checkbox'))) return true;
    if (document.querySelector('details[open]')) return true;
    var selection = window.getSelection && window.getSelection();
    return !!selection && String(selection).length > 0;
  }
  setInterval(function () {
    if (box && !box.checked) return;
    if (document.hidden || busy()) return;
    location.reload();
  }, ${REFRESH_SECONDS * 1000});
})();
`;
