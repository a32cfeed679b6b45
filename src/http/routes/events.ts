/**
 * Event ingestion: authenticate and validate here, then one call to the account's object
 * stores the event and its deliveries in one transaction before the 202 (no D1 write).
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { refuseOwnWebhooks, requireEventSender } from '../guards';
import type { AppEnv } from '../context';
import { checkEvent, EventInput, keyAccount, operatorEventAccount } from '../event-checks';
import { errors, jsonBody, jsonResponse } from '../schemas';

const Accepted = z.object({ event_id: z.string(), duplicate: z.boolean(), deliveries: z.number().int() }).openapi('EventAccepted');

const postEvent = createRoute({
  method: 'post', path: '/v1/events', tags: ['Events'], middleware: [requireEventSender, refuseOwnWebhooks],
  summary: 'Post a platform event (events key, or operator token with account_id)',
  request: jsonBody(EventInput),
  responses: {
    202: jsonResponse(Accepted, 'Stored; `deliveries` says how many deliveries this request created'),
    200: jsonResponse(Accepted, 'An event with this id was already received: nothing new is delivered'),
    400: errors[400], 401: errors[401], 403: errors[403], 404: errors[404], 413: errors[413], 422: errors[422],
  },
});

export function registerEventRoutes(app: OpenAPIHono<AppEnv>) {
  app.openapi(postEvent, async (c) => {
    const principal = c.get('principal');
    const account = 'operator' in principal ? operatorEventAccount(c.env) : keyAccount(c.env, principal);
    const { planes, event, data } = await checkEvent(c.req.valid('json'), account);
    const result = await planes.ingest(event, data);
    if (result.duplicate) return c.json({ event_id: event.id, duplicate: true, deliveries: 0 }, 200);
    return c.json({ event_id: event.id, duplicate: false, deliveries: result.deliveryIds.length }, 202);
  });
}
