/**
 * The calling admin's own account: lets a console (or any client) see whether Support has
 * enabled the integration. Events keys only post events, so they have no use for it.
 */
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { getAccount } from '../../db/accounts';
import { keyPrincipal, requireKey } from '../guards';
import type { AppEnv } from '../context';
import { notFound } from '../../errors';
import { AccountSchema, errors, jsonResponse } from '../schemas';

const readOwnAccount = createRoute({
  method: 'get', path: '/v1/account', tags: ['Account'], middleware: [requireKey('admin')],
  summary: 'The account of the calling admin key, including whether HTTP Notifier is enabled for it',
  responses: { 200: jsonResponse(AccountSchema, 'The account'), 401: errors[401], 403: errors[403] },
});

export function registerOwnAccountRoutes(app: OpenAPIHono<AppEnv>) {
  app.openapi(readOwnAccount, async (c) => {
    const account = await getAccount(c.env.DB, keyPrincipal(c.get('principal')).accountId);
    // Keys are deleted with their account, so this is only reachable in a race with that delete.
    if (!account) throw notFound('Account');
    return c.json(account, 200);
  });
}
