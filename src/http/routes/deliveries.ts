/** Admin endpoints: the delivery log and manual retries. */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { BUSINESS_KEYS, MAX_KEY_LENGTH, type BusinessKey } from '../../domain/business-keys';
import { planeFor } from '../../plane/client';
import { keyPrincipal, requireIntegrationEnabled, requireKey } from '../guards';
import type { AppEnv } from '../context';
import { ApiError, notFound, validationFailed } from '../../errors';
import { DeliveryStatus } from '../../domain/vocabulary';
import { AttemptSchema, DeliverySchema, errors, IdParam, jsonResponse, pageOf, PageQuery } from '../schemas';

const tags = ['Deliveries'];
const middleware = [requireKey('admin')];
const queryParam = (name: string) => ({ param: { name, in: 'query' as const } });
const keyParam = (key: BusinessKey) =>
  z.string().min(1).max(MAX_KEY_LENGTH).optional().openapi({
    ...queryParam(key), description: `Only deliveries of events whose ${key} is this (one business key at a time)`,
  });

const routes = {
  list: createRoute({
    method: 'get', path: '/v1/deliveries', tags, middleware, summary: 'The delivery log, newest first',
    request: {
      query: PageQuery.extend({
        automation_id: z.string().max(128).optional().openapi(queryParam('automation_id')),
        event_id: z.string().max(128).optional().openapi(queryParam('event_id')),
        status: DeliveryStatus.optional().openapi(queryParam('status')),
        call_id: keyParam('call_id'),
        contact_id: keyParam('contact_id'),
        interaction_id: keyParam('interaction_id'),
        agent_id: keyParam('agent_id'),
      }),
    },
    responses: { 200: jsonResponse(pageOf(DeliverySchema, 'DeliveryPage'), 'A page of deliveries'), 401: errors[401], 403: errors[403], 422: errors[422] },
  }),
  read: createRoute({
    method: 'get', path: '/v1/deliveries/{id}', tags, middleware, summary: 'A delivery and its attempts',
    request: { params: IdParam('id') },
    responses: {
      200: jsonResponse(DeliverySchema.extend({ attempts: z.array(AttemptSchema) }).openapi('DeliveryDetail'), 'The delivery'),
      401: errors[401], 403: errors[403], 404: errors[404],
    },
  }),
  retry: createRoute({
    method: 'post', path: '/v1/deliveries/{id}/retry', tags, middleware,
    summary: 'Send a finished delivery again (same webhook-id, fresh retry schedule)',
    request: { params: IdParam('id') },
    responses: {
      202: jsonResponse(DeliverySchema, 'Queued'), 401: errors[401], 403: errors[403], 404: errors[404], 409: errors[409],
    },
  }),
};

export function registerDeliveryRoutes(app: OpenAPIHono<AppEnv>) {
  app.openapi(routes.list, async (c) => {
    const q = c.req.valid('query');
    const { accountId } = keyPrincipal(c.get('principal'));
    const keys = BUSINESS_KEYS.filter((key) => q[key] !== undefined);
    if (keys.length > 1) {
      throw validationFailed(keys.map((key) => ({ path: key, message: 'give one of call_id, contact_id, interaction_id, agent_id at a time' })));
    }
    const page = await planeFor(c.env, accountId).listDeliveries(accountId, {
      automationId: q.automation_id, eventId: q.event_id, status: q.status, limit: q.limit, cursor: q.cursor,
      ...Object.fromEntries(keys.map((key) => [key, q[key]])),
    });
    return c.json(page, 200);
  });

  app.openapi(routes.read, async (c) => {
    const { accountId } = keyPrincipal(c.get('principal'));
    const delivery = await planeFor(c.env, accountId).getDelivery(accountId, c.req.valid('param').id);
    if (!delivery) throw notFound('Delivery');
    return c.json(delivery, 200);
  });

  app.openapi(routes.retry, async (c) => {
    const principal = keyPrincipal(c.get('principal'));
    requireIntegrationEnabled(principal);
    const outcome = await planeFor(c.env, principal.accountId).retryDelivery(principal.accountId, c.req.valid('param').id);
    if ('notFound' in outcome) throw notFound('Delivery');
    if ('conflict' in outcome) throw new ApiError('conflict', outcome.conflict);
    return c.json(outcome.reopened, 202);
  });
}
