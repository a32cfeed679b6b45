import { exports } from 'cloudflare:workers';
import { env } from 'cloudflare:workers';
import { expect, it } from 'vitest';

it('works', async () => {
  const res = await exports.default.fetch('http://x/health');
  expect(await res.json()).toEqual({ status: 'ok', one: 1 });
  const port = (env as any).SINK_PORT;
  const r2 = await exports.default.fetch(`http://x/?target=http://127.0.0.1:${port}/`);
  console.log(await r2.text());
});
