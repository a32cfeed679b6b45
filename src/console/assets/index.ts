/**
 * The console's static assets, served by the Worker itself from /console/assets/<name> so the
 * pages can run under `default-src 'self'` with no inline code. The sources are TypeScript and
 * CSS in src/console/browser/; scripts/build-console.mjs bundles each page script and the
 * stylesheet into one self-contained file and generates ./bundle.generated.ts with their texts
 * and content hashes.
 */
import { CONSOLE_ASSETS, type ConsoleAsset } from './bundle.generated';

export const ASSETS: Readonly<Record<string, ConsoleAsset>> = CONSOLE_ASSETS;

function lookup(name: string): ConsoleAsset | undefined {
  return Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined;
}

/** The asset's URL, with its own content hash as a cache-buster. A name that is not built is a bug in the page. */
export function assetUrl(name: string): string {
  const asset = lookup(name);
  if (!asset) throw new Error(`No console asset named ${name}`);
  return `/console/assets/${name}?v=${asset.hash}`;
}

/**
 * The asset as a response, with its content hash as the ETag (hono/etag on the route answers a
 * matching If-None-Match with 304).
 */
export function assetResponse(name: string): Response | null {
  const asset = lookup(name);
  if (!asset) return null;
  return new Response(asset.body, { headers: { 'content-type': asset.type, 'cache-control': 'no-cache', etag: `"${asset.hash}"` } });
}
