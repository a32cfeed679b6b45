import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { findTrigger, TRIGGER_IDS, TRIGGERS } from '../../catalog';
import { fieldKind, OPS_BY_KIND } from '../../domain/conditions';
import { JSON_SCHEMA_DIALECT, triggerJsonSchema } from '../../domain/trigger-schema';
import { notFound } from '../../errors';
import { requireKey } from '../guards';
import type { AppEnv } from '../context';
import { errors, jsonResponse, TriggerListSchema } from '../schemas';

const tags = ['Triggers'];
const middleware = [requireKey('admin', 'events')];

const listTriggers = createRoute({
  method: 'get', path: '/v1/triggers', tags, middleware,
  summary: 'The 25 triggers and the placeholder fields each exposes',
  responses: { 200: jsonResponse(TriggerListSchema, 'The catalog'), 401: errors[401] },
});

const triggerSchema = createRoute({
  method: 'get', path: '/v1/triggers/{id}/schema', tags, middleware,
  summary: "The trigger's fields as a JSON Schema (draft 2020-12), to generate types for its events' data",
  description: 'Types, formats, descriptions and examples from the catalog; every field optional, other fields allowed.',
  request: { params: z.object({ id: z.string().max(128).openapi({ param: { name: 'id', in: 'path' }, example: 'inbound_call_ended', description: `One of ${TRIGGER_IDS.join(', ')}` }) }) },
  responses: {
    200: {
      content: { 'application/schema+json': { schema: z.record(z.string(), z.unknown()).openapi({ description: `A JSON Schema with "$schema": "${JSON_SCHEMA_DIALECT}"` }) } },
      description: 'The JSON Schema',
    },
    401: errors[401], 404: errors[404],
  },
});

// Built once per isolate: the catalog never changes at run time.
const body = {
  data: TRIGGERS.map(({ id, label, description, fields }) => ({
    id, label, description,
    fields: fields.map((field) => ({ ...field, kind: fieldKind(field.type), condition_ops: [...OPS_BY_KIND[fieldKind(field.type)]] })),
    schema_url: `/v1/triggers/${id}/schema`,
  })),
};

export function registerTriggerRoutes(app: OpenAPIHono<AppEnv>) {
  app.openapi(listTriggers, (c) => c.json(body, 200));

  app.openapi(triggerSchema, (c) => {
    const { id } = c.req.valid('param');
    const trigger = findTrigger(id);
    if (!trigger) throw notFound(`Trigger "${id}"`);
    const schema = triggerJsonSchema(trigger, new URL(`/v1/triggers/${id}/schema`, c.req.url).href);
    return c.json(schema, 200, { 'content-type': 'application/schema+json' });
  });
}
