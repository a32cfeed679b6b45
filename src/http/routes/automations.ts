/** Admin endpoints: automations, their signing secret, previews and test sends. */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { findTrigger, TRIGGER_IDS } from '../../catalog';
import { getConfig } from '../../config';
import { newId } from '../../crypto/ids';
import { openSecret, sealSecret } from '../../crypto/secret-box';
import {
  deleteAutomation,
  getAutomationRow,
  insertAutomation,
  listAutomations,
  toAutomation,
  updateAutomation,
  type AutomationFields,
} from '../../db/automations';
import { insertTestDelivery } from '../../db/events';
import { checkAutomation, checkTemplate } from '../../domain/automation-rules';
import { generateSigningSecret } from '../../domain/signature';
import { compileTemplate, RenderedBodyTooLarge, TemplateCompileError, toTemplateValues, type TemplateFormat } from '../../domain/template';
import { enqueueDeliveries } from '../../delivery/enqueue';
import { keyPrincipal, requireIntegrationEnabled, requireKey } from '../auth';
import type { AppEnv } from '../context';
import { ApiError, notFound, validationFailed } from '../errors';
import { AutomationSchema, DeliveryStatusSchema, errors, EventDataSchema, IdParam, jsonBody, jsonResponse, pageOf, PageQuery } from '../schemas';

const tags = ['Automations'];
const middleware = [requireKey('admin')];
const AutomationIdParam = IdParam('id');

const Trigger = z.enum(TRIGGER_IDS).openapi({ description: 'A trigger id from GET /v1/triggers' });
const Format = z.enum(['json', 'xml']);
const editable = {
  name: z.string().trim().max(200).nullable(),
  trigger: Trigger,
  action: z.literal('http_post'),
  url: z.string().trim().min(1).max(2048),
  format: Format,
  body: z.string().min(1),
  headers: z.record(z.string(), z.string()),
  enabled: z.boolean(),
};

const CreateAutomation = z
  .object({
    ...editable,
    name: editable.name.optional(),
    action: editable.action.default('http_post'),
    format: Format.default('json'),
    headers: editable.headers.default({}),
    enabled: editable.enabled.default(true),
  })
  .strict()
  .openapi('CreateAutomation');
const UpdateAutomation = z.object(editable).partial().strict().openapi('UpdateAutomation');
const AutomationWithSecret = AutomationSchema.extend({ signing_secret: z.string() }).openapi('AutomationWithSecret');
const PreviewRequest = z.object({ data: EventDataSchema.optional() }).strict();
const Preview = z.object({ content_type: z.string(), body: z.string() }).openapi('Preview');

const AutomationListItem = AutomationSchema.extend({
  last_delivery: z.object({ id: z.string(), status: DeliveryStatusSchema, created_at: z.string() }).nullable(),
}).openapi('AutomationListItem');

const routes = {
  list: createRoute({
    method: 'get', path: '/v1/automations', tags, middleware, summary: 'List automations',
    request: { query: PageQuery.extend({ trigger: Trigger.optional().openapi({ param: { name: 'trigger', in: 'query' } }) }) },
    responses: { 200: jsonResponse(pageOf(AutomationListItem, 'AutomationPage'), 'A page of automations'), 401: errors[401], 403: errors[403], 422: errors[422] },
  }),
  create: createRoute({
    method: 'post', path: '/v1/automations', tags, middleware, summary: 'Create an automation',
    request: jsonBody(CreateAutomation),
    responses: { 201: jsonResponse(AutomationWithSecret, 'Created, with its signing secret'), 400: errors[400], 401: errors[401], 403: errors[403], 413: errors[413], 422: errors[422] },
  }),
  read: createRoute({
    method: 'get', path: '/v1/automations/{id}', tags, middleware, summary: 'Read an automation',
    request: { params: AutomationIdParam },
    responses: { 200: jsonResponse(AutomationSchema, 'The automation'), 401: errors[401], 403: errors[403], 404: errors[404] },
  }),
  update: createRoute({
    method: 'patch', path: '/v1/automations/{id}', tags, middleware, summary: 'Change an automation (turn it off with {"enabled": false})',
    request: { params: AutomationIdParam, ...jsonBody(UpdateAutomation) },
    responses: { 200: jsonResponse(AutomationSchema, 'The automation'), 400: errors[400], 401: errors[401], 403: errors[403], 404: errors[404], 422: errors[422] },
  }),
  remove: createRoute({
    method: 'delete', path: '/v1/automations/{id}', tags, middleware, summary: 'Delete an automation (its pending deliveries are cancelled)',
    request: { params: AutomationIdParam },
    responses: { 204: { description: 'Deleted' }, 401: errors[401], 403: errors[403], 404: errors[404] },
  }),
  secret: createRoute({
    method: 'get', path: '/v1/automations/{id}/secret', tags, middleware, summary: 'Read the signing secret',
    request: { params: AutomationIdParam },
    responses: { 200: jsonResponse(z.object({ signing_secret: z.string() }), 'The secret'), 401: errors[401], 403: errors[403], 404: errors[404] },
  }),
  preview: createRoute({
    method: 'post', path: '/v1/automations/{id}/preview', tags, middleware,
    summary: 'Render the body with the given data over the trigger’s example values; nothing is sent',
    request: { params: AutomationIdParam, ...jsonBody(PreviewRequest, false) },
    responses: { 200: jsonResponse(Preview, 'The rendered body'), 401: errors[401], 403: errors[403], 404: errors[404], 422: errors[422] },
  }),
  previewDraft: createRoute({
    method: 'post', path: '/v1/automations/preview', tags, middleware,
    summary: 'Check and render an unsaved body template (for editors); nothing is stored or sent',
    request: jsonBody(z.object({ trigger: Trigger, format: Format.default('json'), body: z.string().min(1), data: EventDataSchema.optional() }).strict()),
    responses: { 200: jsonResponse(Preview, 'The rendered body'), 401: errors[401], 403: errors[403], 422: errors[422] },
  }),
  test: createRoute({
    method: 'post', path: '/v1/automations/{id}/test', tags, middleware,
    summary: 'Send a real delivery of the example data, marked as a test in the log',
    request: { params: AutomationIdParam, ...jsonBody(PreviewRequest, false) },
    responses: { 202: jsonResponse(z.object({ delivery_id: z.string() }), 'Queued'), 401: errors[401], 403: errors[403], 404: errors[404], 422: errors[422] },
  }),
};

function exampleValues(trigger: string, data: Record<string, unknown> | undefined): Record<string, string> {
  return { ...findTrigger(trigger)?.examples, ...toTemplateValues(data ?? {}) };
}

/**
 * What a delivery would send. A body over MAX_BODY_BYTES is answered like any other invalid
 * body; so is a template saved before a validation rule that it breaks was introduced.
 */
function renderPreview(body: string, format: TemplateFormat, values: Record<string, string>, maxBytes: number) {
  try {
    const template = compileTemplate(body, format);
    return { content_type: template.contentType, body: template.render(values, maxBytes) };
  } catch (error) {
    if (error instanceof RenderedBodyTooLarge) {
      throw validationFailed([{ path: 'body', message: `${error.message} (MAX_BODY_BYTES) with this data: use fewer placeholders or shorter values` }], 'The rendered body is too large');
    }
    if (error instanceof TemplateCompileError) {
      throw validationFailed(error.problems.map((problem) => ({ path: 'body', message: problem.message })), 'The body template is not valid');
    }
    throw error;
  }
}

function assertValid(problems: { path: string; message: string }[]): void {
  if (problems.length > 0) throw validationFailed(problems, 'The automation is not valid');
}

function secretsKey(env: AppEnv['Bindings']): string {
  const key = getConfig(env).secretsKey;
  if (!key) throw new ApiError('not_configured', 'SECRETS_KEY is not set, so signing secrets cannot be stored');
  return key;
}

export function registerAutomationRoutes(app: OpenAPIHono<AppEnv>) {
  app.openapi(routes.list, async (c) => {
    const { limit, cursor, trigger } = c.req.valid('query');
    const page = await listAutomations(c.env.DB, keyPrincipal(c.get('principal')).accountId, { limit, cursor, trigger });
    return c.json(page, 200);
  });

  app.openapi(routes.create, async (c) => {
    const principal = keyPrincipal(c.get('principal'));
    requireIntegrationEnabled(principal);
    const input = c.req.valid('json');
    const fields: AutomationFields = { ...input, name: input.name ?? null };
    assertValid(checkAutomation(fields, { allowLoopback: getConfig(c.env).allowLoopbackTargets }));
    const now = Date.now();
    const id = newId('aut', now);
    const signingSecret = generateSigningSecret();
    const sealed = await sealSecret(secretsKey(c.env), signingSecret, id);
    const automation = await insertAutomation(c.env.DB, principal.accountId, id, fields, sealed, now);
    return c.json({ ...automation, signing_secret: signingSecret }, 201);
  });

  app.openapi(routes.read, async (c) => {
    const row = await getAutomationRow(c.env.DB, keyPrincipal(c.get('principal')).accountId, c.req.valid('param').id);
    if (!row) throw notFound('Automation');
    return c.json(toAutomation(row), 200);
  });

  app.openapi(routes.update, async (c) => {
    const principal = keyPrincipal(c.get('principal'));
    requireIntegrationEnabled(principal);
    const { id } = c.req.valid('param');
    const row = await getAutomationRow(c.env.DB, principal.accountId, id);
    if (!row) throw notFound('Automation');
    const current = toAutomation(row);
    const change = c.req.valid('json');
    const fields: AutomationFields = {
      name: change.name !== undefined ? change.name : current.name,
      trigger: change.trigger ?? current.trigger,
      url: change.url ?? current.url,
      format: change.format ?? current.format,
      body: change.body ?? current.body,
      headers: change.headers ?? current.headers,
      enabled: change.enabled ?? current.enabled,
    };
    // The whole result is checked, so e.g. a new trigger cannot leave placeholders dangling.
    assertValid(checkAutomation(fields, { allowLoopback: getConfig(c.env).allowLoopbackTargets }));
    const updated = await updateAutomation(c.env.DB, principal.accountId, id, fields, Date.now());
    if (!updated) throw notFound('Automation');
    return c.json(updated, 200);
  });

  app.openapi(routes.remove, async (c) => {
    if (!(await deleteAutomation(c.env.DB, keyPrincipal(c.get('principal')).accountId, c.req.valid('param').id))) throw notFound('Automation');
    return c.body(null, 204);
  });

  app.openapi(routes.secret, async (c) => {
    const { id } = c.req.valid('param');
    const row = await getAutomationRow(c.env.DB, keyPrincipal(c.get('principal')).accountId, id);
    if (!row) throw notFound('Automation');
    return c.json({ signing_secret: await openSecret(secretsKey(c.env), row.secret_ciphertext, id) }, 200);
  });

  app.openapi(routes.previewDraft, (c) => {
    const { trigger, format, body, data } = c.req.valid('json');
    assertValid(checkTemplate(trigger, format, body));
    return c.json(renderPreview(body, format, exampleValues(trigger, data), getConfig(c.env).maxBodyBytes), 200);
  });

  app.openapi(routes.preview, async (c) => {
    const row = await getAutomationRow(c.env.DB, keyPrincipal(c.get('principal')).accountId, c.req.valid('param').id);
    if (!row) throw notFound('Automation');
    const data = c.req.valid('json')?.data;
    return c.json(renderPreview(row.body, row.format, exampleValues(row.trigger, data), getConfig(c.env).maxBodyBytes), 200);
  });

  app.openapi(routes.test, async (c) => {
    const principal = keyPrincipal(c.get('principal'));
    requireIntegrationEnabled(principal);
    const { id } = c.req.valid('param');
    const row = await getAutomationRow(c.env.DB, principal.accountId, id);
    if (!row) throw notFound('Automation');
    const now = Date.now();
    const deliveryId = newId('dlv', now);
    const data = { ...findTrigger(row.trigger)?.examples, ...(c.req.valid('json')?.data ?? {}) };
    await insertTestDelivery(c.env.DB, {
      accountId: principal.accountId, automationId: id, eventId: newId('evt', now), deliveryId,
      type: row.trigger, data: JSON.stringify(data), now,
    });
    await enqueueDeliveries(c.env.DELIVERY_QUEUE, [deliveryId]);
    return c.json({ delivery_id: deliveryId }, 202);
  });
}
