import type { KeyPrincipal } from '../db/accounts';
import type { Env } from '../env';

/** What middleware leaves for handlers: the authenticated caller. */
export type Principal = KeyPrincipal | { operator: true };

export interface AppEnv {
  Bindings: Env;
  Variables: { principal: Principal };
}
