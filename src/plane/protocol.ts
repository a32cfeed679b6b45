/** What travels between the account object, the queues and the consumer. */
import type { DestinationState, PauseScope } from '../domain/destination-gate';
import type { Redactions } from '../domain/redaction';
import type { ReportedAttempt } from '../domain/attempt-outcome';
import type { PreviousSecret } from '../domain/secret-rotation';
import type { SealedAuth } from '../domain/destination-auth';
import type { BodyFormat, Envelope } from '../domain/vocabulary';

/** A queue message: which delivery of which account, and the dispatch it belongs to. */
export interface DeliveryMessage {
  account_id: string;
  delivery_id: string;
  /** Only the message carrying the delivery's current token may claim it. */
  token: string;
}

export interface ClaimItem {
  id: string;
  token: string;
}

/** Everything the consumer needs to render, sign and send one delivery. */
export interface SendOrder {
  id: string;
  token: string;
  /** The attempt's number in the delivery's whole life (the log's numbering). */
  attempt: number;
  /** The attempt's number since the delivery was (re)opened (the schedule's numbering). */
  attemptNumber: number;
  destination: string;
  automationId: string;
  url: string;
  format: BodyFormat;
  body: string;
  headers: Record<string, string>;
  secretCiphertext: string;
  /** Secrets rotated out with an overlap; the consumer signs with those still live when it sends. */
  previousSecrets: PreviousSecret[];
  eventData: string;
  /** Fields of the event data redacted before rendering (the stored event keeps them whole). */
  redact: Redactions;
  /** Wait until then before sending: a rate limit's pacing, set when the delivery is claimed. */
  notBefore: number | null;
  /** In the fast lane, stop the send after this long and move it to the slow lane (see fastLaneBudgetMs). */
  fastLaneBudgetMs: number;
  /** Send `eventData` as the JSON body as it is (operations webhooks), instead of rendering `body`. */
  raw: boolean;
  /** How to authenticate to the target; null: no auth. */
  auth: SealedAuth | null;
  /** OAuth2: the token the object keeps for this auth (sealed), while usable; null: get one. */
  accessToken: string | null;
  envelope: Envelope;
  /** The event's trigger and when it occurred (ms), for the CloudEvents envelope. */
  trigger: string;
  occurredAt: number;
}

export type ClaimAnswer = { id: string; send: SendOrder } | { id: string; send: null };

/** One attempt as the consumer reports it: which delivery and dispatch, and what happened. */
export interface AttemptReport extends ReportedAttempt {
  id: string;
  token: string;
}

/** A fast-lane send stopped at its budget: no attempt, the delivery moves to the slow lane. */
export interface LaneMove {
  id: string;
  token: string;
  moved: 'slow_lane';
}

export type BatchReport = AttemptReport | LaneMove;

export interface DestinationView {
  state: DestinationState;
  /** What is paused or probed: the endpoint (origin and path) or the whole origin. */
  scope?: PauseScope;
  until?: string;
  reason?: string;
  in_flight: number;
}
