/**
 * The console's built browser assets (scripts/build-console.mjs): each script parses as a
 * module on its own and holds only browser code, nothing reaches outside the Worker's own
 * origin (the CSP allows 'self' only), and each asset's hash is its content's, so a changed
 * asset gets a new URL.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ASSETS } from '../src/console/assets';
import { ROOT } from './support/wrangler';

const dir = mkdtempSync(join(tmpdir(), 'hn-assets-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const scripts = Object.entries(ASSETS).filter(([name]) => name.endsWith('.js'));
const styles = Object.entries(ASSETS).filter(([name]) => name.endsWith('.css'));

describe('console browser assets', () => {
  it('include every script a console page names, and the stylesheet and icon', () => {
    const pagesDir = join(ROOT, 'src', 'console', 'pages');
    const named = readdirSync(pagesDir).flatMap((file) => [...readFileSync(join(pagesDir, file), 'utf8').matchAll(/script="([\w-]+\.js)"/g)].map((match) => match[1]));
    expect(named.length).toBeGreaterThan(0);
    expect(Object.keys(ASSETS)).toEqual(expect.arrayContaining([...named, 'console.css', 'icon.svg']));
  });

  it.each(scripts)('%s is a valid JavaScript module', (name, asset) => {
    const file = join(dir, name.replace(/\.js$/, '.mjs'));
    writeFileSync(file, asset.body);
    const check = spawnSync(process.execPath, ['--check', file], { encoding: 'utf8' });
    expect(check.stderr).toBe('');
    expect(check.status).toBe(0);
  });

  it.each(scripts)('%s is self-contained: it imports nothing, not even from the same origin', (_name, asset) => {
    // Bundled, a page needs exactly one request for its code; an import left in would also
    // load without the ?v= cache-buster.
    expect(asset.body).not.toMatch(/^\s*(?:import|export)\b[^(]*\bfrom\s*["']/m);
    expect(asset.body).not.toMatch(/\bimport\s*\(/);
  });

  it.each(scripts)('%s bundles only the console\'s browser code: no server module, no zod', (_name, asset) => {
    // The browser code takes the API's types from the server's schemas (`import type`, erased);
    // a value import would bundle the schema module and zod with it. Unminified, esbuild heads
    // each module it bundles with a `// path` line.
    const modules = [...asset.body.matchAll(/^\/\/ ((?:src|node_modules)\/\S+)$/gm)].map((match) => match[1]);
    expect(modules.length).toBeGreaterThan(0);
    expect(modules.filter((path) => !path?.startsWith('src/console/browser/'))).toEqual([]);
    expect(asset.body).not.toMatch(/\bzod\b/i);
  });

  it.each(styles)('%s loads nothing else', (_name, asset) => {
    expect(asset.body).not.toMatch(/@import/i);
    expect(asset.body).not.toMatch(/url\(/i);
  });

  it.each(Object.entries(ASSETS))('%s has the hash of its own content', (_name, asset) => {
    expect(asset.hash).toBe(createHash('sha256').update(asset.body).digest('base64url').slice(0, 16));
  });
});
