/**
 * Batch ingestion: up to 500 events in one request, each checked exactly as POST /v1/events
 * checks one (src/http/event-checks.ts) and answered on its own, in the order posted. The
 * accepted ones are stored before the answer with one request per partition they go to, so a
 * platform flushing a backlog costs the account's objects a few requests instead of one per event.
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { ApiError } from '../../errors';
import type { AppEnv } from '../context';
import { checkEvent, keyAccount, operatorBatchAccount, parseEvent, type CheckedEvent } from '../event-checks';
import { refuseOwnWebhooks, requireEventSender } from '../guards';
import { EVENT_BATCH_PATH, MAX_BATCH_EVENTS } from '../request-checks';
import { ErrorSchema, errors, ExternalId, jsonBody, jsonResponse } from '../schemas';

const BatchInput = z
  .object({
    events: z
      .array(
        // Each event is checked on its own (a bad one is answered, not the whole request), so the
        // item schema here only documents it.
        z.unknown().openapi({ allOf: [{ $ref: '#/components/schemas/Event' }], description: 'An event exactly as for POST /v1/events' }),
      )
      .min(1)
      .max(MAX_BATCH_EVENTS),
  })
  .strict()
  .openapi('EventBatch');

const BatchResult = z
  .object({
    event_id: z.string().nullable().openapi({
      description: 'The event’s id (minted when it gave none). Rejected: the id it gave if valid, else null; or, when storing it failed, the id it was to be stored under',
    }),
    status: z.enum(['accepted', 'duplicate', 'rejected']),
    deliveries: z.int().optional().openapi({ description: 'Deliveries this event created (0 for a duplicate); absent when rejected' }),
    error: ErrorSchema.shape.error.optional().openapi({ description: 'Why it was rejected: the error POST /v1/events would answer for it alone' }),
  })
  .openapi('EventBatchResult');

type BatchResult = z.infer<typeof BatchResult>;

const postBatch = createRoute({
  method: 'post', path: EVENT_BATCH_PATH, tags: ['Events'], middleware: [requireEventSender, refuseOwnWebhooks],
  summary: 'Post up to 500 platform events at once (events key, or operator token with account_id: one account per batch)',
  request: jsonBody(BatchInput),
  responses: {
    200: jsonResponse(
      z.object({ results: z.array(BatchResult) }).openapi('EventBatchResults'),
      'One result per event, in the order posted; every accepted event is stored',
    ),
    400: errors[400], 401: errors[401], 403: errors[403], 413: errors[413], 422: errors[422],
  },
});

/** The id a rejected event gave, when it is one an event could have. */
const givenId = (raw: unknown): string | null => {
  const id = typeof raw === 'object' && raw !== null ? (raw as { id?: unknown }).id : undefined;
  return ExternalId.safeParse(id).success ? (id as string) : null;
};

const rejected = (raw: unknown, error: ApiError): BatchResult => ({ event_id: givenId(raw), status: 'rejected', error: error.toBody().error });

/** The object holding these events failed: they may not be stored, so they are not accepted. */
const notStored = () =>
  new ApiError('internal_error', 'Storing this event failed; post it again with this event_id (if it was stored after all, it is answered as a duplicate)');

export function registerEventBatchRoute(app: OpenAPIHono<AppEnv>) {
  app.openapi(postBatch, async (c) => {
    const { events } = c.req.valid('json');
    const principal = c.get('principal');
    const account = 'operator' in principal ? operatorBatchAccount(c.env) : keyAccount(c.env, principal);
    const results: BatchResult[] = new Array(events.length);
    const checked: { index: number; event: CheckedEvent }[] = [];
    for (const [index, raw] of events.entries()) {
      try {
        checked.push({ index, event: await checkEvent(parseEvent(raw), account) });
      } catch (error) {
        // A refusal is this event's answer; anything else (D1 down) fails the request, before anything is stored.
        if (!(error instanceof ApiError)) throw error;
        results[index] = rejected(raw, error);
      }
    }
    // Every checked event is of the one account the batch posts to (see EventAccount).
    const planes = checked[0]?.event.planes;
    const outcomes = planes ? await planes.ingestBatch(checked.map(({ event }) => event)) : [];
    outcomes.forEach((outcome, n) => {
      const { index, event } = checked[n]!;
      results[index] =
        'failed' in outcome ? { event_id: event.event.id, status: 'rejected', error: notStored().toBody().error }
        : outcome.duplicate ? { event_id: event.event.id, status: 'duplicate', deliveries: 0 }
        : { event_id: event.event.id, status: 'accepted', deliveries: outcome.deliveryIds.length };
    });
    return c.json({ results }, 200);
  });
}
