import type { SessionPrincipal } from '../db/sessions';
import type { Env } from '../env';
import type { ActiveSession } from './session';

/** Console routes run with a signed-in admin session (set by requireConsoleSession). */
export interface ConsoleEnv {
  Bindings: Env;
  Variables: { session: ActiveSession; principal: SessionPrincipal };
}
