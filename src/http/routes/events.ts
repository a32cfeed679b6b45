/**
 * Event ingestion: authenticate and validate here, then one call to the account's object
 * stores the event and its deliveries in one transaction before the 202 (no D1 write).
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { TRIGGER_IDS } from '../../catalog';
import { newId } from '../../crypto/ids';
import { getPartitioning } from '../../db/accounts';
import { AccountPlanes, planesFor } from '../../plane/planes';
import { requireEventSender } from '../guards';
import type { AppEnv } from '../context';
import { ApiError, notFound, validationFailed } from '../../errors';
import { errors, EventDataSchema, ExternalId, jsonBody, jsonResponse } from '../schemas';

const EventInput = z
  .object({
    id: ExternalId.optional().openapi({ description: 'Idempotency key: an id already seen for the account is not delivered again' }),
    type: z.string().openapi({ description: 'A trigger id from GET /v1/triggers', example: 'inbound_call_ended' }),
    occurred_at: z.iso.datetime({ offset: true }).optional(),
    account_id: ExternalId.optional().openapi({ description: 'Required with the operator token; must match the key’s account otherwise' }),
    data: EventDataSchema,
  })
  .strict()
  .openapi('Event');

const Accepted = z.object({ event_id: z.string(), duplicate: z.boolean(), deliveries: z.number().int() }).openapi('EventAccepted');

const postEvent = createRoute({
  method: 'post', path: '/v1/events', tags: ['Events'], middleware: [requireEventSender],
  summary: 'Post a platform event (events key, or operator token with account_id)',
  request: jsonBody(EventInput),
  responses: {
    202: jsonResponse(Accepted, 'Stored; `deliveries` says how many deliveries this request created'),
    200: jsonResponse(Accepted, 'An event with this id was already received: nothing new is delivered'),
    400: errors[400], 401: errors[401], 403: errors[403], 404: errors[404], 413: errors[413], 422: errors[422],
  },
});

const knownTypes = new Set<string>(TRIGGER_IDS);

export function registerEventRoutes(app: OpenAPIHono<AppEnv>) {
  app.openapi(postEvent, async (c) => {
    const input = c.req.valid('json');
    const principal = c.get('principal');
    let planes: AccountPlanes;
    if ('operator' in principal) {
      if (!input.account_id) throw validationFailed([{ path: 'account_id', message: 'required when posting with the operator token' }]);
      const partitioning = await getPartitioning(c.env.DB, input.account_id);
      if (!partitioning) throw notFound('Account');
      planes = new AccountPlanes(c.env, input.account_id, partitioning);
    } else {
      if (input.account_id !== undefined && input.account_id !== principal.accountId) {
        throw new ApiError('forbidden', 'This key cannot post events for another account');
      }
      planes = planesFor(c.env, principal);
    }
    if (!knownTypes.has(input.type)) {
      throw validationFailed([{ path: 'type', message: `unknown event type "${input.type}"; see GET /v1/triggers for the 25 types` }]);
    }
    const now = Date.now();
    const eventId = input.id ?? newId('evt', now);
    const result = await planes.ingest({
      id: eventId,
      type: input.type,
      occurredAt: input.occurred_at ? Date.parse(input.occurred_at) : now,
      data: JSON.stringify(input.data),
      receivedAt: now,
    }, input.data);
    if (result.duplicate) return c.json({ event_id: eventId, duplicate: true, deliveries: 0 }, 200);
    return c.json({ event_id: eventId, duplicate: false, deliveries: result.deliveryIds.length }, 202);
  });
}
