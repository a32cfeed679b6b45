/** Operator endpoints: accounts, the per-account switch, and API keys. */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { hashApiKey, newApiKey } from '../../auth/api-keys';
import { newId } from '../../crypto/ids';
import { getAccount, getPartitioning, insertAccount, insertApiKey, revokeApiKey, setIntegrationEnabled, setPartitioning } from '../../db/accounts';
import { MAX_PARTITIONS, resize } from '../../domain/partitions';
import { AccountPlanes } from '../../plane/planes';
import { requireOperator } from '../guards';
import { forgetAccountKeys, forgetEventKey } from '../event-key-cache';
import type { AppEnv } from '../context';
import { ApiError, notFound } from '../../errors';
import { KeyRole } from '../../domain/vocabulary';
import { AccountSchema, errors, ExternalId, IdParam, jsonBody, jsonResponse, Text } from '../schemas';

const tags = ['Operator'];
const middleware = [requireOperator];
const AccountIdParam = IdParam('account_id');

const createAccount = createRoute({
  method: 'post', path: '/v1/accounts', tags, middleware, summary: 'Create an account (integration off)',
  request: jsonBody(z.object({ id: ExternalId.optional(), name: Text().trim().min(1).max(200) }).strict()),
  responses: { 201: jsonResponse(AccountSchema, 'Created'), 401: errors[401], 409: errors[409], 422: errors[422] },
});

const PartitionUsage = z.object({
  events_stored: z.int(),
  deliveries_stored: z.int(),
  open_deliveries: z.int().openapi({ description: 'Pending or retrying' }),
  storage_bytes: z.int().openapi({ description: "Size of the account object's SQLite database (limit: 10 GB per object)" }),
});

const Usage = PartitionUsage.extend({
  partitions: z.array(PartitionUsage.extend({ partition: z.int() })).openapi({ description: 'The same, for each partition' }),
}).openapi('AccountUsage', { description: 'Summed over the partitions' });

const updateAccount = createRoute({
  method: 'patch', path: '/v1/accounts/{account_id}', tags, middleware,
  summary: "Raise the account's partitions (its data plane spread over more account objects)",
  description:
    'Raising applies to events posted from then on; events already stored stay where they are, and stay found. ' +
    'Lowering is refused (409): events stored in the partitions it would drop would be stranded.',
  request: { params: AccountIdParam, ...jsonBody(z.object({ partitions: z.int().min(1).max(MAX_PARTITIONS) }).strict()) },
  responses: { 200: jsonResponse(AccountSchema, 'The account'), 401: errors[401], 404: errors[404], 409: errors[409], 422: errors[422] },
});

const readAccount = createRoute({
  method: 'get', path: '/v1/accounts/{account_id}', tags, middleware, summary: 'Read an account, with its data-plane usage',
  request: { params: AccountIdParam },
  responses: { 200: jsonResponse(AccountSchema.extend({ usage: Usage }).openapi('AccountWithUsage'), 'The account'), 401: errors[401], 404: errors[404] },
});

const switchIntegration = createRoute({
  method: 'put', path: '/v1/accounts/{account_id}/http-notifier', tags, middleware,
  summary: 'Turn HTTP Notifier on or off for the account',
  request: { params: AccountIdParam, ...jsonBody(z.object({ enabled: z.boolean() }).strict()) },
  responses: { 200: jsonResponse(AccountSchema, 'The account'), 401: errors[401], 404: errors[404], 422: errors[422] },
});

const ApiKeyCreated = z
  .object({
    id: z.string(),
    key: z.string().openapi({ description: 'Shown once; only its hash is stored' }),
    role: KeyRole,
    name: z.string().nullable(),
    created_at: z.string(),
  })
  .openapi('ApiKeyCreated');

const createKey = createRoute({
  method: 'post', path: '/v1/accounts/{account_id}/api-keys', tags, middleware, summary: 'Create an API key',
  request: {
    params: AccountIdParam,
    ...jsonBody(z.object({ role: KeyRole, name: Text().trim().min(1).max(200).optional() }).strict()),
  },
  responses: { 201: jsonResponse(ApiKeyCreated, 'Created; the key is shown only now'), 401: errors[401], 404: errors[404], 422: errors[422] },
});

const deleteKey = createRoute({
  method: 'delete', path: '/v1/accounts/{account_id}/api-keys/{key_id}', tags, middleware, summary: 'Revoke an API key',
  request: { params: AccountIdParam.extend(IdParam('key_id').shape) },
  responses: { 204: { description: 'Revoked' }, 401: errors[401], 404: errors[404] },
});

export function registerAccountRoutes(app: OpenAPIHono<AppEnv>) {
  app.openapi(createAccount, async (c) => {
    const { id, name } = c.req.valid('json');
    const now = Date.now();
    const account = await insertAccount(c.env.DB, id ?? newId('acc', now), name, now);
    if (!account) throw new ApiError('conflict', `An account with id "${id}" already exists`);
    return c.json(account, 201);
  });

  app.openapi(readAccount, async (c) => {
    const account = await getAccount(c.env.DB, c.req.valid('param').account_id);
    if (!account) throw notFound('Account');
    const usage = await (await AccountPlanes.of(c.env, account.id)).usage();
    return c.json({ ...account, usage }, 200);
  });

  app.openapi(updateAccount, async (c) => {
    const id = c.req.valid('param').account_id;
    const { partitions } = c.req.valid('json');
    const current = await getPartitioning(c.env.DB, id);
    if (!current) throw notFound('Account');
    const resized = resize(current, partitions);
    if ('conflict' in resized) throw new ApiError('conflict', resized.conflict);
    const account = await setPartitioning(c.env.DB, id, current.count, resized.ok, Date.now());
    if (!account) throw new ApiError('conflict', 'The partitions changed meanwhile; read the account and try again');
    // Keys cached by other isolates carry the old count for at most their TTL (README, Scaling).
    forgetAccountKeys(id);
    // Every partition reads the new count at once (shared destination caps start now).
    await new AccountPlanes(c.env, id, resized.ok).automationsChanged();
    return c.json(account, 200);
  });

  app.openapi(switchIntegration, async (c) => {
    const account = await setIntegrationEnabled(c.env.DB, c.req.valid('param').account_id, c.req.valid('json').enabled, Date.now());
    if (!account) throw notFound('Account');
    // Switching off cancels the account's waiting deliveries at once; on, new events fan out again.
    await (await AccountPlanes.of(c.env, account.id)).automationsChanged();
    return c.json(account, 200);
  });

  app.openapi(createKey, async (c) => {
    const accountId = c.req.valid('param').account_id;
    const { role, name } = c.req.valid('json');
    if (!(await getAccount(c.env.DB, accountId))) throw notFound('Account');
    const now = Date.now();
    const key = newApiKey(role);
    const record = await insertApiKey(c.env.DB, { id: newId('key', now), accountId, role, name: name ?? null, hash: await hashApiKey(key) }, now);
    return c.json({ id: record.id, key, role, name: record.name, created_at: record.created_at }, 201);
  });

  app.openapi(deleteKey, async (c) => {
    const { account_id, key_id } = c.req.valid('param');
    if (!(await revokeApiKey(c.env.DB, account_id, key_id, Date.now()))) throw notFound('API key');
    forgetEventKey(key_id);
    return c.body(null, 204);
  });
}
