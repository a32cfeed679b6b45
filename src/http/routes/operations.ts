/**
 * Admin endpoints for the account's own operations: the notices about its automations'
 * trouble, and the operations webhook that receives them as signed webhooks.
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { openSecret, sealSecret } from '../../crypto/secret-box';
import { getOperationsWebhook, setOperationsWebhook } from '../../db/accounts';
import { noticeDetails, noticeText } from '../../domain/causes';
import { generateSigningSecret } from '../../domain/signature';
import { checkTargetUrl } from '../../domain/target-url';
import { NoticeType } from '../../domain/vocabulary';
import { notFound, validationFailed } from '../../errors';
import { operationsId } from '../../plane/account-config';
import { planesFor } from '../../plane/planes';
import type { AppEnv } from '../context';
import { targetPolicy } from '../target-policy';
import { keyPrincipal, requireIntegrationEnabled, requireKey } from '../guards';
import { DisabledCauseSchema, errors, jsonBody, jsonResponse, OperationsWebhookSchema, pageOf, PageQuery, Text } from '../schemas';
import { secretsKey } from './automations';

const tags = ['Account'];
const middleware = [requireKey('admin')];

/** What a notice says, as data, by its type; the operations webhook sends the same as `data.details`. */
const NoticeDetailsSchema = z
  .union([
    z.object({ last_error: z.string().nullable(), last_status_code: z.int().nullable() }).openapi({
      description: 'delivery.exhausted: the last attempt’s error, and its HTTP status (null when there was no answer, or for notices recorded before details were kept)',
    }),
    z.object({ attempt: z.int(), closes: z.array(z.string()).optional() }).openapi({
      description: 'delivery.recovered: the attempt that succeeded (numbered as the log numbers it), and the ids of the delivery.exhausted notices it closes (a failed delivery sent again); `closes` is absent on notices recorded before notices were closed',
    }),
    z.object({ since: z.string() }).openapi({ description: 'automation.failing: every attempt has failed since this time (ISO 8601)' }),
    z.object({ cause: DisabledCauseSchema }).openapi({ description: 'automation.disabled: why it was turned off' }),
  ])
  .nullable()
  .openapi('NoticeDetails', {
    description: 'Null only for a notice recorded as text before notices kept data, in words not recognised when converted: its message is all there is',
  });

const NoticeSchema = z
  .object({
    id: z.string(),
    type: NoticeType,
    automation_id: z.string().nullable(),
    delivery_id: z.string().nullable(),
    message: z.string().openapi({ description: 'The notice in words, written from details' }),
    details: NoticeDetailsSchema,
    created_at: z.string(),
    closed_at: z.string().nullable().openapi({ description: 'delivery.exhausted: when the delivery later succeeded (sent again), which closes this notice; null while open' }),
    closed_by: z.string().nullable().openapi({ description: 'The delivery.recovered notice that closed it' }),
  })
  .openapi('Notice');

const routes = {
  notices: createRoute({
    method: 'get', path: '/v1/account/notices', tags, middleware,
    summary: 'Notices about the account’s automations and deliveries, newest first',
    request: { query: PageQuery },
    responses: { 200: jsonResponse(pageOf(NoticeSchema, 'NoticePage'), 'A page of notices'), 401: errors[401], 403: errors[403], 422: errors[422] },
  }),
  readHook: createRoute({
    method: 'get', path: '/v1/account/operations-webhook', tags, middleware, summary: 'The operations webhook and its signing secret',
    responses: { 200: jsonResponse(OperationsWebhookSchema, 'The operations webhook (url null: none)'), 401: errors[401], 403: errors[403] },
  }),
  setHook: createRoute({
    method: 'put', path: '/v1/account/operations-webhook', tags, middleware,
    summary: 'Set the URL that receives automation.failing, automation.disabled, delivery.exhausted and delivery.recovered (null removes it)',
    request: jsonBody(z.object({ url: Text().trim().min(1).max(2048).nullable() }).strict()),
    responses: { 200: jsonResponse(OperationsWebhookSchema, 'Saved'), 400: errors[400], 401: errors[401], 403: errors[403], 422: errors[422] },
  }),
};

export function registerOperationsRoutes(app: OpenAPIHono<AppEnv>) {
  app.openapi(routes.notices, async (c) => {
    const { accountId } = keyPrincipal(c.get('principal'));
    const { limit, cursor } = c.req.valid('query');
    const page = await planesFor(c.env, keyPrincipal(c.get('principal'))).notices(limit, cursor);
    const data = page.data.map(({ data: notice, ...n }) => ({
      id: n.id, type: notice.type, automation_id: n.automation_id, delivery_id: n.delivery_id,
      message: noticeText(notice), details: noticeDetails(notice), created_at: n.created_at, closed_at: n.closed_at, closed_by: n.closed_by,
    }));
    return c.json({ data, next_cursor: page.next_cursor }, 200);
  });

  app.openapi(routes.readHook, async (c) => {
    const { accountId } = keyPrincipal(c.get('principal'));
    const hook = await getOperationsWebhook(c.env.DB, accountId);
    if (!hook) throw notFound('Account');
    const secret = hook.url && hook.secretCiphertext ? await openSecret(secretsKey(c.env), hook.secretCiphertext, operationsId(accountId)) : null;
    return c.json({ url: hook.url, signing_secret: secret }, 200);
  });

  app.openapi(routes.setHook, async (c) => {
    const principal = keyPrincipal(c.get('principal'));
    requireIntegrationEnabled(principal);
    const { accountId } = principal;
    const { url } = c.req.valid('json');
    const current = await getOperationsWebhook(c.env.DB, accountId);
    if (!current) throw notFound('Account');
    if (url === null) {
      await setOperationsWebhook(c.env.DB, accountId, { url: null, secretCiphertext: null }, Date.now());
      await planesFor(c.env, keyPrincipal(c.get('principal'))).automationsChanged();
      return c.json({ url: null, signing_secret: null }, 200);
    }
    const target = checkTargetUrl(url, targetPolicy(c));
    if (!target.ok) throw validationFailed([{ path: 'url', message: target.reason }]);
    const key = secretsKey(c.env);
    // The secret stays the same when only the URL changes, so the receiver need not be told.
    const secret = current.secretCiphertext ? await openSecret(key, current.secretCiphertext, operationsId(accountId)) : generateSigningSecret();
    const sealed = current.secretCiphertext ?? (await sealSecret(key, secret, operationsId(accountId)));
    await setOperationsWebhook(c.env.DB, accountId, { url: target.url.href, secretCiphertext: sealed }, Date.now());
    await planesFor(c.env, keyPrincipal(c.get('principal'))).automationsChanged();
    return c.json({ url: target.url.href, signing_secret: secret }, 200);
  });
}
