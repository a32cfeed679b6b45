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

export interface Attempt {
  attempt: number;
  started_at: string;
  duration_ms: number;
  status_code: number | null;
  error: string | null;
  response_body: string | null;
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
