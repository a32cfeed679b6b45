import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { TRIGGERS } from '../../catalog';
import { requireKey } from '../guards';
import type { AppEnv } from '../context';
import { errors, jsonResponse, TriggerListSchema } from '../schemas';

const listTriggers = createRoute({
  method: 'get', path: '/v1/triggers', tags: ['Triggers'], middleware: [requireKey('admin', 'events')],
  summary: 'The 25 triggers and the placeholder fields each exposes',
  responses: { 200: jsonResponse(TriggerListSchema, 'The catalog'), 401: errors[401] },
});

// Built once per isolate: the catalog never changes at run time.
const body = { data: TRIGGERS.map(({ id, label, description, fields }) => ({ id, label, description, fields: [...fields] })) };

export function registerTriggerRoutes(app: OpenAPIHono<AppEnv>) {
  app.openapi(listTriggers, (c) => c.json(body, 200));
}
