import { exports } from 'cloudflare:workers';
import { beforeEach, describe, expect, it } from 'vitest';
import { generateSigningSecret, signWebhook } from '../../src/domain/signature';
import * as main from '../src/index';
import type { RequestView } from '../src/page';

const BASE = 'http://receiver.test';
const SECRET = generateSigningSecret();

function send(path: string, init: RequestInit = {}): Promise<Response> {
  return exports.default.fetch(`${BASE}${path}`, { method: 'POST', ...init });
}

async function sendSigned(
  path: string,
  body: string,
  options: { secret?: string; sentBody?: string; timestamp?: number; signatureHeader?: (signature: string) => string } = {},
): Promise<Response> {
  const id = `msg_${crypto.randomUUID()}`;
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  // HTTP Notifier's own signer; the receiver checks it with the standardwebhooks library.
  const signature = await signWebhook(options.secret ?? SECRET, id, timestamp, body);
  return send(path, {
    headers: {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': options.signatureHeader ? options.signatureHeader(signature) : signature,
    },
    body: options.sentBody ?? body,
  });
}


async function list(query = ''): Promise<RequestView[]> {
  const response = await exports.default.fetch(`${BASE}/requests${query}`);
  expect(response.status).toBe(200);
  return ((await response.json()) as { data: RequestView[] }).data;
}

async function page(init: RequestInit = {}, query = ''): Promise<Response> {
  return exports.default.fetch(`${BASE}/${query}`, init);
}

beforeEach(async () => {
  const response = await exports.default.fetch(`${BASE}/requests`, { method: 'DELETE' });
  expect(response.status).toBe(200);
});

it('exports only handlers and classes from the main module (wrangler dev refuses anything else)', () => {
  for (const [name, value] of Object.entries(main)) {
    const ok = typeof value === 'function' || (typeof value === 'object' && value !== null && 'fetch' in value);
    expect(ok, `export ${name}`).toBe(true);
  }
});

describe('capture', () => {
  it('answers /health', async () => {
    const response = await exports.default.fetch(`${BASE}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('captures POST, PUT and PATCH at any path and lists them newest first', async () => {
    const first = await send('/hooks/orders/created?source=test&n=1', {
      headers: { 'content-type': 'application/json', 'x-custom': 'yes' },
      body: '{"order":1}',
    });
    expect(first.status).toBe(200);
    const firstBody = (await first.json()) as { received: boolean; id: string };
    expect(firstBody).toEqual({ received: true, id: expect.any(String) });
    expect((await send('/', { method: 'PUT', body: 'put body' })).status).toBe(200);
    expect((await send('/deep/a/b/c', { method: 'PATCH', body: 'ü' })).status).toBe(200);

    const data = await list();
    expect(data.map((r) => [r.method, r.path])).toEqual([
      ['PATCH', '/deep/a/b/c'],
      ['PUT', '/'],
      ['POST', '/hooks/orders/created'],
    ]);
    const posted = data[2]!;
    expect(posted.id).toBe(firstBody.id);
    expect(posted.query).toBe('source=test&n=1');
    expect(posted.headers['x-custom']).toBe('yes');
    expect(posted.headers['content-type']).toBe('application/json');
    expect(posted.body).toBe('{"order":1}');
    expect(posted.size).toBe(11);
    expect(Math.abs(Date.parse(posted.received_at) - Date.now())).toBeLessThan(60_000);
    expect(data[0]!.size).toBe(2); // "ü" is two UTF-8 bytes
  });

  it('keeps only the newest 200 requests', async () => {
    for (let i = 0; i < 205; i++) expect((await send(`/n/${i}`, { body: String(i) })).status).toBe(200);
    const data = await list();
    expect(data).toHaveLength(200);
    expect(data[0]!.path).toBe('/n/204');
    expect(data[199]!.path).toBe('/n/5');
  });

  it('also drops the oldest requests once their bodies pass 16 MiB in total', async () => {
    const mib = 'm'.repeat(1024 * 1024);
    for (let i = 0; i < 17; i++) expect((await send(`/mib/${i}`, { body: mib })).status).toBe(200);
    const data = await list();
    expect(data).toHaveLength(16);
    expect(data[0]!.path).toBe('/mib/16');
    expect(data[15]!.path).toBe('/mib/1');
  });

  it('answers /status/<code>/... with that code and still stores the request', async () => {
    const response = await send('/status/503/retry-me', { body: 'x' });
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ received: true, status: 503 });
    const noContent = await send('/status/204', { body: 'y' });
    expect(noContent.status).toBe(204);
    expect(await noContent.text()).toBe('');
    expect((await list()).map((r) => r.path)).toEqual(['/status/204', '/status/503/retry-me']);
  });

  it('waits ?delay_ms before answering', async () => {
    const started = Date.now();
    const response = await send('/slow?delay_ms=300', { body: 'x' });
    expect(response.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('refuses bodies over 1 MiB with 413 and does not store them', async () => {
    const limit = 1024 * 1024;
    const declared = await send('/big', { body: 'a'.repeat(limit + 1) });
    expect(declared.status).toBe(413);

    // Streamed without a Content-Length: counted while reading.
    const chunk = new Uint8Array(64 * 1024).fill(98);
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent > limit) return controller.close();
        sent += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
    const streamed = await send('/big-stream', { body: stream });
    expect(streamed.status).toBe(413);
    expect(await list()).toEqual([]);

    const exact = await send('/exactly-1mib', { body: 'c'.repeat(limit) });
    expect(exact.status).toBe(200);
    const data = await list();
    expect(data.map((r) => [r.path, r.size])).toEqual([['/exactly-1mib', limit]]);
  });

  it('leaves its own API paths alone', async () => {
    expect((await send('/requests', { body: 'x' })).status).toBe(405);
    expect((await send('/health', { body: 'x' })).status).toBe(405);
    expect((await send('/_receiver/anything', { body: 'x' })).status).toBe(404);
    expect((await exports.default.fetch(`${BASE}/some/path`)).status).toBe(404);
    expect(await list()).toEqual([]);
  });
});

describe('signatures', () => {
  it('reports verified with the right secret', async () => {
    await sendSigned('/signed', '{"event":"call.ended"}');
    const [entry] = await list(`?secret=${encodeURIComponent(SECRET)}`);
    expect(entry!.signature).toEqual({ status: 'verified' });
  });

  it('reports invalid for a tampered body or a wrong secret', async () => {
    await sendSigned('/tampered', '{"amount":1}', { sentBody: '{"amount":1000}' });
    const [tampered] = await list(`?secret=${encodeURIComponent(SECRET)}`);
    expect(tampered!.signature).toEqual({ status: 'invalid', reason: 'no signature matches' });

    const [wrongSecret] = await list(`?secret=${encodeURIComponent(generateSigningSecret())}`);
    expect(wrongSecret!.signature).toEqual({ status: 'invalid', reason: 'no signature matches' });
  });

  it('verifies XML and non-ASCII bodies signed by HTTP Notifier', async () => {
    await sendSigned('/xml', '<call><id>CA1</id><note>a &amp; b</note></call>');
    await sendSigned('/text', '{"name":"Zoë – 東京 👍","sep":"\u2028"}');
    const data = await list(`?secret=${encodeURIComponent(SECRET)}`);
    expect(data.map((r) => [r.path, r.signature])).toEqual([
      ['/text', { status: 'verified' }],
      ['/xml', { status: 'verified' }],
    ]);
  });

  it('accepts one matching signature among several (secret rotation), and only a matching one', async () => {
    await sendSigned('/rotated', '{}', { signatureHeader: (real) => `v1,AAAA${real.slice(7)} ${real}` });
    await sendSigned('/forged', '{}', { signatureHeader: (real) => `v1,AAAA${real.slice(7)} v2,${real.slice(3)}` });
    const data = await list(`?secret=${encodeURIComponent(SECRET)}`);
    expect(data.map((r) => [r.path, r.signature])).toEqual([
      ['/forged', { status: 'invalid', reason: 'no signature matches' }],
      ['/rotated', { status: 'verified' }],
    ]);
  });

  it('says what is wrong with a secret that is not base64 or a header that is missing', async () => {
    await sendSigned('/signed', '{}');
    const [badSecret] = await list(`?secret=${encodeURIComponent('whsec_not*base64!')}`);
    expect(badSecret!.signature).toEqual({ status: 'invalid', reason: 'the signing secret is not valid base64' });
    await send('/no-id', { headers: { 'webhook-signature': 'v1,abc', 'webhook-timestamp': '1' }, body: '{}' });
    const [noId] = await list(`?secret=${encodeURIComponent(SECRET)}`);
    expect(noId!.signature).toEqual({ status: 'invalid', reason: 'missing webhook-id, webhook-timestamp or webhook-signature header' });
  });

  it('checks the timestamp against the time the request was received', async () => {
    await sendSigned('/old', '{}', { timestamp: Math.floor(Date.now() / 1000) - 2 * 24 * 3600 });
    const [old] = await list(`?secret=${encodeURIComponent(SECRET)}`);
    expect(old!.signature).toEqual({ status: 'invalid', reason: 'webhook-timestamp is outside the tolerance window' });
  });

  it('reports unsigned requests, and signed ones as no_secret without a secret', async () => {
    await send('/plain', { body: 'hello' });
    await sendSigned('/signed', '{}');
    const data = await list();
    expect(data.map((r) => [r.path, r.signature])).toEqual([
      ['/signed', { status: 'no_secret' }],
      ['/plain', { status: 'unsigned' }],
    ]);
    const withSecret = await list(`?secret=${encodeURIComponent(SECRET)}`);
    expect(withSecret[1]!.signature).toEqual({ status: 'unsigned' });
  });
});

describe('secrets learned per path (npm run demo tells the receiver each task\'s)', () => {
  const learn = (body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
    exports.default.fetch(`${BASE}/_receiver/secrets`, { method: 'PUT', headers, body: JSON.stringify(body) });

  it('checks each path with its own secrets, the newest and a previous one during an overlap, without a secret in the address', async () => {
    const [first, second, rotated] = [generateSigningSecret(), generateSigningSecret(), generateSigningSecret()];
    expect((await learn({ path: '/learned/one', secret: first })).status).toBe(200);
    expect((await learn({ path: '/learned/two', secret: second })).status).toBe(200);
    await sendSigned('/learned/one', '{"n":1}', { secret: first });
    await sendSigned('/learned/two', '{"n":2}', { secret: second });
    await sendSigned('/learned/two', '{"n":3}', { secret: first }); // signed with another task's secret
    expect((await list()).map((r) => [r.path, r.signature.status])).toEqual([
      ['/learned/two', 'invalid'], ['/learned/two', 'verified'], ['/learned/one', 'verified'],
    ]);
    // Rotated with an overlap: the new secret is learned, the previous one still verifies.
    expect((await learn({ path: '/learned/two', secret: rotated })).status).toBe(200);
    await sendSigned('/learned/two', '{"n":4}', { secret: rotated });
    expect((await list()).slice(0, 3).map((r) => r.signature.status)).toEqual(['verified', 'invalid', 'verified']);
  });

  it('refuses what is not a path and a secret, as JSON, with a clear error', async () => {
    expect((await learn({ path: 'no-slash', secret: SECRET })).status).toBe(422);
    expect((await learn({ path: '/x', secret: '' })).status).toBe(422);
    expect((await learn({ path: '/x', secret: SECRET }, { 'content-type': 'text/plain' })).status).toBe(415);
    expect((await learn({ path: '/x', secret: SECRET }, { 'content-type': 'application/json', 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await exports.default.fetch(`${BASE}/_receiver/secrets`, { method: 'POST' })).status).toBe(405);
  });
});

describe('page', () => {
  it('lists requests with escaped bodies and a strict CSP', async () => {
    await send('/xss/<b>', {
      headers: { 'content-type': 'text/plain', 'x-evil': '"><img src=x onerror=alert(1)>' },
      body: '<script>alert("pwned")</script>',
    });
    const response = await page();
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
    const text = await response.text();
    expect(text).toContain('&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;');
    expect(text).not.toContain('<script>alert');
    expect(text).not.toContain('<img src=x');
    expect(text).toContain('/xss/%3Cb%3E');
    expect(text).toContain('unsigned');
    // The only scripts and styles are the receiver's own files.
    expect(text.match(/<script\b[^>]*>/g)).toEqual(['<script src="/_receiver/app.js" defer>']);
    expect(text).not.toMatch(/<style|https?:\/\/(?!receiver\.test)/);
    expect((await exports.default.fetch(`${BASE}/_receiver/app.js`)).status).toBe(200);
    expect((await exports.default.fetch(`${BASE}/_receiver/app.css`)).status).toBe(200);
  });

  it('pretty-prints JSON bodies', async () => {
    await send('/json', { headers: { 'content-type': 'application/json' }, body: '{"a":{"b":1}}' });
    expect(await (await page()).text()).toContain('{\n  &quot;a&quot;: {\n    &quot;b&quot;: 1\n  }\n}');
  });

  it('remembers the secret in a cookie and shows each signature status', async () => {
    await send('/plain', { body: 'hello' });
    await sendSigned('/good', '{"ok":true}');
    await sendSigned('/bad', '{"ok":true}', { sentBody: '{"ok":false}' });

    expect(await (await page()).text()).toContain('signed, not checked');

    const saved = await exports.default.fetch(`${BASE}/_receiver/secret`, {
      method: 'POST',
      body: new URLSearchParams({ secret: SECRET }),
      redirect: 'manual',
    });
    expect(saved.status).toBe(303);
    expect(saved.headers.get('location')).toBe('/');
    const setCookie = saved.headers.get('set-cookie')!;
    expect(setCookie).toContain('HttpOnly');
    const cookie = setCookie.split(';')[0]!;

    const text = await (await page({ headers: { cookie } })).text();
    expect(text).toContain('signature verified');
    expect(text).toContain('signature invalid: no signature matches');
    expect(text).toContain('unsigned');
    expect(text).not.toContain(SECRET); // only a short hint of it

    // The query parameter works too, and a cross-site form post is refused.
    expect(await (await page({}, `?secret=${encodeURIComponent(SECRET)}`)).text()).toContain('signature verified');
    const crossSite = await exports.default.fetch(`${BASE}/_receiver/secret`, {
      method: 'POST',
      headers: { 'sec-fetch-site': 'cross-site' },
      body: new URLSearchParams({ secret: 'whsec_x' }),
    });
    expect(crossSite.status).toBe(403);
  });
});

describe('clearing', () => {
  it('DELETE /requests empties the list', async () => {
    await send('/a', { body: '1' });
    await send('/b', { body: '2' });
    expect(await list()).toHaveLength(2);
    const response = await exports.default.fetch(`${BASE}/requests`, { method: 'DELETE' });
    expect(await response.json()).toEqual({ deleted: 2 });
    expect(await list()).toEqual([]);
  });

  it('the page form clears too', async () => {
    await send('/a', { body: '1' });
    const response = await exports.default.fetch(`${BASE}/_receiver/clear`, { method: 'POST', redirect: 'manual' });
    expect(response.status).toBe(303);
    expect(await list()).toEqual([]);
  });
});
