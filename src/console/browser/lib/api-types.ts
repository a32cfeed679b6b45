/**
 * The parts of the /v1 API's answers that the console reads. They mirror the zod schemas in
 * src/http/schemas.ts (the API's contract, published at /openapi.json); the browser cannot
 * import those without pulling zod into the page, so only the shapes are repeated here.
 */

export interface ApiError {
  code: string;
  message: string;
  details: { path: string; message: string }[];
}

export type DeliveryStatus = 'pending' | 'retrying' | 'succeeded' | 'failed' | 'cancelled';

/** The request an attempt sent, exactly as sent (the body cut at 64 KiB of UTF-8). */
export interface SentRequest {
  url: string;
  /** As sent: webhook-id, webhook-timestamp, webhook-signature, content-type, extra headers. */
  headers: Record<string, string>;
  body: string;
  body_truncated: boolean;
}

export interface Attempt {
  attempt: number;
  started_at: string;
  duration_ms: number;
  status_code: number | null;
  error: string | null;
  /** The first 1 KiB of the answer. */
  response_body: string | null;
  /** Null when nothing was sent (refused before sending) or the attempt predates stored requests. */
  request: SentRequest | null;
}

export interface Delivery {
  id: string;
  automation_id: string;
  status: DeliveryStatus;
  attempt_count: number;
  last_status_code: number | null;
  last_error: string | null;
  next_attempt_at: string | null;
}

/** GET /v1/deliveries/{id}: the delivery with its attempts. */
export interface DeliveryDetail extends Delivery {
  attempts: Attempt[];
}

/** POST /v1/automations/{id}/secret/rotate. */
export interface RotatedSecret {
  signing_secret: string;
  previous_valid_until: string;
  previous_secrets: { valid_until: string }[];
}

export interface Automation {
  id: string;
  enabled: boolean;
}

/** GET /v1/automations/{id}/stats: only what the console reads. */
export interface AutomationStats {
  /** `open`: deliveries waiting now (pending or retrying), test sends left out. */
  counts: { open: number };
}

export interface TriggerField {
  name: string;
  type: string;
  description: string;
  example: string;
}

export interface Trigger {
  id: string;
  label: string;
  fields: TriggerField[];
}

export interface Preview {
  content_type: string;
  body: string;
}

/** POST /v1/events/{id}/replay. */
export interface Replayed {
  event_id: string;
  deliveries: number;
  delivery_ids: string[];
}

/** POST /v1/automations/{id}/recover. */
export interface Recovered {
  recovered: number;
  more: boolean;
  next_since: string | null;
}

/** PUT and GET /v1/account/operations-webhook. */
export interface OperationsWebhook {
  url: string | null;
  signing_secret: string | null;
}
