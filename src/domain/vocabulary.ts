/**
 * The product's closed vocabularies, each spelled once. The zod enums validate requests and
 * generate the OpenAPI document; the types they infer are used by the database, delivery and
 * console code (the browser's by `import type`, so no zod reaches the page); the CHECK
 * constraints in schema.sql list the same values.
 */
import { z } from 'zod';

/** How an automation's body template is written and sent. */
export const BodyFormat = z.enum(['json', 'xml']);
export type BodyFormat = z.infer<typeof BodyFormat>;

/** What an account API key may do: manage automations (admin) or post events (events). */
export const KeyRole = z.enum(['admin', 'events']);
export type KeyRole = z.infer<typeof KeyRole>;

/**
 * Where a delivery stands. The open ones (pending, retrying) are still scheduled; the rest are
 * finished. `expired`: not succeeded by its event's occurred_at + the automation's
 * max_age_seconds, so never sent after that (see delivery-lifecycle.ts, `expiresAt`).
 */
export const DeliveryStatus = z.enum(['pending', 'retrying', 'succeeded', 'failed', 'cancelled', 'expired']);
export type DeliveryStatus = z.infer<typeof DeliveryStatus>;
export const OpenStatus = DeliveryStatus.extract(['pending', 'retrying']);
export type OpenStatus = z.infer<typeof OpenStatus>;
export const FinishedStatus = DeliveryStatus.exclude(OpenStatus.options);
export type FinishedStatus = z.infer<typeof FinishedStatus>;
/**
 * The statuses a filtered set of deliveries may be sent again from (POST /v1/deliveries/retry):
 * never an open one. Expired ones are matched, but the lifecycle never sends one late (`reopen`),
 * so each is left as it is and counted as skipped.
 */
export const ResendableStatus = FinishedStatus.extract(['failed', 'expired']);
export type ResendableStatus = z.infer<typeof ResendableStatus>;

/**
 * Why an open delivery has not been sent yet (src/domain/delivery-wait.ts): it is being sent,
 * is on a queue, waits for an earlier delivery of its call, waits to be retried after a failed
 * attempt, or waits for its first send (a paced destination, a pause, a free slot).
 */
export const WaitReason = z.enum(['sending', 'queued', 'ordering', 'retry', 'scheduled']);
export type WaitReason = z.infer<typeof WaitReason>;

/** Whether an automation's deliveries for one call go out in the order the events occurred. */
export const Ordering = z.enum(['none', 'per_call']);
export type Ordering = z.infer<typeof Ordering>;

/** What the account's operations webhook (and the console's notices) tell about. */
export const NoticeType = z.enum(['automation.failing', 'automation.disabled', 'delivery.exhausted', 'delivery.recovered']);
export type NoticeType = z.infer<typeof NoticeType>;

/** How an automation authenticates to its target: HTTP Basic, or a token from an OAuth2 token endpoint. */
export const AuthType = z.enum(['basic', 'oauth2_client_credentials']);
export type AuthType = z.infer<typeof AuthType>;

/** What wraps a webhook: nothing, or the CloudEvents HTTP binding's ce-* headers (binary mode). */
export const Envelope = z.enum(['none', 'cloudevents']);
export type Envelope = z.infer<typeof Envelope>;
