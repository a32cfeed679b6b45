/** Admin endpoints: delivery health over the last 24 hours or 7 days, per automation and for the account. */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { getAutomationRow } from '../../db/automations';
import { StatsWindow } from '../../domain/delivery-stats';
import { notFound } from '../../errors';
import { planesFor } from '../../plane/planes';
import type { AppEnv } from '../context';
import { keyPrincipal, requireKey } from '../guards';
import { errors, IdParam, jsonResponse, StatsSchema } from '../schemas';

const middleware = [requireKey('admin')];
const query = z.object({
  window: StatsWindow.default('24h').openapi({ param: { name: 'window', in: 'query' }, description: '24h (hourly points) or 7d (daily points)' }),
});
const description =
  'Counted as outcomes are recorded (test sends left out) into hourly rollups, so a window reads at most 168 hours.';

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
    return c.json(await planesFor(c.env, keyPrincipal(c.get('principal'))).stats(c.req.valid('query').window, id), 200);
  });

  app.openapi(routes.account, async (c) => {
    const { accountId } = keyPrincipal(c.get('principal'));
    return c.json(await planesFor(c.env, keyPrincipal(c.get('principal'))).stats(c.req.valid('query').window, null), 200);
  });
}
