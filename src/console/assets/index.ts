/**
 * The console's static assets, served by the Worker itself from /console/assets/<name> so the
 * pages can run under `default-src 'self'` with no inline code. Scripts are ES modules that
 * import each other by relative URL; no bundling step is involved.
 */
import { BODY_EDITOR_JS } from './client-body-editor';
import { COMMON_JS } from './client-common';
import { DELIVERIES_JS } from './client-deliveries';
import { EDITOR_JS } from './client-editor';
import { EDITOR_TOOLS_JS } from './client-editor-tools';
import { FIELDS_PANEL_JS } from './client-fields-panel';
import { LIVE_CHECK_JS } from './client-live-check';
import { SETTINGS_JS } from './client-settings';
import { BASE_CSS } from './styles-base';
import { COMPONENT_CSS } from './styles-components';
import { EDITOR_CSS } from './styles-editor';

const JS = 'text/javascript; charset=utf-8';
const CSS = 'text/css; charset=utf-8';

/** The brand mark as the tab icon (browsers ask for one; without it they log a 404). */
const ICON_SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><rect x="1" y="1" width="22" height="22" rx="6" fill="#2150c4"/>'
  + '<path d="M7 8 4.5 12 7 16M12 12h7.5M16.5 9l3 3-3 3" fill="none" stroke="#fff" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"/></svg>';

export const ASSETS: Readonly<Record<string, { type: string; body: string }>> = {
  'console.css': { type: CSS, body: BASE_CSS + COMPONENT_CSS + EDITOR_CSS },
  'icon.svg': { type: 'image/svg+xml', body: ICON_SVG },
  'common.js': { type: JS, body: COMMON_JS },
  'settings.js': { type: JS, body: SETTINGS_JS },
  'editor.js': { type: JS, body: EDITOR_JS },
  'editor-tools.js': { type: JS, body: EDITOR_TOOLS_JS },
  'body-editor.js': { type: JS, body: BODY_EDITOR_JS },
  'fields-panel.js': { type: JS, body: FIELDS_PANEL_JS },
  'live-check.js': { type: JS, body: LIVE_CHECK_JS },
  'deliveries.js': { type: JS, body: DELIVERIES_JS },
};

/** FNV-1a over every asset: changes whenever any asset does, so it serves as the ETag and cache-buster. */
function fingerprint(texts: string[]): string {
  let hash = 0x811c9dc5;
  for (const text of texts) {
    for (let i = 0; i < text.length; i++) {
      hash ^= text.charCodeAt(i);
      hash = Math.imul(hash, 0x01000193);
    }
  }
  return (hash >>> 0).toString(36);
}

export const ASSET_VERSION = fingerprint(Object.values(ASSETS).map((asset) => asset.body));

export const assetUrl = (name: string) => `/console/assets/${name}?v=${ASSET_VERSION}`;

/** The asset as a response, revalidated with its ETag (scripts import each other without the ?v= buster). */
export function assetResponse(name: string, ifNoneMatch: string | undefined): Response | null {
  const asset = Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined;
  if (!asset) return null;
  const etag = `"${ASSET_VERSION}"`;
  const headers = { 'content-type': asset.type, 'cache-control': 'no-cache', etag };
  if (ifNoneMatch === etag) return new Response(null, { status: 304, headers });
  return new Response(asset.body, { headers });
}
