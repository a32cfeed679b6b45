import type { ActiveSession } from '../auth/session';
import type { SessionPrincipal } from '../db/sessions';
import type { Env } from '../env';

/** Console routes run with a signed-in admin session (set by requireConsoleSession). */
export interface ConsoleEnv {
  Bindings: Env;
  Variables: { session: ActiveSession; principal: SessionPrincipal };
}
