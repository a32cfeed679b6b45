import type { RequestLog } from './store';

/** Bindings of the receiver Worker (see receiver/wrangler.toml). */
export interface Env {
  REQUEST_LOG: DurableObjectNamespace<RequestLog>;
}
