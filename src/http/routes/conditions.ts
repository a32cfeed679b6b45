/** Admin endpoint: a dry run of conditions over the account's most recent events of a trigger. */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { TRIGGER_IDS } from '../../catalog';
import { checkConditionsOf } from '../../domain/automation-rules';
import { DRY_RUN_DEFAULT_LIMIT, DRY_RUN_MAX_LIMIT, DryRunLimit } from '../../domain/dry-run';
import { validationFailed } from '../../errors';
import { planesFor } from '../../plane/planes';
import type { AppEnv } from '../context';
import { keyPrincipal, requireIntegrationEnabled, requireKey } from '../guards';
import { ConditionsBody, ConditionsDryRunResultSchema, errors, jsonBody, jsonResponse } from '../schemas';

const DryRunRequest = z
  .object({
    trigger: z.enum(TRIGGER_IDS).openapi({ description: 'A trigger id from GET /v1/triggers' }),
    conditions: ConditionsBody,
    limit: DryRunLimit.default(DRY_RUN_DEFAULT_LIMIT).openapi({ description: `How many of the most recent events to examine (at most ${DRY_RUN_MAX_LIMIT})` }),
  })
  .strict()
  .openapi('ConditionsDryRun');

const dryRun = createRoute({
  method: 'post', path: '/v1/automations/conditions/dry-run', tags: ['Automations'], middleware: [requireKey('admin')],
  summary: 'How many of the most recent stored events of a trigger the conditions would have matched; nothing is stored or sent',
  description: 'Events posted by the platform and still stored (test sends left out). The conditions are checked as when saving an automation.',
  request: jsonBody(DryRunRequest),
  responses: { 200: jsonResponse(ConditionsDryRunResultSchema, 'What the conditions would have matched'), 400: errors[400], 401: errors[401], 403: errors[403], 422: errors[422] },
});

export function registerConditionRoutes(app: OpenAPIHono<AppEnv>) {
  app.openapi(dryRun, async (c) => {
    const principal = keyPrincipal(c.get('principal'));
    requireIntegrationEnabled(principal);
    const { trigger, conditions, limit } = c.req.valid('json');
    const problems = checkConditionsOf(trigger, conditions);
    if (problems.length > 0) throw validationFailed(problems, 'The conditions are not valid');
    return c.json(await planesFor(c.env, principal).dryRun(trigger, conditions, limit), 200);
  });
}
