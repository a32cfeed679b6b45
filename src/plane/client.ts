/** The way to an account's object: one Durable Object per account, named by the account id. */
import type { Env } from '../env';
import type { AccountPlane } from './account-plane';

export function planeFor(env: Env, accountId: string): DurableObjectStub<AccountPlane> {
  const namespace = env.ACCOUNT_PLANE as unknown as DurableObjectNamespace<AccountPlane>;
  return namespace.get(namespace.idFromName(accountId));
}
