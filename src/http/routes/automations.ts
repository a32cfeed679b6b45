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
import { checkAutomation, checkRedact, checkTemplate } from '../../domain/automation-rules';
import { targetPolicy } from '../target-policy';
import { authSecretBoundTo, checkAuth, mayKeepSecret, secretOf, viewOf, type AuthInput } from '../../domain/destination-auth';
import { UNSTORABLE_HEADER_NAME, UNSTORABLE_HEADER_NAME_PROBLEM } from '../../domain/extra-headers';
import { redactedTemplateValues, RedactMode, type Redactions } from '../../domain/redaction';
import { generateSigningSecret } from '../../domain/signature';
import { compileTemplate, RenderedBodyTooLarge, RenderedXmlNotWellFormed, TemplateCompileError, type TemplateFormat } from '../../domain/template';
import { DEFAULT_MAX_CONCURRENCY, DESTINATION_STATES, MAX_CONCURRENCY_LIMIT, PAUSE_SCOPES } from '../../domain/destination-gate';
import { planesFor } from '../../plane/planes';
import type { KeyPrincipal } from '../../db/accounts';
import { keyPrincipal, requireIntegrationEnabled, requireKey } from '../guards';
import type { AppEnv } from '../context';
import { etagOf, ifMatchAdmits, preconditionFailed } from '../preconditions';
import { ApiError, notFound, validationFailed } from '../../errors';
import { BodyFormat, DeliveryStatus, Envelope, Ordering } from '../../domain/vocabulary';
import {
  AuthInputSchema, AutomationSchema, ConditionsField, errors, EventDataSchema, IdParam, jsonBody, jsonResponse, pageOf, PageQuery, PreviewSchema, SigningSecretSchema, TestSendSchema, Text,
} from '../schemas';

const tags = ['Automations'];
const middleware = [requireKey('admin')];
const AutomationIdParam = IdParam('id');
const IfMatch = z.object({
  'if-match': z.string().max(1024).optional().openapi({
    param: { name: 'if-match', in: 'header' },
    description: 'Make the change only if the automation still has this ETag; otherwise 412 precondition_failed',
  }),
});
const withETag = <T extends { description: string }>(response: T) => ({
  ...response,
  headers: { ETag: { schema: { type: 'string' as const }, description: 'The automation’s current version, for If-Match' } },
});

/**
 * zod leaves a "__proto__" key out of the record it builds, without an issue, so the domain rules
 * would never see it and the header would silently disappear: report it while the raw object
 * (where JSON.parse made it an own key) is still at hand.
 */
function reportUnstorableHeaderName(value: unknown, ctx: z.RefinementCtx): unknown {
  if (typeof value === 'object' && value !== null && Object.hasOwn(value, UNSTORABLE_HEADER_NAME)) {
    ctx.addIssue({ code: 'custom', path: [UNSTORABLE_HEADER_NAME], message: UNSTORABLE_HEADER_NAME_PROBLEM });
  }
  return value;
}

/** As for headers: a "__proto__" key would vanish in zod's record, so it is reported here. */
function reportUnknownRedactName(value: unknown, ctx: z.RefinementCtx): unknown {
  if (typeof value === 'object' && value !== null && Object.hasOwn(value, '__proto__')) {
    ctx.addIssue({ code: 'custom', path: ['__proto__'], message: '"__proto__" is not a field of any trigger; see GET /v1/triggers' });
  }
  return value;
}
const Redact = z.preprocess(reportUnknownRedactName, z.record(z.string().max(128), RedactMode)).openapi({
  description:
    'Fields of the trigger whose values are redacted before the body is rendered, in deliveries, test sends and previews: '
    + '"last4" keeps the last 4 characters and masks the rest with "*" (a value of 4 or fewer is masked whole), "hide" sends empty text',
  example: { contact_phone_number: 'last4', contact_email: 'hide' },
});

const Trigger = z.enum(TRIGGER_IDS).openapi({ description: 'A trigger id from GET /v1/triggers' });
const editable = {
  name: Text().trim().max(200).nullable(),
  trigger: Trigger,
  action: z.literal('http_post'),
  url: Text().trim().min(1).max(2048),
  format: BodyFormat,
  body: z.string().min(1),
  headers: z.preprocess(reportUnstorableHeaderName, z.record(Text(), Text())),
  enabled: z.boolean(),
  max_concurrency: z.int().min(1).max(MAX_CONCURRENCY_LIMIT).openapi({
    description: `At most this many deliveries in flight to the target's origin at once (default ${DEFAULT_MAX_CONCURRENCY})`,
  }),
  rate_limit_per_second: z.int().min(1).max(1000).nullable().openapi({
    description: 'Optional: send at most this many requests per second (null: no limit)',
  }),
  ordering: Ordering.openapi({
    description: "per_call: deliveries for events of one call (contact triggers: contact; agent triggers: agent) go out in the order the events occurred, each after the earlier one succeeded or finally failed; 'none' (default): in parallel",
  }),
  redact: Redact,
  conditions: ConditionsField,
  auth: AuthInputSchema,
  envelope: Envelope.openapi({
    description: '"cloudevents": ce-* headers of the CloudEvents 1.0 HTTP binding in binary mode (the body stays the rendered template); "none" (default)',
  }),
  max_age_seconds: z.int().min(1).max(86_400).nullable().openapi({
    description: 'Never late: a delivery not succeeded this many seconds (1–86400) after its event’s occurred_at ends `expired` and is never sent after that; '
      + 'an event already older when posted expires unsent. Test sends are exempt. null (default): no limit',
  }),
};

const CreateAutomation = z
  .object({
    ...editable,
    name: editable.name.optional(),
    action: editable.action.default('http_post'),
    format: BodyFormat.default('json'),
    headers: editable.headers.default({}),
    enabled: editable.enabled.default(true),
    max_concurrency: editable.max_concurrency.optional(),
    rate_limit_per_second: editable.rate_limit_per_second.optional(),
    ordering: editable.ordering.default('none'),
    redact: editable.redact.default({}),
    conditions: editable.conditions.default(null),
    auth: editable.auth.default(null),
    envelope: editable.envelope.default('none'),
    max_age_seconds: editable.max_age_seconds.default(null),
  })
  .strict()
  .openapi('CreateAutomation');
const UpdateAutomation = z.object(editable).partial().strict().openapi('UpdateAutomation');
const AutomationWithSecret = AutomationSchema.extend({ signing_secret: z.string() }).openapi('AutomationWithSecret');
const PreviewRequest = z.object({ data: EventDataSchema.optional() }).strict();

export const Destination = z
  .object({
    state: z.enum(DESTINATION_STATES),
    scope: z.enum(PAUSE_SCOPES).optional().openapi({
      description: 'While paused or probing, what is: the endpoint (scheme, host, port and path; after HTTP answers) or the whole origin (after network errors or timeouts)',
    }),
    until: z.string().optional().openapi({ description: 'While paused: when probing starts' }),
    reason: z.string().optional(),
    in_flight: z.int().openapi({ description: "Deliveries out to the target's origin (the concurrency cap is the origin's)" }),
  })
  .openapi('Destination', { description: "The gates in front of the target: its endpoint's and its origin's, shared by the account's automations that send there" });
const AutomationDetail = AutomationSchema.extend({ destination: Destination }).openapi('AutomationDetail');

const AutomationListItem = AutomationSchema.extend({
  last_delivery: z.object({ id: z.string(), status: DeliveryStatus, created_at: z.string() }).nullable(),
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
    responses: { 201: withETag(jsonResponse(AutomationWithSecret, 'Created, with its signing secret')), 400: errors[400], 401: errors[401], 403: errors[403], 413: errors[413], 422: errors[422] },
  }),
  read: createRoute({
    method: 'get', path: '/v1/automations/{id}', tags, middleware, summary: 'Read an automation',
    request: { params: AutomationIdParam },
    responses: { 200: withETag(jsonResponse(AutomationDetail, 'The automation and its destination’s state')), 401: errors[401], 403: errors[403], 404: errors[404] },
  }),
  update: createRoute({
    method: 'patch', path: '/v1/automations/{id}', tags, middleware, summary: 'Change an automation (turn it off with {"enabled": false})',
    request: { params: AutomationIdParam, headers: IfMatch, ...jsonBody(UpdateAutomation) },
    responses: {
      200: withETag(jsonResponse(AutomationSchema, 'The automation')), 400: errors[400], 401: errors[401], 403: errors[403], 404: errors[404],
      409: errors[409], 412: errors[412], 422: errors[422],
    },
  }),
  remove: createRoute({
    method: 'delete', path: '/v1/automations/{id}', tags, middleware, summary: 'Delete an automation (its pending deliveries are cancelled)',
    request: { params: AutomationIdParam, headers: IfMatch },
    responses: { 204: { description: 'Deleted' }, 401: errors[401], 403: errors[403], 404: errors[404], 412: errors[412] },
  }),
  secret: createRoute({
    method: 'get', path: '/v1/automations/{id}/secret', tags, middleware, summary: 'Read the signing secret',
    request: { params: AutomationIdParam },
    responses: { 200: jsonResponse(SigningSecretSchema, 'The secret'), 401: errors[401], 403: errors[403], 404: errors[404] },
  }),
  preview: createRoute({
    method: 'post', path: '/v1/automations/{id}/preview', tags, middleware,
    summary: 'Render the body with the given data over the trigger’s example values; nothing is sent',
    request: { params: AutomationIdParam, ...jsonBody(PreviewRequest, false) },
    responses: { 200: jsonResponse(PreviewSchema, 'The rendered body'), 401: errors[401], 403: errors[403], 404: errors[404], 422: errors[422] },
  }),
  previewDraft: createRoute({
    method: 'post', path: '/v1/automations/preview', tags, middleware,
    summary: 'Check and render an unsaved body template (for editors); nothing is stored or sent',
    request: jsonBody(
      z.object({ trigger: Trigger, format: BodyFormat.default('json'), body: z.string().min(1), data: EventDataSchema.optional(), redact: Redact.optional() }).strict(),
    ),
    responses: { 200: jsonResponse(PreviewSchema, 'The rendered body'), 401: errors[401], 403: errors[403], 422: errors[422] },
  }),
  test: createRoute({
    method: 'post', path: '/v1/automations/{id}/test', tags, middleware,
    summary: 'Send a real delivery of the example data, marked as a test in the log',
    request: { params: AutomationIdParam, ...jsonBody(PreviewRequest, false) },
    responses: { 202: jsonResponse(TestSendSchema, 'Queued'), 401: errors[401], 403: errors[403], 404: errors[404], 422: errors[422] },
  }),
};

/** Re-reads and re-checks after losing a race; more losses than this in a row is a conflict. */
const MAX_UPDATE_ATTEMPTS = 5;

/** The given data over the trigger's example values, redacted as a delivery would be. */
function exampleValues(trigger: string, data: Record<string, unknown> | undefined, redact: Redactions) {
  return redactedTemplateValues({ ...findTrigger(trigger)?.examples, ...data }, redact);
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
    if (error instanceof RenderedXmlNotWellFormed) {
      throw validationFailed([{ path: 'body', message: `${error.message} with this data; a delivery with these values would fail` }], 'The rendered body is not valid');
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

export function secretsKey(env: AppEnv['Bindings']): string {
  const key = getConfig(env).secretsKey;
  if (!key) throw new ApiError('not_configured', 'SECRETS_KEY is not set, so signing secrets cannot be stored');
  return key;
}

/**
 * Tells the account's object that its automations changed, before the API answers: every
 * delivery claimed after this sees the change (see README, "How a change reaches deliveries").
 */
export async function changed(env: AppEnv['Bindings'], principal: KeyPrincipal): Promise<void> {
  await planesFor(env, principal).automationsChanged();
}

export function registerAutomationRoutes(app: OpenAPIHono<AppEnv>) {
  app.openapi(routes.list, async (c) => {
    const { limit, cursor, trigger } = c.req.valid('query');
    const { accountId } = keyPrincipal(c.get('principal'));
    const page = await listAutomations(c.env.DB, accountId, { limit, cursor, trigger });
    const last = await planesFor(c.env, keyPrincipal(c.get('principal'))).lastDeliveries(page.data.map((a) => a.id));
    return c.json({ ...page, data: page.data.map((a) => ({ ...a, last_delivery: last[a.id] ?? null })) }, 200);
  });

  app.openapi(routes.create, async (c) => {
    const principal = keyPrincipal(c.get('principal'));
    requireIntegrationEnabled(principal);
    const { auth, ...input } = c.req.valid('json');
    const fields: AutomationFields = { ...input, name: input.name ?? null, auth: auth ? viewOf(auth) : null };
    const policy = targetPolicy(c);
    assertValid([...checkAutomation(fields, policy), ...(auth ? checkAuth(auth, fields.headers, false, policy) : [])]);
    const now = Date.now();
    const id = newId('aut', now);
    const signingSecret = generateSigningSecret();
    const sealed = await sealSecret(secretsKey(c.env), signingSecret, id);
    const authSecret = auth ? await sealSecret(secretsKey(c.env), secretOf(auth)!, authSecretBoundTo(id)) : null;
    const row = await insertAutomation(c.env.DB, principal.accountId, id, fields, sealed, now, authSecret);
    await changed(c.env, principal);
    return c.json({ ...toAutomation(row), signing_secret: signingSecret }, 201, { etag: etagOf(row.version) });
  });

  app.openapi(routes.read, async (c) => {
    const { accountId } = keyPrincipal(c.get('principal'));
    const row = await getAutomationRow(c.env.DB, accountId, c.req.valid('param').id);
    if (!row) throw notFound('Automation');
    const destination = await planesFor(c.env, keyPrincipal(c.get('principal'))).destination(row.url);
    return c.json({ ...toAutomation(row), destination }, 200, { etag: etagOf(row.version) });
  });

  app.openapi(routes.update, async (c) => {
    const principal = keyPrincipal(c.get('principal'));
    requireIntegrationEnabled(principal);
    const { id } = c.req.valid('param');
    const ifMatch = c.req.valid('header')['if-match'];
    // Only the named fields are written, so changes to different fields never undo each other.
    // The trigger, format, body, redactions and conditions are checked together, though (the
    // body, the redactions and the conditions name the trigger's fields): a change to any of them is
    // written only if the automation is still the version it was checked against (as is any
    // change sent with If-Match); otherwise it is checked again on the new version.
    // So is a change of auth or URL: whether the stored password or client secret may be kept
    // depends on where it went before.
    const { auth: authChange, ...change } = c.req.valid('json');
    const conditional = ifMatch !== undefined || change.trigger !== undefined || change.format !== undefined || change.body !== undefined
      || change.redact !== undefined || change.conditions !== undefined || authChange !== undefined || change.url !== undefined;
    const policy = targetPolicy(c);
    for (let attempt = 1; ; attempt++) {
      const row = await getAutomationRow(c.env.DB, principal.accountId, id);
      if (!row) throw notFound('Automation');
      if (!ifMatchAdmits(ifMatch, row.version)) throw preconditionFailed();
      const current = toAutomation(row);
      const fields: AutomationFields = {
        name: change.name !== undefined ? change.name : current.name,
        trigger: change.trigger ?? current.trigger,
        url: change.url ?? current.url,
        format: change.format ?? current.format,
        body: change.body ?? current.body,
        headers: change.headers ?? current.headers,
        enabled: change.enabled ?? current.enabled,
        max_concurrency: change.max_concurrency ?? current.max_concurrency,
        rate_limit_per_second: change.rate_limit_per_second !== undefined ? change.rate_limit_per_second : current.rate_limit_per_second,
        ordering: change.ordering ?? current.ordering,
        redact: change.redact ?? current.redact,
        conditions: change.conditions !== undefined ? change.conditions : current.conditions,
        max_age_seconds: change.max_age_seconds !== undefined ? change.max_age_seconds : current.max_age_seconds,
      };
      // The whole result is checked, so e.g. a new trigger cannot leave placeholders dangling.
      // Unchanged, the stored auth stands as if posted again without its secret (which is kept).
      const auth: AuthInput | null = authChange !== undefined ? authChange : current.auth;
      const keepsSecret = auth ? secretOf(auth) === undefined && mayKeepSecret(current.auth && { view: current.auth, url: current.url }, viewOf(auth), fields.url) : false;
      assertValid([...checkAutomation(fields, policy), ...(auth ? checkAuth(auth, fields.headers, keepsSecret, policy) : [])]);
      const secret = auth ? secretOf(auth) : undefined;
      const sealedAuth = secret === undefined ? {} : { authSecretCiphertext: await sealSecret(secretsKey(c.env), secret, authSecretBoundTo(id)) };
      const written = authChange === undefined ? change : { ...change, auth: authChange && viewOf(authChange), ...sealedAuth };
      const updated = await updateAutomation(c.env.DB, principal.accountId, id, written, conditional ? row.version : null, Date.now());
      if (updated) {
        await changed(c.env, principal);
        return c.json(toAutomation(updated), 200, { etag: etagOf(updated.version) });
      }
      if (attempt === MAX_UPDATE_ATTEMPTS) {
        throw new ApiError('conflict', 'The automation is being changed by other requests at this moment; try again');
      }
    }
  });

  app.openapi(routes.remove, async (c) => {
    const principal = keyPrincipal(c.get('principal'));
    requireIntegrationEnabled(principal);
    const { id } = c.req.valid('param');
    const ifMatch = c.req.valid('header')['if-match'];
    if (ifMatch === undefined) {
      if (!(await deleteAutomation(c.env.DB, principal.accountId, id))) throw notFound('Automation');
      await changed(c.env, principal);
      return c.body(null, 204);
    }
    const row = await getAutomationRow(c.env.DB, principal.accountId, id);
    if (!row) throw notFound('Automation');
    if (!ifMatchAdmits(ifMatch, row.version)) throw preconditionFailed();
    if (!(await deleteAutomation(c.env.DB, principal.accountId, id, row.version))) {
      // Changed or deleted between the read and the delete.
      if (await getAutomationRow(c.env.DB, principal.accountId, id)) throw preconditionFailed();
      throw notFound('Automation');
    }
    await changed(c.env, principal);
    return c.body(null, 204);
  });

  app.openapi(routes.secret, async (c) => {
    const { id } = c.req.valid('param');
    const row = await getAutomationRow(c.env.DB, keyPrincipal(c.get('principal')).accountId, id);
    if (!row) throw notFound('Automation');
    return c.json({ signing_secret: await openSecret(secretsKey(c.env), row.secret_ciphertext, id) }, 200);
  });

  app.openapi(routes.previewDraft, (c) => {
    const { trigger, format, body, data, redact = {} } = c.req.valid('json');
    assertValid([...checkTemplate(trigger, format, body), ...checkRedact(trigger, redact)]);
    return c.json(renderPreview(body, format, exampleValues(trigger, data, redact), getConfig(c.env).maxBodyBytes), 200);
  });

  app.openapi(routes.preview, async (c) => {
    const row = await getAutomationRow(c.env.DB, keyPrincipal(c.get('principal')).accountId, c.req.valid('param').id);
    if (!row) throw notFound('Automation');
    const data = c.req.valid('json')?.data;
    const { redact } = toAutomation(row);
    return c.json(renderPreview(row.body, row.format, exampleValues(row.trigger, data, redact), getConfig(c.env).maxBodyBytes), 200);
  });

  app.openapi(routes.test, async (c) => {
    const principal = keyPrincipal(c.get('principal'));
    requireIntegrationEnabled(principal);
    const { id } = c.req.valid('param');
    const row = await getAutomationRow(c.env.DB, principal.accountId, id);
    if (!row) throw notFound('Automation');
    const data = { ...findTrigger(row.trigger)?.examples, ...(c.req.valid('json')?.data ?? {}) };
    const deliveryId = await planesFor(c.env, keyPrincipal(c.get('principal'))).sendTest({
      automationId: id, type: row.trigger, data: JSON.stringify(data),
    });
    if (!deliveryId) throw notFound('Automation');
    return c.json({ delivery_id: deliveryId }, 202);
  });
}
