/**
 * The editor's extra request headers (issue #10): the saved headers are shown as name/value
 * rows, and what the page saves through the API with its session comes back as rows.
 */
import { describe, expect, it } from 'vitest';
import { call, createAccount, createAutomation, expectError } from '../helpers';
import { expectNoInlineCode, fetchConsole, signIn } from './console-helpers';

async function editor(id: string, cookie: string): Promise<string> {
  const response = await fetchConsole(`/console/automations/${id}`, { cookie });
  expect(response.status).toBe(200);
  const html = await response.text();
  expectNoInlineCode(html);
  return html;
}

/** [name, value] of each header row, decoded. */
function headerRows(html: string): [string, string][] {
  const decode = (text: string) => text.replace(/&(quot|lt|gt|#39|amp);/g, (_m, name: string) => ({ quot: '"', lt: '<', gt: '>', '#39': "'", amp: '&' })[name]!);
  return [...html.matchAll(/<input type="text" class="header-name"[^>]*value="([^"]*)"[\s\S]*?<input type="text" class="header-value"[^>]*value="([^"]*)"/g)]
    .map((m) => [decode(m[1]!), decode(m[2]!)]);
}

describe('editor: extra request headers', () => {
  it('has an empty headers section with "Add header" for a new task and a task without headers', async () => {
    const account = await createAccount();
    const automation = await createAutomation(account);
    const { cookie } = await signIn(account.admin);
    for (const html of [await editor(automation.id, cookie), await (await fetchConsole('/console/automations/new', { cookie })).text()]) {
      expect(html).toContain('<h2 id="headers-heading">Extra request headers');
      expect(html).toContain('id="add-header"');
      expect(html).toContain('data-max="20"');
      expect(headerRows(html)).toEqual([]);
    }
  });

  it('shows saved headers as rows (escaped), and what the page saves comes back the same', async () => {
    const account = await createAccount();
    const automation = await createAutomation(account, { headers: { Authorization: 'Bearer a"b<c>&d', 'X-Tenant': 'acme' } });
    const { cookie, csrf } = await signIn(account.admin);
    const before = await editor(automation.id, cookie);
    expect(headerRows(before)).toEqual([['Authorization', 'Bearer a"b<c>&d'], ['X-Tenant', 'acme']]);
    expect(before).toContain('aria-label="Remove header 2 (X-Tenant)"');
    expect(before).toContain('aria-label="Header 1 name"');

    // The page sends the whole object on save (editor.ts): one removed, one changed, one added.
    const saved = await call(`/v1/automations/${automation.id}`, {
      method: 'PATCH', headers: { cookie, 'x-csrf-token': csrf }, body: { headers: { Authorization: 'Bearer new', 'X-Region': 'eu' } },
    });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    expect(headerRows(await editor(automation.id, cookie))).toEqual([['Authorization', 'Bearer new'], ['X-Region', 'eu']]);

    // All removed: an empty object clears them.
    expect((await call(`/v1/automations/${automation.id}`, { method: 'PATCH', headers: { cookie, 'x-csrf-token': csrf }, body: { headers: {} } })).status).toBe(200);
    const cleared = await editor(automation.id, cookie);
    expect(headerRows(cleared)).toEqual([]);
    expect(cleared).toMatch(/<p id="headers-empty" class="muted small">No extra headers\.<\/p>/);
  });

  it('the API names the header it refuses (the page shows it beside that row)', async () => {
    const account = await createAccount();
    const automation = await createAutomation(account);
    const { cookie, csrf } = await signIn(account.admin);
    const refused = expectError(await call(`/v1/automations/${automation.id}`, {
      method: 'PATCH', headers: { cookie, 'x-csrf-token': csrf }, body: { headers: { 'Content-Type': 'text/plain', 'Bad Name': 'x' } },
    }), 422, 'validation_failed');
    expect(refused.details.map((detail) => detail.path).sort()).toEqual(['headers.Bad Name', 'headers.Content-Type']);
  });
});
