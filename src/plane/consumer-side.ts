/**
 * The queue consumer's side of the account object: claiming a batch's deliveries for sending,
 * taking back their attempts, and closing what the dead-letter queue gave up on. The decisions
 * are the domain's (delivery-lifecycle, attempt-outcome); this module reads what they need.
 */
import { attemptOutcome, movedToSlowLane } from '../domain/attempt-outcome';
import type { Effect } from '../domain/delivery-effects';
import { claim, closeUnsent, DEAD_LETTER_REASON, leased, mayGiveUp, mayReport, released } from '../domain/delivery-lifecycle';
import { fastLaneBudgetMs, rateAdmits, rateAfterSend, stateOf } from '../domain/destination-gate';
import { viewOf } from '../domain/gate-pair';
import { RATE_HORIZON_MS } from '../domain/dispatch-decision';
import { conditionOf, type AccountConfig } from './account-config';
import { sentEventsOf } from './echoes';
import { gateFor } from './gate-object';
import type { BatchReport, ClaimAnswer, ClaimItem } from './protocol';
import type { PlaneRuntime } from './runtime';
import { getDeliveryRow, getDeliveryRows, lifecycleOf, type DeliveryRow } from './store/deliveries';
import { tokenFingerprint, tokenUsableUntil } from '../domain/oauth-token';
import { saveToken, usableToken } from './store/access-tokens';
import { getEvent } from './store/events';
import { loadHealth } from './store/gates';
import { openNoticesOf } from './store/notices';
import { leasedTo, leasedToAutomations } from './store/schedule';

/**
 * A send time taken across partitions is at least this far ahead of the claim, so the consumer
 * has rendered and signed the request by then and sends it on time, not late into the next
 * one's interval.
 */
const SEND_LEAD_MS = 250;

/** The lease outlives the consumer's hold, so only a crashed consumer's lease ever runs out. */
const LEASE_MARGIN_MS = 15_000;
/** The longest hold a consumer may ask for (a full batch at the longest timeout, lane by lane). */
const MAX_HOLD_MS = 30 * 60_000;

/**
 * Claims a batch's deliveries for sending: one call per account per consumer batch. `holdMs`:
 * how long the consumer may hold them before it reports (its batch waits for free lanes); the
 * lease covers that plus a margin, so it runs out only if the consumer died.
 */
export async function claimBatch(rt: PlaneRuntime, items: ClaimItem[], holdMs: number): Promise<ClaimAnswer[]> {
  const config = await rt.loadConfig();
  const settings = rt.settings;
  const now = rt.now();
  const rows = getDeliveryRows(rt.sql, items.map((i) => i.id));
  const shared = await sharedSendTimes(rt, config, [...rows.values()]);
  const seen = new Set<string>();
  let changed = false;
  const { result: answers } = await rt.transact((apply) =>
    items.map((item): ClaimAnswer => {
      const row = rows.get(item.id);
      // A copy of a message earlier in the same batch: the first carrying the current token
      // decides (a stale copy may come first, and must not shadow the current one).
      if (!row || seen.has(item.id) || (row.dispatch_token !== item.token && items.some((i) => i.id === item.id && i.token === row.dispatch_token))) {
        return { id: item.id, send: null };
      }
      seen.add(item.id);
      const automation = config.automations.get(row.automation_id);
      const { gates, keys } = rt.gatesOf(config, automation, row.destination);
      // A probe goes alone (to the origin or to the endpoint, whichever is probed); a pause that
      // began after dispatch holds the delivery back, but not a test send (see dispatch-decision.ts).
      // A rate limit shared by partitions gave this batch its send times; otherwise the object paces.
      const probeAlone = (stateOf(gates.origin, now) !== 'probing' || leasedTo(rt.sql, keys.origin, now) === 0)
        && (stateOf(gates.endpoint, now) !== 'probing' || leasedToAutomations(rt.sql, keys.endpointAutomations, now) === 0);
      const times = automation ? shared.get(automation.id) : undefined;
      const paced = automation?.ratePerSecond && !times ? rt.pacing.get(automation.id) : undefined;
      const gateAdmits = (row.is_test === 1 || (viewOf(gates, now).state !== 'paused' && probeAlone))
        && (times ? times.length > 0 : rateAdmits(paced, now + RATE_HORIZON_MS));
      const delivery = lifecycleOf(row);
      const decision = claim(delivery, {
        token: item.token, now, condition: conditionOf(config, automation), gateAdmits,
        schedule: settings.retrySchedule, leaseMs: Math.min(Math.max(holdMs, settings.deliveryTimeoutMs), MAX_HOLD_MS) + LEASE_MARGIN_MS,
      });
      if (decision.kind === 'drop') return { id: item.id, send: null };
      if (decision.kind !== 'send') {
        // Closed or handed back: deliveries behind it may go now.
        changed = true;
        apply(decision.kind === 'defer' ? released(row.id) : closeUnsent(delivery, decision.kind, decision.reason, now));
        return { id: item.id, send: null };
      }
      const a = automation!;
      const effects: Effect[] = leased(delivery, decision.leaseUntil, now);
      let notBefore: number | null = null;
      if (times) {
        notBefore = Math.max(times.shift()!, now);
      } else if (a.ratePerSecond !== null) {
        notBefore = Math.max(paced ?? now, now);
        effects.push({ kind: 'pace', automationId: a.id, at: rateAfterSend(paced, now, a.ratePerSecond) });
      }
      apply(effects);
      const event = getEvent(rt.sql, row.event_id);
      const oauth = a.auth?.view.type === 'oauth2_client_credentials' ? a.auth.view : null;
      return {
        id: item.id,
        send: {
          id: row.id, token: item.token, attempt: row.attempt_count + 1, attemptNumber: decision.attemptNumber,
          destination: a.destination, automationId: a.id, url: a.url, format: a.format, body: a.body, headers: a.headers,
          secretCiphertext: a.secretCiphertext, eventData: event?.data ?? '{}',
          previousSecrets: a.previousSecrets, notBefore, raw: a.raw, redact: a.redact, fastLaneBudgetMs: fastLaneBudgetMs(gates.origin),
          auth: a.auth, envelope: a.envelope, trigger: event?.type ?? a.trigger, occurredAt: event?.occurred_at ?? now,
          accessToken: oauth ? usableToken(rt.sql, a.id, tokenFingerprint(oauth, a.auth!.secretCiphertext), now) : null,
        },
      };
    }),
  );
  if (changed) rt.kick();
  return answers;
}

/**
 * Keeps the access token a consumer got for an automation's auth, for every consumer after it:
 * until 60 s before it expires, by this object's clock. Returns until when (null: not kept).
 */
export function keepAccessToken(rt: PlaneRuntime, automationId: string, fingerprint: string, tokenCiphertext: string, expiresInS: number): number | null {
  const until = tokenUsableUntil(rt.now(), expiresInS);
  saveToken(rt.sql, automationId, fingerprint, tokenCiphertext, until);
  return until;
}

/**
 * With several partitions, a rate-limited automation is paced for the account as a whole by
 * its destination's gate: the batch takes send times for its deliveries there, one interval
 * apart after every other partition's (those beyond the horizon are handed back, as the
 * object's own pace would). Empty with one partition.
 */
async function sharedSendTimes(rt: PlaneRuntime, config: AccountConfig, rows: DeliveryRow[]): Promise<Map<string, number[]>> {
  const times = new Map<string, number[]>();
  if (config.partitions <= 1) return times;
  const wanted = new Map<string, number>();
  for (const row of rows) if (config.automations.get(row.automation_id)?.ratePerSecond) wanted.set(row.automation_id, (wanted.get(row.automation_id) ?? 0) + 1);
  await Promise.all([...wanted].map(async ([automationId, want]) => {
    const a = config.automations.get(automationId)!;
    const paced = await gateFor(rt.env, rt.bound(), a.destination).pace(automationId, a.ratePerSecond!, want, RATE_HORIZON_MS, SEND_LEAD_MS);
    times.set(automationId, paced.times);
  }));
  return times;
}

/**
 * Records a batch's attempts and outcomes, updates the gates, and dispatches what is now free.
 * Returns whether an automation was turned off (its waiting deliveries are then cancelled).
 */
export async function reportBatch(rt: PlaneRuntime, reports: BatchReport[]): Promise<boolean> {
  const settings = rt.settings;
  const config = await rt.loadConfig();
  const now = rt.now();
  const disabled = new Set<string>();
  const sent = await sentEventsOf(rt, config, reports);
  const outcome = await rt.transact((apply) => {
    // Loop protection: requests that carried events of their own trigger, and any echo already back.
    for (const s of sent) {
      const effects = rt.echoes.sentEvents(s, now);
      for (const e of effects) if (e.kind === 'disable_automation') disabled.add(e.automationId);
      apply(effects);
    }
    for (const r of reports) {
      const row = getDeliveryRow(rt.sql, r.id);
      if (!row || !mayReport(lifecycleOf(row), r.token)) continue;
      const automation = config.automations.get(row.automation_id);
      if ('moved' in r) {
        const origin = automation?.destination ?? row.destination;
        apply(movedToSlowLane(lifecycleOf(row), { key: origin, gate: rt.gate(origin) }, now));
        continue;
      }
      const effects = attemptOutcome({
        delivery: lifecycleOf(row), report: r, automation: automation ? { raw: automation.raw } : null,
        ...rt.gatesOf(config, automation, row.destination), health: loadHealth(rt.sql, row.automation_id),
        openNotices: openNoticesOf(rt.sql, row.id), alreadyDisabled: disabled.has(row.automation_id),
        schedule: settings.retrySchedule, autoDisableAfterMs: settings.autoDisableAfterMs, now, random: rt.random,
      });
      for (const e of effects) if (e.kind === 'disable_automation') disabled.add(e.automationId);
      apply(effects);
    }
  });
  if (!outcome.disabled) rt.kick();
  return outcome.disabled;
}

/** Messages the consumer kept failing on: their deliveries are closed as failed. */
export async function closeDeadLettered(rt: PlaneRuntime, ids: string[]): Promise<number> {
  const now = rt.now();
  const { result } = await rt.transact((apply) => {
    let closed = 0;
    for (const row of getDeliveryRows(rt.sql, ids).values()) {
      const delivery = lifecycleOf(row);
      if (!mayGiveUp(delivery, now)) continue;
      apply(closeUnsent(delivery, 'give_up', DEAD_LETTER_REASON, now));
      closed++;
    }
    return closed;
  });
  return result;
}
