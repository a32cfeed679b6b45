/** Admin endpoints for simulated calls: the scenarios, and running one through the real pipeline as test deliveries. */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { bytesToHex, randomBytes } from '../../crypto/encoding';
import { ScenarioId, SCENARIOS, scenarioView, simulatedEvents, SIMULATION_STEP_MS, type SimulationIds } from '../../domain/simulations';
import { validationFailed } from '../../errors';
import { planesFor } from '../../plane/planes';
import type { AppEnv } from '../context';
import { keyPrincipal, requireIntegrationEnabled, requireKey } from '../guards';
import { errors, jsonBody, jsonResponse, SimulationListSchema, SimulationSchema } from '../schemas';

const tags = ['Simulations'];
const middleware = [requireKey('admin')];

const SimulateRequest = z
  .object({
    scenario: ScenarioId.openapi({ description: 'A scenario id from GET /v1/simulations' }),
    automation_ids: z.array(z.string().min(1).max(128)).min(1).max(100).optional().openapi({
      description: 'Only these automations (each must have a trigger of the scenario; sent even when off, as a test send is); '
        + 'default: every enabled automation whose trigger is in the scenario',
    }),
  })
  .strict()
  .openapi('SimulateRequest');

const routes = {
  list: createRoute({
    method: 'get', path: '/v1/simulations', tags, middleware, summary: 'The scenarios a call can be simulated with, each with its triggers in order',
    responses: { 200: jsonResponse(SimulationListSchema, 'The scenarios'), 401: errors[401], 403: errors[403] },
  }),
  run: createRoute({
    method: 'post', path: '/v1/simulations', tags, middleware,
    summary: 'Simulate a call: its events, with fresh ids, sent as test deliveries through the real pipeline in the call’s order',
    description: 'The deliveries go one after the other in the call’s order, each once the one before has been sent (its first attempt made; '
      + `per-call ordering, when on, holds it until the one before has finished); the events occurred ${SIMULATION_STEP_MS} ms apart. `
      + 'They are marked is_test, never counted in stats, and found in the log by the call id (for an agent’s shift, by the agent id).',
    request: jsonBody(SimulateRequest),
    responses: { 202: jsonResponse(SimulationSchema, 'Queued'), 400: errors[400], 401: errors[401], 403: errors[403], 422: errors[422] },
  }),
};

const SCENARIO_LIST = { data: [...SCENARIOS.values()].map(scenarioView) };

/** Random hex of `bytes` bytes: ids shaped like the platform's (32 hex digits for calls, 24 for contacts and agents). */
const freshHex = (bytes: number) => bytesToHex(randomBytes(bytes));

export function registerSimulationRoutes(app: OpenAPIHono<AppEnv>) {
  app.openapi(routes.list, (c) => c.json(SCENARIO_LIST, 200));

  app.openapi(routes.run, async (c) => {
    const principal = keyPrincipal(c.get('principal'));
    requireIntegrationEnabled(principal);
    const { scenario, automation_ids: automationIds } = c.req.valid('json');
    const ids: SimulationIds = { call_id: freshHex(16), interaction_id: freshHex(16), contact_id: freshHex(12), agent_id: freshHex(12) };
    const events = simulatedEvents(SCENARIOS.get(scenario)!, ids, Date.now());
    const result = await planesFor(c.env, principal).simulate(events, automationIds ? [...new Set(automationIds)] : null);
    if ('invalid' in result) throw validationFailed(result.invalid, 'The call cannot be simulated with these automations');
    // An agent's shift has no call: its events are found by the agent.
    const hasCall = events.some((e) => e.data.call_id !== undefined);
    return c.json({
      scenario, call_id: hasCall ? ids.call_id : null, agent_id: ids.agent_id, events: result.events,
      deliveries: result.deliveries.map((d) => ({ delivery_id: d.id, event_id: d.event_id, automation_id: d.automation_id })),
    }, 202);
  });
}
