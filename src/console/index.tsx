/**
 * The admin console: server-rendered pages (Hono JSX) at /console plus small browser modules
 * that call the /v1 API with the session cookie. Mounted on the API app by createApp(); none
 * of these routes is part of the OpenAPI document.
 */
import { Hono } from 'hono';
import { etag } from 'hono/etag';
import { createMiddleware } from 'hono/factory';
import { assetResponse } from './assets';
import type { ConsoleEnv } from './context';
import { ErrorPage } from './pages/error-page';
import { documentHtml } from './pages/layout';
import { registerPageRoutes } from './routes/page-routes';
import { registerSessionRoutes } from './routes/session-routes';
import { consoleSecureHeaders, noStoreByDefault } from './security-headers';

const ERROR_PAGES: Record<number, { title: string; message: string }> = {
  404: { title: 'Page not found', message: 'There is nothing here. The automated task may have been deleted, or the address is mistyped.' },
  500: { title: 'Something went wrong', message: 'The page could not be shown. Try again in a moment.' },
};

/**
 * Errors still go through the app's one onError (which logs them); for page loads its JSON
 * answer is then swapped for an HTML page with the same status.
 */
const htmlErrorPages = createMiddleware<ConsoleEnv>(async (c, next) => {
  await next();
  if (!c.error || c.req.method !== 'GET') return;
  const status = c.res.status;
  const page = ERROR_PAGES[status] ?? { ...ERROR_PAGES[500]!, title: status < 500 ? 'This page cannot be shown' : ERROR_PAGES[500]!.title };
  c.res = c.html(documentHtml(<ErrorPage title={page.title} message={page.message} />), status as 404);
});

export function createConsoleApp() {
  const app = new Hono<ConsoleEnv>();
  app.use('/', consoleSecureHeaders, noStoreByDefault);
  // '/console/*' covers '/console' itself too.
  app.use('/console/*', consoleSecureHeaders, noStoreByDefault, htmlErrorPages);

  app.get('/', (c) => c.redirect('/console', 302));
  // Browsers revalidate assets (no-cache): hono/etag answers a matching If-None-Match with 304.
  app.get('/console/assets/:name', etag(), (c) => assetResponse(c.req.param('name')) ?? c.text('No such asset', 404));
  registerSessionRoutes(app);
  registerPageRoutes(app);
  app.get('/console/*', (c) => c.html(documentHtml(<ErrorPage {...ERROR_PAGES[404]!} />), 404));
  return app;
}
