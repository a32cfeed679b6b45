/** Admin endpoints: the delivery log and manual retries. */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { BUSINESS_KEYS, MAX_KEY_LENGTH, type BusinessKey } from '../../domain/business-keys';
import { planesFor } from '../../plane/planes';
import { keyPrincipal, requireIntegrationEnabled, requireKey } from '../guards';
import type { AppEnv } from '../context';
import { ApiError, notFound, validationFailed } from '../../errors';
import { DeliveryStatus, ResendableStatus } from '../../domain/vocabulary';
import { RECOVER_LIMIT } from '../../plane/changes';
import { COUNT_CAP, timeRangeProblems } from '../../domain/log-query';
import { DeliveryDetailSchema, DeliverySchema, errors, IdParam, jsonBody, jsonResponse, PageQuery, RetriedSchema } from '../schemas';

const tags = ['Deliveries'];
const middleware = [requireKey('admin')];
const queryParam = (name: string) => ({ param: { name, in: 'query' as const } });
const keyParam = (key: BusinessKey) =>
  z.string().min(1).max(MAX_KEY_LENGTH).optional().openapi({
    ...queryParam(key), description: `Only deliveries of events whose ${key} is this (one business key at a time)`,
  });

const timeParam = (name: string, description: string) =>
  z.iso.datetime({ offset: true }).optional().openapi({ ...queryParam(name), description, example: '2025-05-01T00:00:00Z' });

const DeliveryPage = z.object({
  data: z.array(DeliverySchema),
  next_cursor: z.string().nullable().openapi({ description: 'Pass as `cursor` for the older page; null when nothing older matches' }),
  prev_cursor: z.string().nullable().openapi({ description: 'Pass as `ending_before` for the newer page; null when nothing newer matches (or the page is empty)' }),
  total: z.number().int().openapi({ description: `Deliveries matching the filter (all pages), counted up to ${COUNT_CAP.toLocaleString('en')}` }),
  total_capped: z.boolean().openapi({ description: `More than ${COUNT_CAP.toLocaleString('en')} match: \`total\` is ${COUNT_CAP} and the real number is higher` }),
  newer_count: z.number().int().nullable().openapi({
    description: `How many matching deliveries are newer than this page (it shows items newer_count + 1 to newer_count + data.length of total); null when more than ${COUNT_CAP} are, or the page is empty`,
  }),
}).openapi('DeliveryPage');

/** The log's filters, as a body: which deliveries to send again. */
const RetryMatchingRequest = z
  .object({
    status: ResendableStatus.openapi({
      description: 'Which finished deliveries (never an open one): `failed`, or `expired` — those are matched but never sent late, so each is counted in `skipped`',
    }),
    automation_id: z.string().max(128).optional(),
    event_id: z.string().max(128).optional(),
    ...Object.fromEntries(BUSINESS_KEYS.map((key) => [key, z.string().min(1).max(MAX_KEY_LENGTH).optional().openapi({
      description: `Only deliveries of events whose ${key} is this (one business key at a time)`,
    })])) as Record<BusinessKey, z.ZodOptional<z.ZodString>>,
    since: z.iso.datetime({ offset: true }).optional().openapi({ description: 'Only deliveries created at or after this time' }),
    until: z.iso.datetime({ offset: true }).optional().openapi({ description: 'Only deliveries created before this time; later than `since`' }),
  })
  .strict()
  .openapi('RetryMatchingRequest');

/** One business key at a time, and a time range the log accepts: the same checks as the log's. */
function filterProblems(q: Partial<Record<BusinessKey, string>>, range: { since?: number; until?: number }) {
  const keys = BUSINESS_KEYS.filter((key) => q[key] !== undefined);
  return {
    keys,
    problems: [
      ...(keys.length > 1 ? keys.map((key) => ({ path: key, message: 'give one of call_id, contact_id, interaction_id, agent_id at a time' })) : []),
      ...timeRangeProblems(range),
    ],
  };
}

const timeRange = (q: { since?: string; until?: string }) => ({
  since: q.since === undefined ? undefined : Date.parse(q.since),
  until: q.until === undefined ? undefined : Date.parse(q.until),
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
        since: timeParam('since', 'Only deliveries created at or after this time (ISO 8601 with an offset, e.g. 2025-05-01T00:00:00Z)'),
        until: timeParam('until', 'Only deliveries created before this time; later than `since`'),
        ending_before: z.string().min(1).max(128).optional().openapi({
          ...queryParam('ending_before'), description: 'The newer page: deliveries after this id (a `prev_cursor`), still newest first. Not with `cursor`',
        }),
      }),
    },
    responses: { 200: jsonResponse(DeliveryPage, 'A page of deliveries'), 401: errors[401], 403: errors[403], 422: errors[422] },
  }),
  read: createRoute({
    method: 'get', path: '/v1/deliveries/{id}', tags, middleware, summary: 'A delivery and its attempts',
    request: { params: IdParam('id') },
    responses: {
      200: jsonResponse(DeliveryDetailSchema, 'The delivery'),
      401: errors[401], 403: errors[403], 404: errors[404],
    },
  }),
  retryMatching: createRoute({
    method: 'post', path: '/v1/deliveries/retry', tags, middleware,
    summary: 'Send again every delivery the log’s filters match (same webhook-id, fresh retry schedule)',
    description: `Oldest first, at most ${RECOVER_LIMIT.toLocaleString('en')} per call; \`more\` says whether any are left for another call from \`next_since\`. Only finished deliveries of the given status; those whose task is off or deleted, and expired ones (never sent late), are skipped. Across every partition of the account.`,
    request: jsonBody(RetryMatchingRequest),
    responses: { 202: jsonResponse(RetriedSchema, 'Queued'), 400: errors[400], 401: errors[401], 403: errors[403], 422: errors[422] },
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
    const range = timeRange(q);
    const { keys, problems: filterErrors } = filterProblems(q, range);
    const problems = [
      ...filterErrors,
      ...(q.cursor !== undefined && q.ending_before !== undefined
        ? [{ path: 'ending_before', message: 'give cursor (the older page) or ending_before (the newer page), not both' }]
        : []),
    ];
    if (problems.length > 0) throw validationFailed(problems);
    const page = await planesFor(c.env, keyPrincipal(c.get('principal'))).listDeliveries({
      automationId: q.automation_id, eventId: q.event_id, status: q.status, ...range,
      limit: q.limit, cursor: q.cursor, endingBefore: q.ending_before,
      ...Object.fromEntries(keys.map((key) => [key, q[key]])),
    });
    return c.json(page, 200);
  });

  app.openapi(routes.read, async (c) => {
    const { accountId } = keyPrincipal(c.get('principal'));
    const delivery = await planesFor(c.env, keyPrincipal(c.get('principal'))).getDelivery(c.req.valid('param').id);
    if (!delivery) throw notFound('Delivery');
    return c.json(delivery, 200);
  });

  app.openapi(routes.retryMatching, async (c) => {
    const principal = keyPrincipal(c.get('principal'));
    requireIntegrationEnabled(principal);
    const body = c.req.valid('json');
    const range = timeRange(body);
    const { keys, problems } = filterProblems(body, range);
    if (problems.length > 0) throw validationFailed(problems);
    const result = await planesFor(c.env, principal).retryMatching({
      status: body.status, automationId: body.automation_id, eventId: body.event_id, ...range,
      ...Object.fromEntries(keys.map((key) => [key, body[key]])),
    });
    return c.json(result, 202);
  });

  app.openapi(routes.retry, async (c) => {
    const principal = keyPrincipal(c.get('principal'));
    requireIntegrationEnabled(principal);
    const outcome = await planesFor(c.env, keyPrincipal(c.get('principal'))).retryDelivery(c.req.valid('param').id);
    if ('notFound' in outcome) throw notFound('Delivery');
    if ('conflict' in outcome) throw new ApiError('conflict', outcome.conflict);
    return c.json(outcome.reopened, 202);
  });
}
