/**
 * A signed-in admin console in headless Chromium, for browser test files that need their own
 * servers: the Worker (wrangler dev, fresh state), the local receiver, and an account with the
 * integration switched on, signed in through the sign-in page.
 *
 *   const ui = await startConsole('e2e-health');
 *   await ui.page.goto(`${ui.notifier.url}/console`);
 *   await ui.textOf('h1', /HTTP Notifier/);
 *   ...; expect(ui.problems).toEqual([]); await ui.close();
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';
import { apiClient, createTestAccount, eventually } from './api-client';
import { launchChromium } from './browser';
import { stopAllProcesses } from './processes';
import { ROOT, startNotifier, startReceiver, TEST_VARS, type LocalServer } from './wrangler';

const SHOTS_DIR = join(ROOT, 'test-results', 'screenshots');

/** Saves a screenshot under test-results/screenshots; UPDATE_SCREENSHOTS=1 also copies it to docs/. */
export async function screenshotOf(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS_DIR, { recursive: true });
  const file = join(SHOTS_DIR, `${name}.png`);
  await page.screenshot({ path: file });
  if (process.env.UPDATE_SCREENSHOTS === '1') {
    mkdirSync(join(ROOT, 'docs'), { recursive: true });
    copyFileSync(file, join(ROOT, 'docs', `${name}.png`));
  }
}

/** The visible text of the first match of `selector` once it matches `pattern` (waits for it). */
export async function textIn(page: Page, selector: string, pattern: RegExp, timeoutMs = 15_000): Promise<string> {
  return eventually(async () => {
    const text = (await page.locator(selector).first().innerText()).trim();
    expect(text).toMatch(pattern);
    return text;
  }, timeoutMs);
}

/** Collects script errors and Content-Security-Policy violations of a page into `problems`. */
export function watchProblems(page: Page, problems: string[]): void {
  page.on('pageerror', (error) => problems.push(`script error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy|Refused to/i.test(message.text())) problems.push(message.text());
  });
}

export interface ConsoleFixture {
  notifier: LocalServer;
  receiver: LocalServer;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  account: Awaited<ReturnType<typeof createTestAccount>>;
  /** API clients with the account's admin and events keys. */
  admin: ReturnType<typeof apiClient>;
  events: ReturnType<typeof apiClient>;
  /** Script errors and CSP violations seen so far. */
  problems: string[];
  screenshot(name: string): Promise<void>;
  textOf(selector: string, pattern: RegExp, timeoutMs?: number): Promise<string>;
  close(): Promise<void>;
}

export async function startConsole(accountId: string, accountName = 'Acme Support Center'): Promise<ConsoleFixture> {
  const [notifier, receiver] = await Promise.all([startNotifier(), startReceiver()]);
  const browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const problems: string[] = [];
  watchProblems(page, problems);
  const account = await createTestAccount(notifier.url, TEST_VARS.OPERATOR_TOKEN, accountId, accountName);
  const enabled = await account.setEnabled(true);
  if (enabled.status !== 200) throw new Error(`enabling ${accountId}: ${enabled.status}`);

  await page.goto(`${notifier.url}/console/sign-in`);
  await page.getByLabel('Admin API key').fill(account.adminKey);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${notifier.url}/console`);

  return {
    notifier, receiver, browser, context, page, account, problems,
    admin: apiClient(notifier.url, account.adminKey),
    events: apiClient(notifier.url, account.eventsKey),
    screenshot: (name) => screenshotOf(page, name),
    textOf: (selector, pattern, timeoutMs) => textIn(page, selector, pattern, timeoutMs),
    close: async () => {
      await browser.close();
      await stopAllProcesses();
    },
  };
}
