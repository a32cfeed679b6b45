/** Admin endpoints: delivery health over the last 24 hours or 7 days, per automation and for the account. */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { getAutomationRow } from '../../db/automations';
import { parseZone } from '../../domain/calendar-days';
import { StatsWindow } from '../../domain/delivery-stats';
import { notFound } from '../../errors';
import { planesFor } from '../../plane/planes';
import type { AppEnv } from '../context';
import { keyPrincipal, requireKey } from '../guards';
import { errors, IdParam, jsonResponse, StatsSchema } from '../schemas';

const middleware = [requireKey('admin')];
const query = z.object({
  window: StatsWindow.default('24h').openapi({ param: { name: 'window', in: 'query' }, description: '24h (hourly points) or 7d (daily points)' }),
  tz: z
    .string()
    .max(64)
    .refine((tz) => parseZone(tz) !== null, 'an IANA time zone (Europe/Lisbon) or an offset (+05:30, -03:00, Z)')
    .optional()
    .openapi({ param: { name: 'tz', in: 'query' }, description: 'The reader’s time zone: the 7-day view’s days are its calendar days (default UTC)', example: 'Europe/Lisbon' }),
});
const description =
  'Counted as outcomes are recorded (test sends left out) into hourly rollups, so a window reads at most 168 hours. A delivery is counted in the hour it was created, by its status now; deliveries waiting and retrying now are counted live.';

const routes = {
  automation: createRoute({
    method: 'get', path: '/v1/automations/{id}/stats', tags: ['Automations'], middleware, description,
    summary: 'Delivery health of an automation: success rate, outcomes, attempts, p50/p95 latency, deliveries over time',
    request: { params: IdParam('id'), query },
    responses: { 200: jsonResponse(StatsSchema, 'The stats'), 401: errors[401], 403: errors[403], 404: errors[404], 422: errors[422] },
  }),
  account: createRoute({
    method: 'get', path: '/v1/account/stats', tags: ['Account'], middleware, description,
    summary: 'Delivery health of all the account’s automations',
    request: { query },
    responses: { 200: jsonResponse(StatsSchema, 'The stats'), 401: errors[401], 403: errors[403], 422: errors[422] },
  }),
};

export function registerStatsRoutes(app: OpenAPIHono<AppEnv>) {
  app.openapi(routes.automation, async (c) => {
    const { accountId } = keyPrincipal(c.get('principal'));
    const id = c.req.valid('param').id;
    if (!(await getAutomationRow(c.env.DB, accountId, id))) throw notFound('Automation');
    const { window, tz } = c.req.valid('query');
    return c.json(await planesFor(c.env, keyPrincipal(c.get('principal'))).stats(window, id, tz), 200);
  });

  app.openapi(routes.account, async (c) => {
    const { accountId } = keyPrincipal(c.get('principal'));
    const { window, tz } = c.req.valid('query');
    return c.json(await planesFor(c.env, keyPrincipal(c.get('principal'))).stats(window, null, tz), 200);
  });
}
