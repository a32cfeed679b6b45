/**
 * POST /v1/automations/{id}/destination/resume: an administrator who fixed an endpoint ends its
 * pause instead of waiting it out (the rules are src/domain/gate-pair.ts).
 */
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { getAutomationRow } from '../../db/automations';
import { notFound } from '../../errors';
import { planesFor } from '../../plane/planes';
import type { AppEnv } from '../context';
import { keyPrincipal, requireKey } from '../guards';
import { errors, IdParam, jsonResponse } from '../schemas';
import { Destination } from './automations';

const route = createRoute({
  method: 'post', path: '/v1/automations/{id}/destination/resume', tags: ['Automations'], middleware: [requireKey('admin')],
  summary: "End the pause of the automation's destination now",
  description:
    'The pause of the target\'s endpoint and of its origin ends at once (in every partition of the account): the oldest waiting ' +
    'delivery goes first, alone, as the probe; its success reopens the destination, its failure pauses it again from the first ' +
    'length (30 s). A destination that is not paused is left as it is (still 200). A successful test send also ends a pause.',
  request: { params: IdParam('id') },
  responses: {
    200: jsonResponse(Destination, "The destination's state after the resume"),
    401: errors[401], 403: errors[403], 404: errors[404],
  },
});

export function registerDestinationRoutes(app: OpenAPIHono<AppEnv>) {
  app.openapi(route, async (c) => {
    const principal = keyPrincipal(c.get('principal'));
    const row = await getAutomationRow(c.env.DB, principal.accountId, c.req.valid('param').id);
    if (!row) throw notFound('Automation');
    return c.json(await planesFor(c.env, principal).resumeDestination(row.url), 200);
  });
}
