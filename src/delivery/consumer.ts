/**
 * Queue consumer (both lanes): groups a batch by account, claims each account's deliveries
 * from its account object in one call, renders, signs and POSTs them (at most MAX_IN_FLIGHT
 * at once, shared fairly between accounts and destinations), and reports each account's
 * attempts back in one call as soon as that account's sends are done. Scheduling, retries and
 * gates are the account object's: every message is acked once its account has the outcome.
 * Each attempt is also written for operators (src/observability): a log line and a data point.
 */
import { getConfig, targetPolicyOf, type Config } from '../config';
import { FairShare, runFairly } from '../domain/fair-share';
import { describeStatus } from '../domain/retry-policy';
import { liveSecrets } from '../domain/secret-rotation';
import { isSuccessStatus } from '../domain/success-status';
import { checkTargetUrl } from '../domain/target-url';
import { redactValues } from '../domain/redaction';
import { compileTemplate, RenderedBodyTooLarge, RenderedXmlNotWellFormed, toTemplateValues, ValueNotRenderable, type TemplateValues } from '../domain/template';
import type { Env } from '../env';
import { stoppedBefore, verdictOf, type AttemptRecord, type AttemptVerdict, type NoRequestClass } from '../observability/attempt';
import { logEvent } from '../observability/log';
import { recordAttempt } from '../observability/record-attempt';
import { partitionOfDeliveryId } from '../crypto/ids';
import { parsePlaneKey, planeFor, planeKey } from '../plane/client';
import type { Lane } from '../domain/destination-gate';
import type { AttemptReport, BatchReport, ClaimItem, DeliveryMessage, SendOrder } from '../plane/protocol';
import { cloudEventHeaders } from '../domain/cloudevents';
import { authHeaderFor, type AuthContext } from './auth-header';
import { sendWebhook, type SendOutcome } from './send';
import { openSigningSecret } from './signing-secrets';

export const MAX_IN_FLIGHT = 6;

export async function handleDeliveryBatch(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const config = getConfig(env);
  // Grouped by account object (an account's partition, named by the delivery's id): one claim
  // and one report per object per batch.
  const byAccount = new Map<string, Message<unknown>[]>();
  const claims = new Map<string, ClaimItem[]>();
  for (const message of batch.messages) {
    const body = deliveryMessageOf(message.body);
    if (!body) {
      logEvent('dropping malformed queue message', { message_id: message.id }, 'error');
      message.ack();
      continue;
    }
    const key = planeKey(body.account_id, partitionOfDeliveryId(body.delivery_id));
    if (!byAccount.has(key)) {
      byAccount.set(key, []);
      claims.set(key, []);
    }
    byAccount.get(key)!.push(message);
    claims.get(key)!.push({ id: body.delivery_id, token: body.token });
  }

  // A message may wait for every send ahead of it in this batch, six at a time, each up to the
  // timeout (plus a second for rendering and signing): the lease must outlast that.
  const holdMs = Math.ceil(batch.messages.length / MAX_IN_FLIGHT) * (config.deliveryTimeoutMs + 1_000);
  // Lanes are shared by account, whatever its partitions.
  const share = new FairShare<{ key: string; account: string; order: SendOrder }>((job) => ({ account: job.account, destination: job.order.destination }));
  const pending = new Map<string, { left: number; reports: BatchReport[] }>();
  const settled: Promise<void>[] = [];
  const eventValues = new EventValues();
  const lane = batch.queue === env.SLOW_DELIVERY_QUEUE_NAME ? 'slow' : 'fast';

  const finishAccount = async (key: string, messages: Message<unknown>[], reports: BatchReport[]) => {
    try {
      if (reports.length > 0) await planeFor(env, key).report(key, reports);
      for (const m of messages) m.ack();
    } catch (error) {
      // The account object did not take the outcome: the queue redelivers, and after
      // max_retries the dead-letter queue closes the deliveries.
      logEvent('report failed', { ...keyFields(key), error: String(error) }, 'error');
      for (const m of messages) m.retry();
    }
  };

  await Promise.all(
    [...byAccount].map(async ([key, messages]) => {
      const items = claims.get(key)!;
      try {
        const answers = await planeFor(env, key).claim(key, items, holdMs);
        const orders = answers.flatMap((a) => (a.send ? [a.send] : []));
        if (orders.length === 0) {
          for (const m of messages) m.ack();
          return;
        }
        pending.set(key, { left: orders.length, reports: [] });
        const { accountId } = parsePlaneKey(key);
        for (const order of orders) share.add({ key, account: accountId, order });
      } catch (error) {
        logEvent('claim failed', { ...keyFields(key), error: String(error) }, 'error');
        for (const m of messages) m.retry();
      }
    }),
  );

  await runFairly(share, MAX_IN_FLIGHT, async ({ key, account, order }) => {
    const state = pending.get(key)!;
    const keep: AuthContext['keep'] = (...args) => planeFor(env, key).keepAccessToken(key, ...args);
    const attempted = await attempt(config, { accountId: account, order, keep, lane }, eventValues);
    if ('moved' in attempted) {
      logEvent('delivery moved to the slow lane', { account_id: account, delivery_id: order.id, destination: order.destination, budget_ms: order.fastLaneBudgetMs });
      state.reports.push(attempted.moved);
    } else {
      // Written as soon as the attempt is over, before the report: it happened whatever becomes of that.
      recordAttempt(env.DELIVERY_ANALYTICS, attemptRecord(account, lane, order, attempted.report, attempted.verdict));
      state.reports.push(attempted.report);
    }
    if (--state.left === 0) settled.push(finishAccount(key, byAccount.get(key)!, state.reports));
  });
  await Promise.all(settled);
}

/** An account object's key as log fields: the account, and its partition. */
function keyFields(key: string): { account_id: string; partition: number } {
  const { accountId, partition } = parsePlaneKey(key);
  return { account_id: accountId, partition };
}

function deliveryMessageOf(body: unknown): DeliveryMessage | null {
  if (typeof body !== 'object' || body === null) return null;
  const { account_id, delivery_id, token } = body as Partial<Record<keyof DeliveryMessage, unknown>>;
  const ok = (v: unknown) => typeof v === 'string' && v.length > 0 && v.length <= 128;
  return ok(account_id) && ok(delivery_id) && ok(token) ? (body as DeliveryMessage) : null;
}

/** The longest a consumer waits for a rate-limited delivery's paced time. */
const MAX_PACING_WAIT_MS = 5_000;

/** An attempt's report to the account object, and its verdict for operators. */
interface Attempted {
  report: AttemptReport;
  verdict: AttemptVerdict;
}

/**
 * Renders, signs and sends one delivery, with its auth and envelope; never throws. In the fast
 * lane a send that outlasts its budget (set by the account object) is stopped and moved to the
 * slow lane instead of counting as an attempt.
 */
async function attempt(
  config: Config, job: { accountId: string; order: SendOrder; keep: AuthContext['keep']; lane: Lane }, eventValues: EventValues,
): Promise<Attempted | { moved: BatchReport }> {
  const { order, lane } = job;
  const now = Date.now();
  const base = { id: order.id, token: order.token, attempt: order.attempt, attemptNumber: order.attemptNumber };
  const failedHere = (error: string, final: boolean, why: NoRequestClass): Attempted => ({
    report: {
      ...base, startedAt: now, durationMs: 0, statusCode: null, error, responseBody: null,
      result: { kind: 'error', message: error }, final, request: null,
    },
    verdict: stoppedBefore(why),
  });

  const target = checkTargetUrl(order.url, targetPolicyOf(config));
  if (!target.ok) return failedHere(`target refused: ${target.reason}`, true, 'refused');

  const rendered = renderBody(config, order, eventValues);
  if ('problem' in rendered) return failedHere(rendered.problem, true, 'render');
  const { body, contentType, callId } = rendered;
  let secret: string;
  let previousSecrets: string[];
  try {
    if (!config.secretsKey) throw new Error('SECRETS_KEY is not set');
    const key = config.secretsKey;
    secret = await openSigningSecret(key, order.secretCiphertext, order.automationId);
    // Expiry is checked now, at send time: the account object's cached copy may be older.
    const live = liveSecrets(order.previousSecrets, Date.now());
    previousSecrets = await Promise.all(live.map((previous) => openSigningSecret(key, previous.ciphertext, order.automationId)));
  } catch (error) {
    // A configuration problem on our side: retried on schedule rather than failed.
    logEvent('cannot open signing secret', { delivery_id: order.id, error: (error as Error).message }, 'error');
    return failedHere('the signing secret could not be read (service configuration)', false, 'config');
  }

  // A token endpoint failing is retried on schedule: the next attempt asks it again.
  const auth = await authHeaderFor(order, {
    secretsKey: config.secretsKey!, timeoutMs: config.deliveryTimeoutMs, policy: targetPolicyOf(config), keep: job.keep,
  });
  if (!auth.ok) return failedHere(auth.problem, false, auth.why);
  const envelopeHeaders = order.envelope === 'cloudevents'
    ? cloudEventHeaders({ id: order.id, trigger: order.trigger, accountId: job.accountId, occurredAt: order.occurredAt, callId })
    : {};

  // A paced delivery waits for its time last, so that rendering and opening secrets (slower for
  // the first of a batch) do not move its request off the rate limit's interval.
  if (order.notBefore !== null && order.notBefore > Date.now()) {
    await new Promise((resolve) => setTimeout(resolve, Math.min(order.notBefore! - Date.now(), MAX_PACING_WAIT_MS)));
  }
  const budgeted = lane === 'fast' && order.fastLaneBudgetMs < config.deliveryTimeoutMs;
  const send = (authorization: string | null) => sendWebhook({
    deliveryId: order.id, url: target.url.href, contentType, body, extraHeaders: order.headers, secret, previousSecrets,
    authorization, envelopeHeaders, timeoutMs: budgeted ? order.fastLaneBudgetMs : config.deliveryTimeoutMs,
  });
  const outOfBudget = (sent: SendOutcome) => budgeted && sent.result.kind === 'error' && Boolean(sent.result.timedOut);
  const moved = { moved: { id: order.id, token: order.token, moved: 'slow_lane' as const } };
  let outcome = await send(auth.value);
  if (outOfBudget(outcome)) return moved;
  let refreshProblem: string | null = null;
  if (auth.refresh && outcome.result.kind === 'response' && outcome.result.status === 401) {
    // The token was refused (revoked, or expired early): a new one, and the attempt again at once.
    const again = await auth.refresh();
    if (again.ok) {
      const resent = await send(again.value);
      if (outOfBudget(resent)) return moved;
      outcome = spanning(outcome, resent);
    } else {
      refreshProblem = `getting a new token after the 401 failed: ${again.problem}`;
    }
  }
  const ok = outcome.result.kind === 'response' && isSuccessStatus(outcome.result.status);
  const error = outcome.result.kind === 'error' ? outcome.result.message : ok ? null : describeStatus(outcome.result.status);
  return {
    report: {
      ...base, startedAt: outcome.startedAt, durationMs: outcome.durationMs, statusCode: outcome.statusCode,
      error: refreshProblem ? `${error}; ${refreshProblem}` : error,
      responseBody: outcome.responseBody, result: outcome.result, final: false, request: outcome.request,
    },
    verdict: verdictOf(outcome.result),
  };
}

/** An attempt sent twice (a 401, then a new token): the second send's outcome, timed from the first. */
function spanning(first: SendOutcome, second: SendOutcome): SendOutcome {
  return { ...second, startedAt: first.startedAt, durationMs: second.startedAt + second.durationMs - first.startedAt };
}

function attemptRecord(account: string, lane: AttemptRecord['lane'], order: SendOrder, report: AttemptReport, verdict: AttemptVerdict): AttemptRecord {
  return {
    ...verdict, accountId: account, automationId: order.automationId, deliveryId: order.id, destination: order.destination, lane,
    attempt: report.attempt, scheduleAttempt: report.attemptNumber, statusCode: report.statusCode, durationMs: report.durationMs,
  };
}

/** The body to send: the rendered template, or the operations webhook's payload as built. */
function renderBody(config: Config, order: SendOrder, eventValues: EventValues): { body: string; contentType: string; callId: string | null } | { problem: string } {
  if (order.raw) return { body: order.eventData, contentType: 'application/json', callId: null };
  try {
    const template = compileTemplate(order.body, order.format);
    // Redacted fields never reach the body, so neither the receiver nor its echo in the log sees them.
    const values = redactValues(eventValues.of(order.eventData), order.redact);
    // The call id (for ce-subject) as redacted, like every value that leaves.
    return { body: template.render(values, config.maxBodyBytes), contentType: template.contentType, callId: values.call_id ?? null };
  } catch (error) {
    if (error instanceof RenderedBodyTooLarge) return { problem: `${error.message} (MAX_BODY_BYTES) with this event's values` };
    if (error instanceof ValueNotRenderable) return { problem: `the body could not be rendered: ${error.message}` };
    if (error instanceof RenderedXmlNotWellFormed) return { problem: `${error.message} with this event's values; nothing was sent` };
    return { problem: `the body template could not be rendered: ${(error as Error).message}` };
  }
}

/**
 * An event's text values, converted once per batch: one event fans out to every matching
 * automation, so a batch often holds many deliveries of the same event data. Lives as long as
 * its batch; keyed by the data itself. Rendering only reads the values (redaction copies).
 */
class EventValues {
  private readonly converted = new Map<string, TemplateValues>();

  of(eventData: string): TemplateValues {
    let values = this.converted.get(eventData);
    if (values === undefined) {
      values = toTemplateValues(parseEventData(eventData));
      this.converted.set(eventData, values);
    }
    return values;
  }
}

function parseEventData(text: string): Record<string, unknown> {
  const data = JSON.parse(text) as unknown;
  return typeof data === 'object' && data !== null && !Array.isArray(data) ? (data as Record<string, unknown>) : {};
}
