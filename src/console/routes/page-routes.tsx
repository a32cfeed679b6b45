/**
 * The signed-in pages. They read through the same account-scoped queries the API uses; every
 * change the pages make goes through the /v1 API from the browser.
 */
import type { Context, Hono } from 'hono';
import { getAccount, getOperationsWebhook, type Account } from '../../db/accounts';
import { automationSummaries, getAutomationRow, listAutomations, toAutomation } from '../../db/automations';
import { operationsId } from '../../plane/account-config';
import { planeFor } from '../../plane/client';
import { BUSINESS_KEYS, MAX_KEY_LENGTH } from '../../domain/business-keys';
import { StatsWindow } from '../../domain/delivery-stats';
import { DeliveryStatus } from '../../domain/vocabulary';
import { notFound } from '../../errors';
import type { ConsoleEnv } from '../context';
import { requireConsoleSession } from '../guard';
import { DeliveriesPage, type LogSearch } from '../pages/deliveries';
import { EditorPage } from '../pages/editor';
import type { HealthCardProps } from '../pages/health-card';
import { documentHtml } from '../pages/layout';
import { SettingsPage } from '../pages/settings';

const LIST_LIMIT = 100;
const LOG_LIMIT = 50;
/** Notices on the settings page; older ones are a page further. */
const NOTICE_LIMIT = 10;
/** How much of each delivery's latest response the log shows. */
const SNIPPET_CHARS = 200;

async function currentAccount(c: Context<ConsoleEnv>): Promise<Account> {
  const account = await getAccount(c.env.DB, c.get('principal').accountId);
  // Keys (and so sessions) are deleted with their account; this is only a race with that.
  if (!account) throw notFound('Account');
  return account;
}

/**
 * The log's search: `call_id=CA42` (the shareable form, as in the API), or `by=call_id&q=CA42`
 * as the search form sends it. Empty values are no search; the first key given wins.
 */
function logSearch(c: Context): LogSearch | null {
  const by = c.req.query('by');
  const q = c.req.query('q')?.trim();
  if (q && by) {
    const key = BUSINESS_KEYS.find((k) => k === by);
    return key ? { key, value: q.slice(0, MAX_KEY_LENGTH + 1) } : null;
  }
  for (const key of BUSINESS_KEYS) {
    const value = c.req.query(key)?.trim();
    // One past the longest stored key still finds nothing, as a longer value would.
    if (value) return { key, value: value.slice(0, MAX_KEY_LENGTH + 1) };
  }
  return null;
}

/** Query values are user input: keep them short and drop empty ones. */
function queryParam(c: Context, name: string): string | null {
  const value = c.req.query(name);
  return value && value.length <= 128 ? value : null;
}

/** The health card's period, `?health=24h|7d`; anything else is the default, 24 hours. */
const healthWindow = (c: Context): StatsWindow => StatsWindow.safeParse(queryParam(c, 'health')).data ?? '24h';

/**
 * The page's own address with `health` set to each period, jumping to the card; the page's
 * other parameters stay, except a one-time `flash` message that should not show again.
 */
function healthLinks(c: Context, cardId: string): HealthCardProps['links'] {
  const url = new URL(c.req.url);
  url.searchParams.delete('flash');
  const link = (window: StatsWindow) => {
    const params = new URLSearchParams(url.search);
    params.set('health', window);
    return `${url.pathname}?${params}#${cardId}`;
  };
  return { '24h': link('24h'), '7d': link('7d') };
}

export function registerPageRoutes(app: Hono<ConsoleEnv>) {
  app.get('/console', requireConsoleSession, async (c) => {
    const account = await currentAccount(c);
    const page = await listAutomations(c.env.DB, account.id, { limit: LIST_LIMIT, cursor: queryParam(c, 'cursor') ?? undefined });
    const plane = planeFor(c.env, account.id);
    const [last, destinations, notices, hook, stats] = await Promise.all([
      plane.lastDeliveries(account.id, page.data.map((a) => a.id)),
      plane.destinations(account.id, page.data.map((a) => a.url)),
      plane.notices(account.id, NOTICE_LIMIT, queryParam(c, 'notices') ?? undefined),
      getOperationsWebhook(c.env.DB, account.id),
      plane.stats(account.id, healthWindow(c), null),
    ]);
    const noticeAutomations = await automationSummaries(c.env.DB, account.id, notices.data.flatMap((n) => (n.automation_id ? [n.automation_id] : [])));
    const automations = page.data.map((a) => ({ ...a, last_delivery: last[a.id] ?? null, destination: destinations[a.url]! }));
    const csrfToken = c.get('session').csrfToken;
    return c.html(
      documentHtml(
        <SettingsPage
          account={account}
          csrfToken={csrfToken}
          automations={automations}
          nextCursor={page.next_cursor}
          flash={queryParam(c, 'flash')}
          notices={{ notices: notices.data, automations: noticeAutomations, nextCursor: notices.next_cursor }}
          operationsWebhookUrl={hook?.url ?? null}
          health={{ stats, links: healthLinks(c, 'account-health') }}
        />,
      ),
    );
  });

  app.get('/console/automations/new', requireConsoleSession, async (c) => {
    const account = await currentAccount(c);
    return c.html(documentHtml(<EditorPage account={account} csrfToken={c.get('session').csrfToken} automation={null} flash={null} />));
  });

  app.get('/console/automations/:id', requireConsoleSession, async (c) => {
    const account = await currentAccount(c);
    const row = await getAutomationRow(c.env.DB, account.id, c.req.param('id'));
    if (!row) throw notFound('Automated task');
    const stats = await planeFor(c.env, account.id).stats(account.id, healthWindow(c), row.id);
    return c.html(
      documentHtml(
        <EditorPage account={account} csrfToken={c.get('session').csrfToken} automation={toAutomation(row)} flash={queryParam(c, 'flash')}
          health={{ stats, links: healthLinks(c, 'task-health') }} />,
      ),
    );
  });

  app.get('/console/deliveries', requireConsoleSession, async (c) => {
    const account = await currentAccount(c);
    const statusParam = queryParam(c, 'status');
    // An unknown status filter is ignored rather than failing the page.
    const status = DeliveryStatus.safeParse(statusParam).data ?? null;
    // A notice links to one delivery; the other filters do not apply to it.
    const deliveryId = queryParam(c, 'delivery');
    const automationId = deliveryId ? null : queryParam(c, 'automation');
    const search = deliveryId ? null : logSearch(c);
    const plane = planeFor(c.env, account.id);
    const page = deliveryId
      ? await plane.getDelivery(account.id, deliveryId).then((one) => ({ data: one ? [one] : [], next_cursor: null }))
      : await plane.listDeliveries(account.id, {
        automationId: automationId ?? undefined, status: status ?? undefined, limit: LOG_LIMIT, cursor: queryParam(c, 'cursor') ?? undefined,
        ...(search ? { [search.key]: search.value } : {}),
      });
    const ids = page.data.map((delivery) => delivery.id);
    const [snippets, automations] = await Promise.all([
      plane.responseSnippets(account.id, ids, SNIPPET_CHARS),
      automationSummaries(c.env.DB, account.id, [...page.data.map((d) => d.automation_id), ...(automationId ? [automationId] : [])]),
    ]);
    const automation = automationId ? automations.get(automationId) ?? null : null;
    if (automationId && !automation) throw notFound('Automated task');
    // Set by the page script after "Replay this event": how many deliveries the replay made.
    const replayed = /^\d{1,5}$/.exec(queryParam(c, 'replayed') ?? '')?.[0];
    return c.html(
      documentHtml(
        <DeliveriesPage
          account={account}
          csrfToken={c.get('session').csrfToken}
          deliveries={page.data.map((delivery) => ({ ...delivery, snippet: snippets[delivery.id] ?? null }))}
          automations={automations}
          operationsId={operationsId(account.id)}
          automation={automation}
          status={status}
          search={search}
          deliveryId={deliveryId}
          replayed={replayed === undefined ? null : Number(replayed)}
          nextCursor={page.next_cursor}
        />,
      ),
    );
  });
}
