/**
 * Queue consumer: claims a batch of deliveries in one D1 round trip, sends each (at most
 * MAX_IN_FLIGHT at once), records every attempt and outcome in one more round trip, then
 * acks or retries each message on its own.
 */
import { getConfig, type Config } from '../config';
import { openSecret } from '../crypto/secret-box';
import {
  claimBatch,
  recordBatchStatements,
  type AttemptRecord,
  type DeliveryStatus,
  type DeliveryUpdate,
  type DispatchRow,
} from '../db/deliveries';
import { disableAutomationStatement } from '../db/automations';
import { decide, describeStatus, MAX_DELAY_SECONDS } from '../domain/retry-policy';
import { checkTargetUrl } from '../domain/target-url';
import { compileTemplate, RenderedBodyTooLarge, toTemplateValues } from '../domain/template';
import type { Env } from '../env';
import { sendWebhook } from './send';

export const MAX_IN_FLIGHT = 6;
/** A message may arrive this early (queue delays are approximate) and still be sent. */
const DUE_SLACK_MS = 2_000;
/** The lease outlives the attempt's timeout, so only a crashed consumer's lease ever expires. */
const LEASE_MARGIN_MS = 60_000;

interface Step {
  update?: DeliveryUpdate;
  attempt?: AttemptRecord;
  /** Turn the automation off (410 Gone), saying why. */
  disable?: { automationId: string; reason: string };
  /** Seconds to delay the message by, or null to ack it. */
  retryDelaySeconds: number | null;
}

export async function handleDeliveryBatch(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const config = getConfig(env);
  const now = Date.now();
  const byDelivery = new Map<string, Message<unknown>[]>();
  for (const message of batch.messages) {
    const id = deliveryIdOf(message.body);
    if (!id) {
      console.error(JSON.stringify({ msg: 'dropping malformed queue message', message_id: message.id }));
      message.ack();
      continue;
    }
    const list = byDelivery.get(id) ?? [];
    list.push(message);
    byDelivery.set(id, list);
  }
  if (byDelivery.size === 0) return;

  const { claimed, rows } = await claimBatch(env.DB, [...byDelivery.keys()], now, now + config.deliveryTimeoutMs + LEASE_MARGIN_MS, DUE_SLACK_MS);

  const steps = new Map<string, Step>();
  const toSend: DispatchRow[] = [];
  for (const id of byDelivery.keys()) {
    const row = rows.get(id);
    if (!row) steps.set(id, { retryDelaySeconds: null });
    else if (claimed.has(id)) toSend.push(row);
    else steps.set(id, { retryDelaySeconds: unclaimedDelay(row, now) });
  }

  await forEachLimited(toSend, MAX_IN_FLIGHT, async (row) => {
    steps.set(row.id, await processClaimed(env, config, row));
  });

  const recorded = [...steps.values()];
  const recordedAt = Date.now();
  const statements = [
    ...recordBatchStatements(
      env.DB,
      recorded.flatMap((s) => (s.update ? [s.update] : [])),
      recorded.flatMap((s) => (s.attempt ? [s.attempt] : [])),
      recordedAt,
    ),
    ...recorded.flatMap((s) => (s.disable ? [disableAutomationStatement(env.DB, s.disable.automationId, s.disable.reason, recordedAt)] : [])),
  ];
  if (statements.length > 0) await env.DB.batch(statements);

  for (const [id, messages] of byDelivery) {
    const step = steps.get(id);
    messages.forEach((message, index) => {
      // Only one message per delivery carries the schedule forward; copies are dropped.
      if (index === 0 && step && step.retryDelaySeconds !== null) message.retry({ delaySeconds: step.retryDelaySeconds });
      else message.ack();
    });
  }
}

function deliveryIdOf(body: unknown): string | null {
  if (typeof body !== 'object' || body === null) return null;
  const id = (body as { delivery_id?: unknown }).delivery_id;
  return typeof id === 'string' && id.length > 0 && id.length <= 64 ? id : null;
}

/**
 * A message whose delivery this consumer could not claim: finished or being sent elsewhere
 * → drop the message; not yet due (an early copy) → hold it until it is.
 */
function unclaimedDelay(row: DispatchRow, now: number): number | null {
  if (row.status !== 'pending' && row.status !== 'retrying') return null;
  if (row.lease_until !== null && row.lease_until >= now) return null;
  const wait = (row.next_attempt_at ?? now) - now;
  return Math.min(MAX_DELAY_SECONDS, Math.max(1, Math.ceil(wait / 1000)));
}

async function processClaimed(env: Env, config: Config, row: DispatchRow): Promise<Step> {
  const now = Date.now();
  const close = (status: DeliveryStatus, lastError: string | null, attemptCount = row.attempt_count): Step => ({
    update: { id: row.id, status, attemptCount, lastStatusCode: null, lastError, nextAttemptAt: null },
    retryDelaySeconds: null,
  });
  // Cancellations are not attempts: give back the attempt counted at claim time.
  if (row.url === null || row.body === null || row.format === null || row.secret_ciphertext === null) {
    return close('cancelled', 'the automation was deleted before the delivery ran', row.attempt_count - 1);
  }
  if (row.integration_enabled !== 1) {
    return close('cancelled', 'HTTP Notifier was turned off for the account before the delivery ran', row.attempt_count - 1);
  }
  if (row.automation_enabled !== 1 && row.is_test !== 1) {
    return close('cancelled', 'the automation was turned off before the delivery ran', row.attempt_count - 1);
  }
  const attemptNumber = row.attempt_count - row.attempt_base;
  if (attemptNumber > config.retrySchedule.length + 1) {
    return close('failed', 'gave up: every attempt was used (earlier attempts were interrupted)');
  }

  const target = checkTargetUrl(row.url, { allowLoopback: config.allowLoopbackTargets });
  if (!target.ok) return recordLocalFailure(row, now, `target refused: ${target.reason}`);

  let body: string;
  let contentType: string;
  let secret: string;
  try {
    const template = compileTemplate(row.body, row.format);
    body = template.render(toTemplateValues(parseEventData(row.event_data)), config.maxBodyBytes);
    contentType = template.contentType;
  } catch (error) {
    if (error instanceof RenderedBodyTooLarge) return recordLocalFailure(row, now, `${error.message} (MAX_BODY_BYTES) with this event's values`);
    return recordLocalFailure(row, now, `the body template could not be rendered: ${(error as Error).message}`);
  }
  try {
    if (!config.secretsKey) throw new Error('SECRETS_KEY is not set');
    secret = await openSecret(config.secretsKey, row.secret_ciphertext, row.automation_id);
  } catch (error) {
    // A configuration problem on our side: retry on schedule rather than fail the delivery.
    console.error(JSON.stringify({ msg: 'cannot open signing secret', delivery_id: row.id, error: (error as Error).message }));
    return recordAttempt(config, row, now, {
      result: { kind: 'error', message: 'the signing secret could not be read (service configuration)' },
      startedAt: now, durationMs: 0, statusCode: null, responseBody: null,
    }, attemptNumber);
  }

  const outcome = await sendWebhook({
    deliveryId: row.id,
    url: target.url.href,
    contentType,
    body,
    extraHeaders: row.headers ? (JSON.parse(row.headers) as Record<string, string>) : {},
    secret,
    timeoutMs: config.deliveryTimeoutMs,
  });
  return recordAttempt(config, row, Date.now(), outcome, attemptNumber);
}

function parseEventData(text: string | null): Record<string, unknown> {
  if (!text) return {};
  const data = JSON.parse(text) as unknown;
  return typeof data === 'object' && data !== null && !Array.isArray(data) ? (data as Record<string, unknown>) : {};
}

/** A failure found before any request was made (refused target, broken template): final. */
function recordLocalFailure(row: DispatchRow, now: number, error: string): Step {
  return {
    attempt: { deliveryId: row.id, attempt: row.attempt_count, startedAt: now, durationMs: 0, statusCode: null, error, responseBody: null },
    update: { id: row.id, status: 'failed', attemptCount: row.attempt_count, lastStatusCode: null, lastError: error, nextAttemptAt: null },
    retryDelaySeconds: null,
  };
}

function recordAttempt(
  config: Config,
  row: DispatchRow,
  now: number,
  outcome: Awaited<ReturnType<typeof sendWebhook>>,
  attemptNumber: number,
): Step {
  const decision = decide(outcome.result, attemptNumber, config.retrySchedule, now);
  const error = outcome.result.kind === 'error'
    ? outcome.result.message
    : decision.kind === 'succeeded' ? null : describeStatus(outcome.result.status);
  const attempt: AttemptRecord = {
    deliveryId: row.id, attempt: row.attempt_count, startedAt: outcome.startedAt, durationMs: outcome.durationMs,
    statusCode: outcome.statusCode, error, responseBody: outcome.responseBody,
  };
  const base = { id: row.id, attemptCount: row.attempt_count, lastStatusCode: outcome.statusCode, lastError: error };
  if (decision.kind === 'succeeded') {
    return { attempt, update: { ...base, status: 'succeeded', nextAttemptAt: null }, retryDelaySeconds: null };
  }
  if (decision.kind === 'retry') {
    return { attempt, update: { ...base, status: 'retrying', nextAttemptAt: now + decision.delaySeconds * 1000 }, retryDelaySeconds: decision.delaySeconds };
  }
  const disable = decision.disableAutomation
    ? { automationId: row.automation_id, reason: `Turned off automatically: the receiver answered 410 Gone on ${new Date(now).toISOString()} (delivery ${row.id})` }
    : undefined;
  return { attempt, update: { ...base, status: 'failed', nextAttemptAt: null }, disable, retryDelaySeconds: null };
}

/** Runs `work` over `items` with at most `limit` in flight. */
async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await work(item);
    }
  });
  await Promise.all(lanes);
}
