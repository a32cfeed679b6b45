/**
 * A newcomer's first minute (issue #18), with the real scripts: `npm start -- --port 9000`
 * prints a short banner (no migration tables, no offline cf lookup noise); `npm run receiver`
 * takes the port after it and `npm run demo` finds both without being told; the receiver checks
 * the signatures of every task of the demo account; a second demo run reuses its keys.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { apiClient, eventually } from './support/api-client';
import { launchChromium } from './support/browser';
import { startProcess, stopAllProcesses, type RunningProcess } from './support/processes';
import { ROOT } from './support/wrangler';

const dirs: string[] = [];
const tempDir = (name: string) => {
  const dir = mkdtempSync(join(tmpdir(), name));
  dirs.push(dir);
  return dir;
};
// As a person's terminal would have it: no test addresses in the environment.
const { NOTIFIER_URL: _n, RECEIVER_URL: _r, OPERATOR_TOKEN: _o, ...plainEnv } = process.env;
const env = { ...plainEnv, NO_COLOR: '1', FORCE_COLOR: '0' };

function script(name: string, args: string[]): RunningProcess {
  return startProcess(name, process.execPath, [join(ROOT, 'scripts', `${name}.mjs`), ...args], { cwd: ROOT, env });
}

async function printed(owner: RunningProcess, pattern: RegExp): Promise<string> {
  return eventually(() => {
    expect(owner.output()).toMatch(pattern);
    return owner.output();
  }, 120_000, 250);
}

const demo = () => spawnSync(process.execPath, [join(ROOT, 'scripts', 'demo.mjs')], { cwd: ROOT, env, encoding: 'utf8', timeout: 90_000 });

afterAll(async () => {
  await stopAllProcesses();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('npm start -- --port 9000, then npm run receiver and npm run demo', () => {
  it('prints a short banner, and the receiver and the demo follow its port', async () => {
    const start = script('start', ['--port', '9000', '--persist-to', tempDir('hn-start-'), '--show-interactive-dev-session=false']);
    const out = await printed(start, /Console: +http:\/\/127\.0\.0\.1:9000\/console/);
    expect(out).toMatch(/Service: +http:\/\/127\.0\.0\.1:9000\b/);
    expect(out).toMatch(/npm run receiver[\s\S]*npm run demo/);
    expect(out).toMatch(/Local database: migrations applied\./);
    // Out of the way: the migration tables (they name each migration file) and the offline cf lookup.
    expect(out).not.toMatch(/0001_/);
    expect(out).not.toMatch(/ENOTFOUND|workers\.cloudflare\.com/);

    const receiver = script('receiver', ['--persist-to', tempDir('hn-receiver-'), '--show-interactive-dev-session=false']);
    await printed(receiver, /Receiver on http:\/\/127\.0\.0\.1:9001/);

    const first = demo();
    expect(first.status, first.stdout + first.stderr).toBe(0);
    expect(first.stdout).toContain('http://127.0.0.1:9000/console');
    expect(first.stdout).toContain('→ http://127.0.0.1:9001/webhooks/demo');
    expect(first.stdout.match(/succeeded \(HTTP 200\)/g)).toHaveLength(3);
    const adminKey = /hnk_admin_\S+/.exec(first.stdout)![0];
    const eventsKey = /hnk_events_\S+/.exec(first.stdout)![0];

    // Another task of the account, with its own secret: the next run teaches the receiver that one too.
    const admin = apiClient('http://127.0.0.1:9000', adminKey);
    const other = await admin.post('/v1/automations', { trigger: 'contact_created', url: 'http://127.0.0.1:9001/hooks/other', body: '{"contact":"{{contact_id}}"}' });
    expect(other.status).toBe(201);

    const second = demo();
    expect(second.status, second.stdout + second.stderr).toBe(0);
    expect(second.stdout).toContain('reused');
    expect(second.stdout).toContain(adminKey); // the same keys, no new ones
    expect(second.stdout).toContain(eventsKey);
    expect(second.stdout).toMatch(/checks the signatures of all 2 tasks/);
    expect((await apiClient('http://127.0.0.1:9000', eventsKey).post('/v1/events', { type: 'contact_created', data: { contact_id: 'CT1' } })).status).toBe(202);

    // Every request checked with its own task's secret, none given in the address.
    const seen = await eventually(async () => {
      const body = (await (await fetch('http://127.0.0.1:9001/requests')).json()) as { data: { path: string; signature: { status: string } }[] };
      expect(body.data.filter((r) => r.path === '/hooks/other')).toHaveLength(1);
      return body.data;
    }, 30_000);
    expect(seen.filter((r) => r.path === '/webhooks/demo')).toHaveLength(6);
    expect(seen.map((r) => r.signature.status)).toEqual(seen.map(() => 'verified'));

    // As the newcomer then does, in a browser: the receiver's page, and the console with the printed key.
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto('http://127.0.0.1:9001/');
      await eventually(async () => expect(await page.getByText('signature verified').count()).toBe(7));
      expect(await page.getByText('signature invalid').count()).toBe(0);
      await page.goto('http://127.0.0.1:9000/console');
      await page.getByLabel('Admin API key').fill(adminKey);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL('http://127.0.0.1:9000/console');
      await eventually(async () => expect(await page.locator('main').innerText()).toMatch(/Demo: call summary to the local receiver/));
    } finally {
      await browser.close();
    }
  });
});
