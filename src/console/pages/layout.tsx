/** The page frame shared by every console page: head, top bar, skip link and live region. */
import type { Child } from 'hono/jsx';
import { assetUrl } from '../assets';

export interface LayoutProps {
  title: string;
  /** Script module for the page, by asset name (e.g. 'settings.js'); none for static pages. */
  script?: string;
  /** Given once signed in: enables the top bar's navigation and sign-out. */
  signedIn?: { accountName: string; csrfToken: string; current: 'automations' | 'deliveries' | 'simulate' | null };
  children: Child;
}

export function Layout({ title, script, signedIn, children }: LayoutProps) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} · HTTP Notifier`}</title>
        {signedIn && <meta name="csrf-token" content={signedIn.csrfToken} />}
        <link rel="icon" href={assetUrl('icon.svg')} type="image/svg+xml" />
        <link rel="stylesheet" href={assetUrl('console.css')} />
        {script && <script type="module" src={assetUrl(script)}></script>}
      </head>
      <body>
        <a class="skip-link" href="#main">Skip to content</a>
        <header class="topbar">
          <a class="brand" href="/console">
            <BrandMark />
            <span>HTTP Notifier</span>
          </a>
          {signedIn && (
            <>
              <nav class="topnav" aria-label="Console">
                <a href="/console" aria-current={signedIn.current === 'automations' ? 'page' : undefined}>Automated tasks</a>
                <a href="/console/deliveries" aria-current={signedIn.current === 'deliveries' ? 'page' : undefined}>Delivery log</a>
                <a href="/console/simulate" aria-current={signedIn.current === 'simulate' ? 'page' : undefined}>Simulate a call</a>
              </nav>
              <form class="account-menu" method="post" action="/console/sign-out">
                <span class="account-name" title="Signed-in account">{signedIn.accountName}</span>
                <input type="hidden" name="csrf_token" value={signedIn.csrfToken} />
                <button type="submit" class="button button-quiet">Sign out</button>
              </form>
            </>
          )}
        </header>
        <main id="main" class="page" tabindex={-1}>
          {children}
        </main>
        {/* Async results (saved, toggled, sent) are read out from here by screen readers. */}
        <div id="announcer" class="visually-hidden" role="status" aria-live="polite"></div>
      </body>
    </html>
  );
}

/** A small webhook glyph: an arrow leaving a bracket. Inline SVG is markup, not a style or script. */
function BrandMark() {
  return (
    <svg class="brand-mark" viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false">
      <rect x="1" y="1" width="22" height="22" rx="6" fill="currentColor" />
      <path d="M7 8 4.5 12 7 16M12 12h7.5M16.5 9l3 3-3 3" fill="none" stroke="#fff" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" />
    </svg>
  );
}

/** Renders a page component as a complete HTML document. */
export function documentHtml(page: unknown): string {
  return `<!doctype html>${String(page)}`;
}
