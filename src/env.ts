/** Bindings and variables the Worker is deployed with (see wrangler.toml and README). */
export interface Env {
  DB: D1Database;
  /**
   * One Durable Object per account: its events, deliveries, attempts, scheduling and gates.
   * Typed where it is used (src/plane/client.ts), so that this module depends on nothing.
   */
  ACCOUNT_PLANE: DurableObjectNamespace;
  /** One small object per account and destination: the concurrency cap shared by an account's partitions (src/plane/gate-object.ts). */
  DESTINATION_GATES: DurableObjectNamespace;
  /** The fast lane: deliveries to healthy destinations (messages: src/plane/protocol.ts). */
  DELIVERY_QUEUE: Queue;
  /** The slow lane: destinations that are probing, recently timed out, slow or rate-limited. */
  SLOW_DELIVERY_QUEUE: Queue;
  /**
   * One data point per delivery attempt (columns: src/observability/attempt-dataset.ts).
   * Optional: without it attempts are still logged, and delivery never depends on it.
   */
  DELIVERY_ANALYTICS?: AnalyticsEngineDataset;
  OPERATOR_TOKEN?: string;
  SECRETS_KEY?: string;
  RETRY_SCHEDULE?: string;
  DELIVERY_TIMEOUT_MS?: string;
  ALLOW_LOOPBACK_TARGETS?: string;
  /** Comma-separated host names (optionally `:port`) the service answers on: webhooks are never sent there. */
  SELF_HOSTNAMES?: string;
  RETENTION_DAYS?: string;
  UNMATCHED_EVENT_RETENTION_HOURS?: string;
  AUTO_DISABLE_AFTER_HOURS?: string;
  /** The queue names in wrangler.toml's [[queues.consumers]]: how the queue handler tells batches apart. */
  DELIVERY_QUEUE_NAME?: string;
  SLOW_DELIVERY_QUEUE_NAME?: string;
  DEAD_LETTER_QUEUE_NAME?: string;
  MAX_BODY_BYTES?: string;
}

