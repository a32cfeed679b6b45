/** The console's browser modules are JavaScript in TypeScript strings: prove each one parses. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ASSETS } from '../src/console/assets';

const dir = mkdtempSync(join(tmpdir(), 'hn-assets-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('console browser modules', () => {
  const scripts = Object.entries(ASSETS).filter(([name]) => name.endsWith('.js'));

  it.each(scripts)('%s is valid JavaScript', (name, asset) => {
    const file = join(dir, name.replace(/\.js$/, '.mjs'));
    writeFileSync(file, asset.body);
    const check = spawnSync(process.execPath, ['--check', file], { encoding: 'utf8' });
    expect(check.stderr).toBe('');
    expect(check.status).toBe(0);
  });

  it('import only modules that are served', () => {
    for (const [name, asset] of scripts) {
      for (const [, imported] of asset.body.matchAll(/from '\.\/([\w-]+\.js)'/g)) {
        expect(Object.keys(ASSETS), `${name} imports ${imported}`).toContain(imported);
      }
    }
  });
});
