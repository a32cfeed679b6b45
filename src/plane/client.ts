/**
 * The way to an account's objects: one Durable Object per account partition, named by its key
 * — the account id for partition 0 (as every account object was named before partitions), and
 * `<account id>/p<n>` for partition n ('/' never appears in an account id).
 */
import type { Env } from '../env';
import type { AccountPlane } from './account-plane';

export function planeKey(accountId: string, partition: number): string {
  return partition === 0 ? accountId : `${accountId}/p${partition}`;
}

export function parsePlaneKey(key: string): { accountId: string; partition: number } {
  const slash = key.lastIndexOf('/p');
  if (slash < 0) return { accountId: key, partition: 0 };
  return { accountId: key.slice(0, slash), partition: Number(key.slice(slash + 2)) };
}

/** The object of one partition (by its key). */
export function planeFor(env: Env, key: string): DurableObjectStub<AccountPlane> {
  const namespace = env.ACCOUNT_PLANE as unknown as DurableObjectNamespace<AccountPlane>;
  return namespace.get(namespace.idFromName(key));
}
