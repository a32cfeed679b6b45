import { describe, expect, it, vi } from 'vitest';
import { call, createAccount, createAutomation, OPERATOR, postEvent, sinkUrl, unique, waitForDelivery } from '../helpers';
import { expectNoInlineCode, fetchConsole, signIn } from './console-helpers';

/** The headers every console response carries (hono/secure-headers), compared one by one. */
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'same-origin',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'origin-agent-cluster': '?1',
  'strict-transport-security': 'max-age=15552000; includeSubDomains',
  'x-dns-prefetch-control': 'off',
  'x-download-options': 'noopen',
  'x-permitted-cross-domain-policies': 'none',
  'x-xss-protection': '0',
};

function expectSecurityHeaders(headers: Headers, what: string) {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) expect(headers.get(name), `${name} on ${what}`).toBe(value);
}

async function page(path: string, cookie: string) {
  const response = await fetchConsole(path, { cookie });
  return { status: response.status, headers: response.headers, html: await response.text() };
}

describe('console pages', () => {
  it('carry a strict Content-Security-Policy and no inline code', async () => {
    const account = await createAccount();
    const automation = await createAutomation(account);
    const { cookie } = await signIn(account.admin);
    const signInPage = await fetchConsole('/console/sign-in');
    const pages = [
      { status: signInPage.status, headers: signInPage.headers, html: await signInPage.text() },
      ...(await Promise.all(
        ['/console', '/console/automations/new', `/console/automations/${automation.id}`, '/console/deliveries'].map((path) => page(path, cookie)),
      )),
    ];
    for (const { status, headers, html } of pages) {
      expect(status).toBe(200);
      expectSecurityHeaders(headers, 'a page');
      expect(headers.get('cache-control')).toBe('no-store');
      expect(html.startsWith('<!doctype html>')).toBe(true);
      expectNoInlineCode(html);
      // Self-contained: nothing is loaded from another host.
      expect(html).not.toMatch(/(src|href)="(https?:)?\/\//i);
    }
  });

  it('settings: the empty state offers the first task; a disabled account is told to contact Support', async () => {
    const account = await createAccount({ enabled: false });
    const { cookie } = await signIn(account.admin);
    const { html } = await page('/console', cookie);
    expect(html).toContain('Add your first automated task');
    expect(html).not.toContain('Add New Automated Task');
    expect(html).toContain('HTTP Notifier is not enabled for this account');
    expect(html).toMatch(/contact Support/);

    await call(`/v1/accounts/${account.id}/http-notifier`, { method: 'PUT', token: OPERATOR, body: { enabled: true } });
    const enabled = await page('/console', cookie);
    expect(enabled.html).not.toContain('HTTP Notifier is not enabled');
    expect(enabled.html).toContain('href="/console/automations/new"');
  });

  it('settings: lists each task with trigger label, URL, format, switch and last delivery, escaping user text', async () => {
    const account = await createAccount();
    const automation = await createAutomation(account, { name: '<script>alert(1)</script>' });
    const { cookie } = await signIn(account.admin);
    const before = await page('/console', cookie);
    expect(before.html).toContain('Add New Automated Task');
    expect(before.html).toContain('An inbound call ends');
    expect(before.html).toContain(automation.url.replaceAll('&', '&amp;'));
    expect(before.html).toContain('>JSON<');
    expect(before.html).toMatch(new RegExp(`role="switch" aria-checked="true"[^>]*data-toggle-automation="${automation.id}"`));
    expect(before.html).toContain('No deliveries yet');
    expect(before.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(before.html).not.toContain('<script>alert(1)</script>');

    const event = await postEvent(account, { type: 'inbound_call_ended', data: { call_id: 'c-1' } });
    expect(event.status).toBe(202);
    const list = await call(`/v1/deliveries?automation_id=${automation.id}`, { token: account.admin });
    await waitForDelivery(account, list.body.data[0].id, ['succeeded']);
    const after = await page('/console', cookie);
    expect(after.html).toContain('badge badge-succeeded');
    expect(after.html).not.toContain('data-destination-state');
  });

  it('settings: says beside a task when its endpoint is paused, until when and why', async () => {
    const account = await createAccount();
    const automation = await createAutomation(account, { url: sinkUrl(unique('b'), 'status=429&retry_after=600') });
    await postEvent(account, { type: 'inbound_call_ended', data: { call_id: 'c-1' } });
    await vi.waitUntil(async () => (await call(`/v1/automations/${automation.id}`, { token: account.admin })).body.destination.state === 'paused', { timeout: 10_000 });
    const { cookie } = await signIn(account.admin);
    const { html } = await page('/console', cookie);
    expect(html).toMatch(/data-destination-state="paused"[^>]*>Endpoint paused until <time[^>]*>[^<]*<\/time>: the receiver answered 429 with Retry-After/);
    // Beside it, "Resume now" for this task, named after it (settings.js posts it to the resume endpoint).
    expect(html).toContain(`data-resume-destination="${automation.id}" aria-label="Resume now: ${automation.name} (An inbound call ends)">Resume now</button>`);
  });

  it('editor: shows the saved values, the 25 trigger labels and the action; unknown ids get an HTML 404', async () => {
    const account = await createAccount();
    const body = '\n{"call": "{{call_id}}", "note": "a < b & c"}';
    const automation = await createAutomation(account, { body });
    const { cookie } = await signIn(account.admin);
    const { html } = await page(`/console/automations/${automation.id}`, cookie);
    expect(html).toContain(`data-automation-id="${automation.id}"`);
    // One newline for the parser to drop, then the body exactly (its own leading newline kept).
    const textarea = /<textarea id="body"[^>]*>([\s\S]*?)<\/textarea>/.exec(html)?.[1] ?? '';
    const decoded = textarea.replace(/&(quot|lt|gt|#39|amp);/g, (_m, name: string) => ({ quot: '"', lt: '<', gt: '>', '#39': "'", amp: '&' })[name]!);
    expect(decoded).toBe(`\n${body}`);
    expect(textarea).toContain('a &lt; b &amp; c');
    const triggerSelect = /<select id="trigger"[^>]*>([\s\S]*?)<\/select>/.exec(html)?.[1] ?? '';
    expect(triggerSelect.match(/<option value="[a-z_]*"/g)?.length).toBe(25 + 1);
    expect(html).toContain('Make HTTP POST');
    expect(html).toMatch(/<option value="inbound_call_ended" selected="">An inbound call ends<\/option>/);

    const missing = await page(`/console/automations/aut_${unique('missing')}`, cookie);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toMatch(/^text\/html/);
    expect(missing.html).toContain('Page not found');
    expect((await page('/console/nothing-here', cookie)).status).toBe(404);
  });

  it('editor: has "Rotate secret" with the overlap choice, and lists until when previous secrets still sign', async () => {
    const account = await createAccount();
    const automation = await createAutomation(account);
    const { cookie } = await signIn(account.admin);
    const before = (await page(`/console/automations/${automation.id}`, cookie)).html;
    expect(before).toMatch(/<button type="button" class="button" id="rotate-secret">Rotate secret<\/button>/);
    const select = /<select id="rotate-overlap">([\s\S]*?)<\/select>/.exec(before)?.[1] ?? '';
    expect([...select.matchAll(/<option value="(\d+)"/g)].map((m) => Number(m[1]))).toEqual([0, 1, 24, 72, 168]);
    expect(select).toMatch(/<option value="24" selected="">24 hours<\/option>/);
    expect(before).toMatch(/<ul id="previous-secrets"[^>]*><\/ul>/);

    const rotated = await call(`/v1/automations/${automation.id}/secret/rotate`, { token: account.admin, body: { previous_valid_for_hours: 72 } });
    const until = rotated.body.previous_valid_until as string;
    const after = (await page(`/console/automations/${automation.id}`, cookie)).html;
    expect(after).toContain(`<li>A previous secret also signs until <time datetime="${until}">${until.slice(0, 10)} ${until.slice(11, 19)} UTC</time></li>`);
    expect(after).not.toContain(automation.signing_secret);
    expect(after).not.toContain(rotated.body.signing_secret);

    // While the integration is off, rotating is a change like any other: the control is disabled.
    await call(`/v1/accounts/${account.id}/http-notifier`, { method: 'PUT', token: OPERATOR, body: { enabled: false } });
    const off = (await page(`/console/automations/${automation.id}`, cookie)).html;
    expect(off).toMatch(/id="rotate-secret" disabled="">/);
    expect(off).toMatch(/<select id="rotate-overlap" disabled="">/);
  });

  it('delivery log: lists deliveries with code and response snippet, filtered by status and task', async () => {
    const account = await createAccount();
    const automation = await createAutomation(account);
    const { cookie } = await signIn(account.admin);
    await postEvent(account, { type: 'inbound_call_ended', data: { call_id: 'c-2' } });
    const list = await call(`/v1/deliveries?automation_id=${automation.id}`, { token: account.admin });
    await waitForDelivery(account, list.body.data[0].id, ['succeeded']);

    const all = await page('/console/deliveries', cookie);
    expect(all.html).toContain(`data-delivery-id="${list.body.data[0].id}"`);
    expect(all.html).toContain('HTTP 200');
    expect(all.html).toContain('sink answered 200');
    expect(all.html).toContain('An inbound call ends');
    const failed = await page('/console/deliveries?status=failed', cookie);
    expect(failed.html).not.toContain('data-delivery-id=');
    expect(failed.html).toContain('No failed deliveries');
    const forTask = await page(`/console/deliveries?automation=${automation.id}&status=succeeded`, cookie);
    expect(forTask.html).toContain(`data-delivery-id="${list.body.data[0].id}"`);
    // An unknown status filter is ignored rather than failing the page.
    expect((await page('/console/deliveries?status=bogus', cookie)).status).toBe(200);
  });
});

describe('console assets', () => {
  it('are served from the Worker with their types, the same CSP, and ETag revalidation', async () => {
    for (const [name, type] of [['console.css', 'text/css'], ['deliveries.js', 'text/javascript'], ['editor.js', 'text/javascript'], ['icon.svg', 'image/svg+xml']]) {
      const response = await fetchConsole(`/console/assets/${name}`);
      expect(response.status, name).toBe(200);
      expect(response.headers.get('content-type')).toContain(type);
      expectSecurityHeaders(response.headers, name!);
      expect(response.headers.get('cache-control')).toBe('no-cache');
      const etag = response.headers.get('etag')!;
      expect(etag).toMatch(/^"[^"]+"$/);
      const again = await fetchConsole(`/console/assets/${name}`, { headers: { 'if-none-match': etag } });
      expect(again.status).toBe(304);
      expect(await again.text()).toBe('');
      expect(again.headers.get('etag')).toBe(etag);
      expect(again.headers.get('cache-control')).toBe('no-cache');
      // A list of validators, as browsers and caches send them, matches too.
      expect((await fetchConsole(`/console/assets/${name}`, { headers: { 'if-none-match': `"stale", W/${etag}` } })).status).toBe(304);
      const changed = await fetchConsole(`/console/assets/${name}`, { headers: { 'if-none-match': '"stale"' } });
      expect(changed.status).toBe(200);
      expect((await changed.text()).length).toBeGreaterThan(0);
    }
    expect((await fetchConsole('/console/assets/nope.js')).status).toBe(404);
  });

  it('the sign-in redirect and error pages carry the same security headers', async () => {
    expectSecurityHeaders((await fetchConsole('/')).headers, '/');
    expectSecurityHeaders((await fetchConsole('/console')).headers, 'the sign-in redirect');
    const missing = await fetchConsole('/console/nothing-here');
    expect(missing.status).toBe(404);
    expectSecurityHeaders(missing.headers, 'a 404 page');
    expect(missing.headers.get('cache-control')).toBe('no-store');
  });
});
