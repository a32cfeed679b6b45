/**
 * HTTP Notifier's local webhook receiver: captures POST/PUT/PATCH at any path, shows them at
 * `GET /` (with Standard Webhooks signature checks) and as JSON at `GET /requests`.
 *
 * Reserved paths (never captured): `GET /`, `/requests`, `/health`, `/_receiver/*`.
 * Everything else sent with POST, PUT or PATCH is stored (newest 200) and answered with
 * `200 {"received": true, "id": ...}`, or with `<code>` for `/status/<code>/...`, after
 * `?delay_ms=N` milliseconds (at most 30000) when asked.
 */
import { AutoRouter, error, json, type IRequest } from 'itty-router';
import type { Env } from './env';
import { PAGE_CSS, PAGE_JS, renderPage, type RequestView, type SecretInfo } from './page';
import { checkWithAny } from './signature-check';
import { MAX_STORED_REQUESTS, requestLog, type StoredRequest } from './store';

// The main module may export only handlers and classes (workerd refuses anything else at startup).
export { RequestLog } from './store';

const MAX_BODY_BYTES = 1024 * 1024;
const MAX_DELAY_MS = 30_000;
const SECRET_COOKIE = 'receiver_secret';
const MAX_SECRET_LENGTH = 1024;

const NO_STORE = { 'cache-control': 'no-store' };
const PAGE_HEADERS = {
  ...NO_STORE,
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'",
  'x-content-type-options': 'nosniff',
  // The secret may be in the address bar (?secret=...): never pass it on in a Referer.
  'referrer-policy': 'no-referrer',
};

// ---- capture ---------------------------------------------------------------------------

/** Reads the body, or returns null as soon as it grows past `limit` bytes. */
async function readBody(request: Request, limit: number): Promise<ArrayBuffer | null> {
  if (!request.body) return new ArrayBuffer(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes.buffer;
}

/** `/status/503/anything` → 503. Only codes a Response can carry (200–599). */
function statusFromPath(path: string): number | null {
  const match = /^\/status\/([2-5]\d\d)(?:\/|$)/.exec(path);
  return match ? Number(match[1]) : null;
}

function delayFromQuery(value: string | null): number {
  if (value === null || !/^\d+$/.test(value)) return 0;
  return Math.min(Number(value), MAX_DELAY_MS);
}

const NULL_BODY_STATUSES = new Set([204, 205, 304]);

async function capture(request: IRequest, env: Env): Promise<Response> {
  const tooLarge = () => error(413, `Body larger than ${MAX_BODY_BYTES} bytes; not stored.`);
  const declared = request.headers.get('content-length');
  if (declared !== null && Number(declared) > MAX_BODY_BYTES) return tooLarge();
  const body = await readBody(request, MAX_BODY_BYTES);
  if (body === null) return tooLarge();

  const url = new URL(request.url);
  const stored = await requestLog(env).add({
    method: request.method,
    path: url.pathname,
    query: url.search.slice(1),
    headers: Object.fromEntries(request.headers),
    body,
    receivedAt: Date.now(),
  });

  const delay = delayFromQuery(url.searchParams.get('delay_ms'));
  if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));

  const status = statusFromPath(url.pathname) ?? 200;
  if (NULL_BODY_STATUSES.has(status)) return new Response(null, { status });
  return json(status === 200 ? { received: true, id: stored.id } : { received: true, id: stored.id, status }, { status });
}

// ---- viewing -----------------------------------------------------------------------------

function cookie(request: Request, name: string): string | null {
  for (const part of (request.headers.get('cookie') ?? '').split(/;\s*/)) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq) === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1));
      } catch {
        return null;
      }
    }
  }
  return null;
}

/** `?secret=` wins over the cookie set by the page's form. */
function secretOf(request: Request): { secret: string | null; info: SecretInfo } {
  const fromQuery = new URL(request.url).searchParams.get('secret')?.trim();
  const fromCookie = cookie(request, SECRET_COOKIE)?.trim();
  const secret = fromQuery || fromCookie || null;
  const source = fromQuery ? 'query' : fromCookie ? 'cookie' : null;
  return { secret, info: { source, hint: secret ? `${secret.slice(0, 10)}…` : '' } };
}

const decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/**
 * Each request is checked with the secrets learned for its path (PUT /_receiver/secrets, which
 * `npm run demo` calls for every task it knows) and with the one given in the address or cookie.
 */
async function views(env: Env, secret: string | null): Promise<RequestView[]> {
  const log = requestLog(env);
  const [stored, learned]: [StoredRequest[], Record<string, string[]>] = await Promise.all([log.list(), log.learned()]);
  return Promise.all(
    stored.map(async (entry) => {
      // ignoreBOM keeps a leading BOM, so the text is exactly what the sender signed.
      const body = decoder.decode(entry.body);
      return {
        id: entry.id,
        method: entry.method,
        path: entry.path,
        query: entry.query,
        headers: entry.headers,
        body,
        size: entry.size,
        received_at: new Date(entry.receivedAt).toISOString(),
        signature: await checkWithAny([...(learned[entry.path] ?? []), ...(secret ? [secret] : [])], entry.headers, body, entry.receivedAt),
      };
    }),
  );
}

/** Forms on the page post here; refuse posts that another site's page made a browser send. */
function crossSite(request: Request): boolean {
  const site = request.headers.get('sec-fetch-site');
  return site !== null && site !== 'same-origin' && site !== 'none';
}

function backToPage(headers: Record<string, string> = {}): Response {
  return new Response(null, { status: 303, headers: { location: '/', ...NO_STORE, ...headers } });
}

function methodNotAllowed(allow: string) {
  return () => {
    const response = error(405, `Method not allowed; use ${allow}.`);
    response.headers.set('allow', allow);
    return response;
  };
}

/**
 * `PUT /_receiver/secrets` `{"path": "/webhooks/demo", "secret": "whsec_…"}`: check requests to
 * that path with that secret. JSON only, so a page of another site cannot send it without a
 * preflight this receiver never answers.
 */
async function learnSecret(request: IRequest, env: Env): Promise<Response> {
  if (crossSite(request)) return error(403, 'Cross-site requests are refused.');
  if (!(request.headers.get('content-type') ?? '').startsWith('application/json')) return error(415, 'Send JSON: {"path", "secret"}.');
  let input: unknown;
  try { input = await request.json(); } catch { return error(400, 'The body is not JSON.'); }
  const { path, secret } = (input ?? {}) as { path?: unknown; secret?: unknown };
  if (typeof path !== 'string' || !path.startsWith('/') || path.length > 2048) return error(422, '"path" must be a path starting with "/".');
  if (typeof secret !== 'string' || !secret.trim() || secret.length > MAX_SECRET_LENGTH) return error(422, '"secret" must be a signing secret (whsec_…).');
  await requestLog(env).learn(path, secret.trim(), Date.now());
  return json({ path, learned: true });
}

// ---- routes -----------------------------------------------------------------------------

const router = AutoRouter({
  missing: () =>
    error(404, 'Not found. POST, PUT or PATCH to any path to capture a request; GET / lists them.'),
  catch: (err: unknown) => {
    console.error('receiver error', err);
    return error(500, 'Internal error in the receiver.');
  },
});

router
  .get('/health', () => json({ status: 'ok' }))
  .all('/health', methodNotAllowed('GET'))
  .get('/requests', async (request: IRequest, env: Env) =>
    json({ data: await views(env, secretOf(request).secret) }, { headers: NO_STORE }),
  )
  .delete('/requests', async (_request: IRequest, env: Env) => json({ deleted: await requestLog(env).clear() }))
  .all('/requests', methodNotAllowed('GET, DELETE'))
  .get('/', async (request: IRequest, env: Env) => {
    const { secret, info } = secretOf(request);
    return new Response(renderPage(await views(env, secret), info, MAX_STORED_REQUESTS), { headers: PAGE_HEADERS });
  })
  .get('/_receiver/app.css', () => new Response(PAGE_CSS, { headers: { 'content-type': 'text/css; charset=utf-8', ...NO_STORE } }))
  .get('/_receiver/app.js', () => new Response(PAGE_JS, { headers: { 'content-type': 'text/javascript; charset=utf-8', ...NO_STORE } }))
  .post('/_receiver/secret', async (request: IRequest) => {
    if (crossSite(request)) return error(403, 'Cross-site form posts are refused.');
    const value = String((await request.formData()).get('secret') ?? '').trim();
    if (value.length > MAX_SECRET_LENGTH) return error(400, 'Secret too long.');
    const attributes = 'Path=/; HttpOnly; SameSite=Strict';
    return backToPage({
      'set-cookie': value
        ? `${SECRET_COOKIE}=${encodeURIComponent(value)}; ${attributes}`
        : `${SECRET_COOKIE}=; ${attributes}; Max-Age=0`,
    });
  })
  .post('/_receiver/clear', async (request: IRequest, env: Env) => {
    if (crossSite(request)) return error(403, 'Cross-site form posts are refused.');
    await requestLog(env).clear();
    return backToPage();
  })
  .put('/_receiver/secrets', learnSecret)
  .all('/_receiver/secrets', methodNotAllowed('PUT'))
  .all('/_receiver/*', () => error(404, 'Not found.'))
  .post('*', capture)
  .put('*', capture)
  .patch('*', capture);

export default {
  fetch: (request, env, ctx) => router.fetch(request, env, ctx),
} satisfies ExportedHandler<Env>;
