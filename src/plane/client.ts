/** The way to an account's object: one Durable Object per account, named by the account id. */
import type { Env } from '../env';

export function planeFor(env: Env, accountId: string) {
  return env.ACCOUNT_PLANE.get(env.ACCOUNT_PLANE.idFromName(accountId));
}
