/**
 * Admin endpoints for getting webhooks out again after trouble: replay one stored event to its
 * automations as new deliveries, resend an automation's failed deliveries of a time window, and
 * backfill a new automation with the stored events of a time window.
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { getAutomationRow } from '../../db/automations';
import { ApiError, notFound, validationFailed } from '../../errors';
import { windowProblems } from '../../domain/time-window';
import { BACKFILL_LIMIT } from '../../plane/backfill';
import { RECOVER_LIMIT, RECOVER_MAX_DAYS } from '../../plane/changes';
import { planesFor } from '../../plane/planes';
import type { AppEnv } from '../context';
import { keyPrincipal, requireIntegrationEnabled, requireKey } from '../guards';
import { BackfilledSchema, errors, IdParam, jsonBody, jsonResponse, RecoveredSchema, ReplayedSchema } from '../schemas';

const middleware = [requireKey('admin')];

const ReplayRequest = z
  .object({
    automation_ids: z.array(z.string().min(1).max(128)).min(1).max(100).optional().openapi({
      description: 'Only these automations (each must be on and of the event’s trigger); default: every enabled automation of the trigger',
    }),
  })
  .strict()
  .openapi('ReplayRequest');

const RecoverRequest = z
  .object({
    since: z.iso.datetime({ offset: true }).openapi({ description: `Start of the window (at most ${RECOVER_MAX_DAYS} days ago)` }),
    until: z.iso.datetime({ offset: true }).optional().openapi({ description: 'End of the window (default: now)' }),
  })
  .strict()
  .openapi('RecoverRequest');

const BackfillRequest = z
  .object({
    since: z.iso.datetime({ offset: true }).openapi({ description: `Start of the window: events received from then on (at most ${RECOVER_MAX_DAYS} days ago)` }),
    until: z.iso.datetime({ offset: true }).optional().openapi({ description: 'End of the window (default: now)' }),
  })
  .strict()
  .openapi('BackfillRequest');

const routes = {
  replay: createRoute({
    method: 'post', path: '/v1/events/{id}/replay', tags: ['Events'], middleware,
    summary: 'Send a stored event again, as new deliveries marked as replays',
    request: { params: IdParam('id'), ...jsonBody(ReplayRequest, false) },
    responses: { 202: jsonResponse(ReplayedSchema, 'Queued'), 400: errors[400], 401: errors[401], 403: errors[403], 404: errors[404], 422: errors[422] },
  }),
  recover: createRoute({
    method: 'post', path: '/v1/automations/{id}/recover', tags: ['Automations'], middleware,
    summary: 'Send again every failed delivery of the automation created in a time window',
    description: `At most ${RECOVER_LIMIT} per call, oldest first; \`more\` says whether any are left for another call.`,
    request: { params: IdParam('id'), ...jsonBody(RecoverRequest) },
    responses: {
      202: jsonResponse(RecoveredSchema, 'Queued'), 400: errors[400], 401: errors[401], 403: errors[403], 404: errors[404], 409: errors[409], 422: errors[422],
    },
  }),
  backfill: createRoute({
    method: 'post', path: '/v1/automations/{id}/backfill', tags: ['Automations'], middleware,
    summary: 'Send the automation the stored events of its trigger received in a time window that it has no delivery for yet',
    description: `Deliveries marked \`backfill\`, at most ${BACKFILL_LIMIT} per call, oldest first; \`more\` says whether any are left for another call. `
      + 'An event that already has a delivery for the automation is skipped, so running it again sends nothing twice.',
    request: { params: IdParam('id'), ...jsonBody(BackfillRequest) },
    responses: {
      202: jsonResponse(BackfilledSchema, 'Queued'), 400: errors[400], 401: errors[401], 403: errors[403], 404: errors[404], 409: errors[409], 422: errors[422],
    },
  }),
};

/** The window `[since, until)` of a recovery or backfill, checked (422 naming the field). */
function windowOf(body: { since: string; until?: string | undefined }): { since: number; until: number } {
  const now = Date.now();
  const since = Date.parse(body.since);
  const until = body.until ? Date.parse(body.until) : now;
  const problems = windowProblems(since, until, now, RECOVER_MAX_DAYS);
  if (problems.length > 0) throw validationFailed(problems);
  return { since, until };
}

export function registerReplayAndRecoveryRoutes(app: OpenAPIHono<AppEnv>) {
  app.openapi(routes.replay, async (c) => {
    const principal = keyPrincipal(c.get('principal'));
    requireIntegrationEnabled(principal);
    const { id } = c.req.valid('param');
    const ids = c.req.valid('json')?.automation_ids;
    const result = await planesFor(c.env, keyPrincipal(c.get('principal'))).replay(id, ids ? [...new Set(ids)] : null);
    if ('notFound' in result) throw notFound('Event');
    if ('invalid' in result) throw validationFailed(result.invalid, 'The event cannot be replayed to these automations');
    return c.json({ event_id: id, deliveries: result.replayed.length, delivery_ids: result.replayed }, 202);
  });

  app.openapi(routes.recover, async (c) => {
    const principal = keyPrincipal(c.get('principal'));
    requireIntegrationEnabled(principal);
    const { id } = c.req.valid('param');
    const { since, until } = windowOf(c.req.valid('json'));
    if (!(await getAutomationRow(c.env.DB, principal.accountId, id))) throw notFound('Automation');
    const result = await planesFor(c.env, principal).recover(id, since, until);
    if ('conflict' in result) throw new ApiError('conflict', result.conflict);
    return c.json(result, 202);
  });

  app.openapi(routes.backfill, async (c) => {
    const principal = keyPrincipal(c.get('principal'));
    requireIntegrationEnabled(principal);
    const { id } = c.req.valid('param');
    const { since, until } = windowOf(c.req.valid('json'));
    if (!(await getAutomationRow(c.env.DB, principal.accountId, id))) throw notFound('Automation');
    const result = await planesFor(c.env, principal).backfill(id, since, until);
    if ('conflict' in result) throw new ApiError('conflict', result.conflict);
    return c.json(result, 202);
  });
}
