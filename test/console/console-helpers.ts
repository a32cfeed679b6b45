/** Helpers for the admin console tests: raw requests (pages are HTML) and a signed-in session. */
import { exports } from 'cloudflare:workers';
import { expect } from 'vitest';

export const ORIGIN = 'http://notifier.test';

export interface ConsoleRequest {
  method?: string;
  cookie?: string;
  /** Sent as an HTML form post (application/x-www-form-urlencoded). */
  form?: Record<string, string>;
  headers?: Record<string, string>;
  /** Defaults to ORIGIN; 'http://127.0.0.1:8787' exercises the plain-HTTP local development rules. */
  origin?: string;
}

export async function fetchConsole(path: string, request: ConsoleRequest = {}): Promise<Response> {
  const origin = request.origin ?? ORIGIN;
  const headers: Record<string, string> = { ...request.headers };
  if (request.cookie) headers.cookie = request.cookie;
  let body: string | undefined;
  if (request.form) {
    body = new URLSearchParams(request.form).toString();
    headers['content-type'] = 'application/x-www-form-urlencoded';
    // Browsers send Origin with every form post.
    headers.origin ??= origin;
  }
  return exports.default.fetch(
    new Request(`${origin}${path}`, { method: request.method ?? (request.form ? 'POST' : 'GET'), headers, body, redirect: 'manual' }),
  );
}

/** `name=value` of the Set-Cookie header, as a browser would send it back. */
export function cookieFrom(response: Response): string {
  const header = response.headers.get('set-cookie');
  expect(header, 'a Set-Cookie header').toBeTruthy();
  return header!.split(';')[0]!;
}

export interface ConsoleSession {
  cookie: string;
  token: string;
  csrf: string;
}

export async function signIn(key: string, origin = ORIGIN): Promise<ConsoleSession> {
  const response = await fetchConsole('/console/sign-in', { form: { key }, origin });
  expect(response.status).toBe(303);
  const cookie = cookieFrom(response);
  const page = await (await fetchConsole('/console', { cookie, origin })).text();
  const csrf = /<meta name="csrf-token" content="([^"]+)"/.exec(page)?.[1];
  expect(csrf, 'the page carries a CSRF token').toBeTruthy();
  return { cookie, token: cookie.split('=')[1]!, csrf: csrf! };
}

export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** Markup rules the Content-Security-Policy relies on: no inline scripts, styles or handlers. */
export function expectNoInlineCode(html: string): void {
  expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/i);
  expect(html).not.toMatch(/<style[\s>]/i);
  expect(html).not.toMatch(/\sstyle="/i);
  expect(html).not.toMatch(/\son[a-z]+="/i);
  expect(html).not.toMatch(/javascript:/i);
}

/** A signed-in page's HTML: answered 200 and free of inline code (the CSP allows none). */
export async function pageHtml(path: string, cookie: string): Promise<string> {
  const response = await fetchConsole(path, { cookie });
  expect(response.status, path).toBe(200);
  const text = await response.text();
  expectNoInlineCode(text);
  return text;
}

/** The delivery ids the log page lists, in order. */
export const listedIds = (page: string) => [...page.matchAll(/<tr data-delivery-id="([^"]+)"/g)].map((m) => m[1]!);
