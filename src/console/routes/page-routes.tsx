/**
 * The signed-in pages. They read through the same account-scoped queries the API uses; every
 * change the pages make goes through the /v1 API from the browser.
 */
import type { Context, Hono } from 'hono';
import { getCookie } from 'hono/cookie';
import { parseZone } from '../../domain/calendar-days';
import { ZONE_COOKIE } from '../zone-cookie';
import { getAccount, getOperationsWebhook, type Account } from '../../db/accounts';
import { allAutomationSummaries, automationSummaries, getAutomationRow, listAutomations, toAutomation } from '../../db/automations';
import { operationsId } from '../../plane/account-config';
import { planesFor } from '../../plane/planes';
import { StatsWindow } from '../../domain/delivery-stats';
import type { DeliveryPage } from '../../plane/store/delivery-log';
import { notFound } from '../../errors';
import type { ConsoleEnv } from '../context';
import { requireConsoleSession } from '../guard';
import { readLogFilters, searchFilter } from '../log-filters';
import { DeliveriesPage } from '../pages/deliveries';
import { EditorPage } from '../pages/editor';
import type { HealthCardProps } from '../pages/health-card';
import { documentHtml } from '../pages/layout';
import { readResendOutcome } from '../pages/resend-all';
import { SettingsPage } from '../pages/settings';
import { SimulatePage } from '../pages/simulate';

const LIST_LIMIT = 100;
/** Tasks offered by the log's task filter. */
const TASK_CHOICES = 500;
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

/** Query values are user input: keep them short and drop empty ones. */
function queryParam(c: Context, name: string): string | null {
  const value = c.req.query(name);
  return value && value.length <= 128 ? value : null;
}

/**
 * The reader's time zone, as their browser put it in a cookie (lib/reader-zone.ts): `asked` as
 * it came, `tz` only when it names a zone (otherwise the view stays in UTC).
 */
function readerZone(c: Context): { asked: string; tz: string | undefined } {
  const asked = (getCookie(c, ZONE_COOKIE) ?? '').slice(0, 64);
  return { asked, tz: asked && parseZone(asked) ? asked : undefined };
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
    const plane = planesFor(c.env, c.get('principal'));
    const zone = readerZone(c);
    const [last, destinations, notices, hook, stats] = await Promise.all([
      plane.lastDeliveries(page.data.map((a) => a.id)),
      plane.destinations(page.data.map((a) => a.url)),
      plane.notices(NOTICE_LIMIT, queryParam(c, 'notices') ?? undefined),
      getOperationsWebhook(c.env.DB, account.id),
      plane.stats(healthWindow(c), null, zone.tz),
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
          health={{ stats, links: healthLinks(c, 'account-health'), zoneAsked: zone.asked }}
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
    const zone = readerZone(c);
    const stats = await planesFor(c.env, c.get('principal')).stats(healthWindow(c), row.id, zone.tz);
    return c.html(
      documentHtml(
        <EditorPage account={account} csrfToken={c.get('session').csrfToken} automation={toAutomation(row)} flash={queryParam(c, 'flash')}
          health={{ stats, links: healthLinks(c, 'task-health'), zoneAsked: zone.asked }} />,
      ),
    );
  });

  app.get('/console/simulate', requireConsoleSession, async (c) => {
    const account = await currentAccount(c);
    return c.html(documentHtml(<SimulatePage account={account} csrfToken={c.get('session').csrfToken} />));
  });

  app.get('/console/deliveries', requireConsoleSession, async (c) => {
    const account = await currentAccount(c);
    const opsId = operationsId(account.id);
    const tasks = await allAutomationSummaries(c.env.DB, account.id, TASK_CHOICES);
    // A notice links to one delivery; the other filters do not apply to it.
    const deliveryId = queryParam(c, 'delivery');
    // One time for the range presets and for the end of what "Resend all" sends: what the page shows.
    const now = Date.now();
    const { filters, notes } = readLogFilters(
      (name) => (deliveryId ? undefined : c.req.query(name)),
      (id) => id === opsId || tasks.some((task) => task.id === id),
      now,
    );
    const plane = planesFor(c.env, c.get('principal'));
    const page: DeliveryPage = deliveryId
      ? await plane.getDelivery(deliveryId).then((one) => ({
        data: one ? [one] : [], next_cursor: null, prev_cursor: null, total: one ? 1 : 0, total_capped: false, newer_count: 0,
      }))
      : await plane.listDeliveries({
        automationId: filters.automation ?? undefined, status: filters.status ?? undefined,
        since: filters.since ?? undefined, until: filters.until ?? undefined,
        limit: filters.limit, cursor: filters.cursor ?? undefined, endingBefore: filters.endingBefore ?? undefined,
        ...searchFilter(filters.search),
      });
    const ids = page.data.map((delivery) => delivery.id);
    const automations = new Map(tasks.map((task) => [task.id, task]));
    // The filter's list holds every task unless the account has more than it offers: only then
    // can a listed delivery's task (not a deleted one) be missing from it and need reading.
    const unlisted = tasks.length < TASK_CHOICES ? [] : page.data.map((d) => d.automation_id).filter((id) => !automations.has(id));
    const [snippets, more] = await Promise.all([
      plane.responseSnippets(ids, SNIPPET_CHARS),
      automationSummaries(c.env.DB, account.id, unlisted),
    ]);
    for (const [id, task] of more) automations.set(id, task);
    // Set by the page script after "Replay this event": how many deliveries the replay made.
    const replayed = /^\d{1,5}$/.exec(queryParam(c, 'replayed') ?? '')?.[0];
    return c.html(
      documentHtml(
        <DeliveriesPage
          account={account}
          csrfToken={c.get('session').csrfToken}
          deliveries={page.data.map((delivery) => ({ ...delivery, snippet: snippets[delivery.id] ?? null }))}
          automations={automations}
          tasks={tasks}
          operationsId={opsId}
          filters={filters}
          notes={notes}
          deliveryId={deliveryId}
          replayed={replayed === undefined ? null : Number(replayed)}
          resend={{ outcome: readResendOutcome((name) => c.req.query(name)), drawnAt: now }}
          page={page}
        />,
      ),
    );
  });
}
