// Types for `import { env, exports } from 'cloudflare:workers'` in the receiver's tests.
import type { Env as ReceiverEnv } from '../src/env';

declare global {
  namespace Cloudflare {
    interface GlobalProps {
      mainModule: typeof import('../src/index');
      durableNamespaces: 'RequestLog';
    }
    interface Env extends ReceiverEnv {}
  }
}

export {};
