/**
 * The editor's "Authentication and envelope" in a real browser: a task saved with OAuth2
 * client credentials and CloudEvents headers sends a Bearer token got from a real token
 * endpoint (a server in this test, which also receives the webhooks); the saved secret never
 * reaches the page, an empty secret field keeps it, and a new token URL without it is refused
 * beside the field.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from './support/api-client';
import { startConsole, type ConsoleFixture } from './support/console-fixture';

const SECRET = 'e2e-client-secret-9f3';

interface Seen {
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

let ui: ConsoleFixture;
const seen: Seen[] = [];
let serverUrl = '';
let close: () => Promise<void> = async () => {};

beforeAll(async () => {
  // The token endpoint (/token) and the receiver (/hook) in one server on loopback.
  let issued = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      seen.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      if (req.url?.startsWith('/token')) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ access_token: `e2e-token-${++issued}`, token_type: 'Bearer', expires_in: 3600 }));
      } else {
        res.writeHead(200).end('ok');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  serverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); });
  ui = await startConsole('e2e-auth');
}, 180_000);

afterAll(async () => {
  await ui?.close();
  await close();
});

describe('the editor: authentication and envelope', () => {
  it('saves OAuth2 client credentials and CloudEvents; webhooks carry the Bearer token and ce-* headers', async () => {
    const { page } = ui;
    const field = (label: string) => page.getByLabel(label, { exact: true });
    await page.goto(`${ui.notifier.url}/console/automations/new`);
    await field('Trigger').selectOption('inbound_call_ended');
    await field('URL').fill(`${serverUrl}/hook`);
    // Only the chosen type's fields show.
    expect(await field('Client secret').isVisible()).toBe(false);
    await field('Authentication').selectOption('oauth2_client_credentials');
    expect(await field('Username').isVisible()).toBe(false);
    await field('Token URL').fill(`${serverUrl}/token`);
    await field('Client ID').fill('e2e-client');
    await field('Client secret').fill(SECRET);
    await field('Scope (optional)').fill('hooks.write');
    await field('Add CloudEvents headers').check();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.waitForURL(/\/console\/automations\/aut_[^/?]+\?flash=created/);
    const id = new URL(page.url()).pathname.split('/').pop()!;

    // The saved task's page: the fields as saved, the secret nowhere in the page.
    expect(await field('Authentication').inputValue()).toBe('oauth2_client_credentials');
    expect(await field('Client ID').inputValue()).toBe('e2e-client');
    expect(await field('Client secret').inputValue()).toBe('');
    expect(await field('Client secret').getAttribute('placeholder')).toMatch(/leave empty to keep/);
    expect(await field('Add CloudEvents headers').isChecked()).toBe(true);
    expect(await page.content()).not.toContain(SECRET);
    await page.locator('#auth-section').scrollIntoViewIfNeeded();
    await ui.screenshot('console-editor-auth');

    const posted = await ui.events.post('/v1/events', { id: 'auth-e2e-1', type: 'inbound_call_ended', data: { call_id: 'CA-e2e-auth' } });
    expect(posted.status).toBe(202);
    const hook = await eventually(() => {
      const found = seen.find((r) => r.path === '/hook');
      expect(found).toBeDefined();
      return found!;
    }, 30_000);
    const token = seen.find((r) => r.path === '/token')!;
    expect(token.headers.authorization).toBe(`Basic ${Buffer.from(`e2e-client:${SECRET}`).toString('base64')}`);
    expect(token.body).toBe('grant_type=client_credentials&scope=hooks.write');
    expect(hook.headers).toMatchObject({
      authorization: 'Bearer e2e-token-1', 'ce-specversion': '1.0', 'ce-type': 'com.http-notifier.inbound_call_ended',
      'ce-subject': 'CA-e2e-auth', 'ce-source': '/accounts/e2e-auth',
    });
    expect(hook.headers['ce-id']).toBe(hook.headers['webhook-id']);

    // An empty secret field keeps the saved secret; a new token URL needs it again, said beside the field.
    await field('Scope (optional)').fill('hooks.read');
    await page.getByRole('button', { name: 'Save' }).click();
    await ui.textOf('#form-status', /Saved/);
    expect((await ui.admin.get(`/v1/automations/${id}`)).body.auth).toMatchObject({ scope: 'hooks.read', client_id: 'e2e-client' });
    await field('Token URL').fill(`${serverUrl}/token/other`);
    await page.getByRole('button', { name: 'Save' }).click();
    await ui.textOf('#form-error', /not saved/);
    expect(await field('Client secret').getAttribute('aria-invalid')).toBe('true');
    expect((await ui.admin.get(`/v1/automations/${id}`)).body.auth.token_url).toBe(`${serverUrl}/token`);
    expect(ui.problems).toEqual([]);
  });
});
