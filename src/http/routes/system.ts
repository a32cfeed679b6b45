import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../context';
import { jsonResponse } from '../schemas';

const health = createRoute({
  method: 'get',
  path: '/health',
  tags: ['System'],
  summary: 'Liveness check',
  security: [],
  responses: { 200: jsonResponse(z.object({ status: z.literal('ok') }), 'The service is up') },
});

export function registerSystemRoutes(app: OpenAPIHono<AppEnv>) {
  app.openapi(health, (c) => c.json({ status: 'ok' as const }, 200));
}
