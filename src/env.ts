/** Bindings and variables the Worker is deployed with (see wrangler.toml and README). */
export interface Env {
  DB: D1Database;
  DELIVERY_QUEUE: Queue<DeliveryMessage>;
  OPERATOR_TOKEN?: string;
  SECRETS_KEY?: string;
  RETRY_SCHEDULE?: string;
  DELIVERY_TIMEOUT_MS?: string;
  ALLOW_LOOPBACK_TARGETS?: string;
  RETENTION_DAYS?: string;
  MAX_BODY_BYTES?: string;
}

/** What travels through the queue: ids only; the consumer reads the rest from D1. */
export interface DeliveryMessage {
  delivery_id: string;
}
