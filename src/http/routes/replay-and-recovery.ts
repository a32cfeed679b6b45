/**
 * Admin endpoints for getting webhooks out again after trouble: replay one stored event to its
 * automations as new deliveries, and resend an automation's failed deliveries of a time window.
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { getAutomationRow } from '../../db/automations';
import { ApiError, notFound, validationFailed } from '../../errors';
import { RECOVER_LIMIT, RECOVER_MAX_DAYS } from '../../plane/changes';
import { planesFor } from '../../plane/planes';
import type { AppEnv } from '../context';
import { keyPrincipal, requireIntegrationEnabled, requireKey } from '../guards';
import { errors, IdParam, jsonBody, jsonResponse, RecoveredSchema, ReplayedSchema } from '../schemas';

const middleware = [requireKey('admin')];
const DAY_MS = 86_400_000;

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
};

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
    const body = c.req.valid('json');
    const now = Date.now();
    const since = Date.parse(body.since);
    const until = body.until ? Date.parse(body.until) : now;
    const problems: { path: string; message: string }[] = [];
    if (since < now - RECOVER_MAX_DAYS * DAY_MS) problems.push({ path: 'since', message: `at most ${RECOVER_MAX_DAYS} days ago` });
    if (since >= until) problems.push({ path: 'since', message: 'must be before until' });
    if (problems.length > 0) throw validationFailed(problems);
    if (!(await getAutomationRow(c.env.DB, principal.accountId, id))) throw notFound('Automation');
    const result = await planesFor(c.env, keyPrincipal(c.get('principal'))).recover(id, since, until);
    if ('conflict' in result) throw new ApiError('conflict', result.conflict);
    return c.json(result, 202);
  });
}
