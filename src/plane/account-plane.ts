/**
 * One Durable Object per account (`idFromName(account_id)`): the account's events,
 * deliveries and attempts in its own SQLite database, its scheduling (the alarm wakes it when
 * a delivery or retry falls due) and its destination gates. It hands deliveries to the queues
 * only when they may be sent now, and the consumer claims from and reports back to it. The
 * rules are in src/domain (delivery-lifecycle, destination-gate); this class carries them out.
 */
import { DurableObject } from 'cloudflare:workers';
import { getConfig } from '../config';
import { newId } from '../crypto/ids';
import { disableAutomation, setFailingSince } from '../db/automations';
import { disabledCause, healthy, observeAttempt } from '../domain/automation-health';
import { disabledReasonText, type DisabledCause } from '../domain/disabled-reason';
import type { Page } from '../db/rows';
import {
  afterAttempt,
  cancellationFor,
  claim,
  DEAD_LETTER_REASON,
  mayGiveUp,
  reopen,
} from '../domain/delivery-lifecycle';
import {
  destinationOf,
  laneFor,
  MAX_CONCURRENCY_LIMIT,
  newGate,
  observationOf,
  observe,
  rateAdmits,
  rateAfterSend,
  stateOf,
  type Gate,
  type Lane,
} from '../domain/destination-gate';
import { decideDispatch, RATE_HORIZON_MS } from '../domain/dispatch-decision';
import { orderOf } from '../domain/ordering';
import { HOUR_MS, summarize, windowStart, WINDOWS, type StatsWindow, type WindowStats } from '../domain/delivery-stats';
import { boundedRequest } from '../domain/sent-request';
import type { Env } from '../env';
import { CONFIG_TTL_MS, conditionOf, loadAccountConfig, operationsId, type AccountConfig } from './account-config';
import type { AttemptReport, ClaimAnswer, ClaimItem, DeliveryMessage, DestinationView } from './protocol';
import { recordNotice, type NewNotice } from './notices';
import { migrate, rememberAccount, storedAccount } from './schema';
import type { Notice } from './store';
import * as store from './store';

/** The lease outlives the consumer's hold, so only a crashed consumer's lease ever runs out. */
const LEASE_MARGIN_MS = 15_000;
/** The longest hold a consumer may ask for (a full batch at the longest timeout, lane by lane). */
const MAX_HOLD_MS = 30 * 60_000;
/** A queue message not claimed this long after it was sent is sent again (same token). */
export const REDISPATCH_AFTER_MS = 30_000;
/** While due deliveries wait for a destination's free slot, look again at least this often. */
const BLOCKED_RECHECK_MS = 10_000;
const PURGE_EVERY_MS = 3_600_000;
/** Rows of each kind one purge pass deletes, so a pass stays short. */
export const PURGE_LIMIT = 2_000;
/** A pass that hit PURGE_LIMIT left more behind: the next one comes this soon, not in an hour. */
export const PURGE_AGAIN_MS = 10_000;
const DISPATCH_LIMIT = 1_000;
const SEND_BATCH_LIMIT = 100;

export interface IngestInput {
  id: string;
  type: string;
  occurredAt: number;
  data: string;
  receivedAt: number;
}

export type ReopenResult = { reopened: store.Delivery } | { notFound: true } | { conflict: string };

/** Most failed deliveries one recovery call reopens; the answer says when there are more. */
export const RECOVER_LIMIT = 10_000;
/** How far back a recovery may reach (the API refuses an older `since`; the console offers no earlier time). */
export const RECOVER_MAX_DAYS = 14;

export type ReplayResult =
  | { replayed: string[] }
  | { notFound: true }
  | { invalid: { path: string; message: string }[] };

export class AccountPlane extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  private accountId: string | null;
  private config: AccountConfig | null = null;
  private configLoad: Promise<AccountConfig> | null = null;
  private readonly gates: Map<string, Gate>;
  /** Rate-limit pacing per automation (theoretical arrival time); a restart just resets it. */
  private readonly pacing = new Map<string, number>();
  private dispatching: Promise<void> | null = null;
  private dispatchAgain = false;
  private lastPurgeAt = 0;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    migrate(ctx.storage);
    this.sql = ctx.storage.sql;
    this.accountId = storedAccount(this.sql);
    this.gates = store.loadGates(this.sql);
  }

  // ---- ingestion ------------------------------------------------------------------------

  /** Stores the event and one delivery per matching enabled automation, in one transaction. */
  async ingest(accountId: string, event: IngestInput): Promise<{ duplicate: boolean; deliveryIds: string[] }> {
    this.bind(accountId);
    const config = await this.loadConfig();
    const matching = config.integrationEnabled
      ? [...config.automations.values()].filter((a) => a.enabled && a.trigger === event.type)
      : [];
    const now = event.receivedAt;
    const ids = this.ctx.storage.transactionSync(() => {
      const keys = store.insertEvent(this.sql, { ...event, isTest: false });
      if (!keys) return null;
      return matching.map((automation) => {
        const id = newId('dlv', now);
        store.insertDelivery(this.sql, {
          id, automationId: automation.id, eventId: event.id, destination: automation.destination, isTest: false, now,
          ...orderOf(automation.orderBy, keys, event.occurredAt, now),
        });
        return id;
      });
    });
    if (ids === null) return { duplicate: true, deliveryIds: [] };
    if (ids.length > 0) this.kick();
    return { duplicate: false, deliveryIds: ids };
  }

  /** A test delivery: a synthetic event marked as a test, sent even if the automation is off. */
  async sendTest(accountId: string, input: { automationId: string; type: string; data: string }): Promise<string | null> {
    this.bind(accountId);
    const config = await this.loadConfig(true);
    const automation = config.automations.get(input.automationId);
    if (!automation) return null;
    const now = Date.now();
    const eventId = newId('evt', now);
    const id = newId('dlv', now);
    this.ctx.storage.transactionSync(() => {
      store.insertEvent(this.sql, { id: eventId, type: input.type, occurredAt: now, data: input.data, isTest: true, receivedAt: now });
      store.insertDelivery(this.sql, { id, automationId: automation.id, eventId, destination: automation.destination, isTest: true, now });
    });
    this.kick();
    return id;
  }

  // ---- the delivery log -----------------------------------------------------------------

  listDeliveries(accountId: string, filter: store.DeliveryFilter): store.DeliveryPage {
    this.bind(accountId);
    return store.listDeliveries(this.sql, filter);
  }

  getDelivery(accountId: string, id: string): (store.Delivery & { attempts: store.Attempt[] }) | null {
    this.bind(accountId);
    const row = store.getDeliveryRow(this.sql, id);
    return row ? { ...store.toDelivery(row), attempts: store.getAttempts(this.sql, id) } : null;
  }

  lastDeliveries(accountId: string, automationIds: string[]) {
    this.bind(accountId);
    return store.lastDeliveries(this.sql, automationIds);
  }

  responseSnippets(accountId: string, deliveryIds: string[], chars: number): Record<string, string> {
    this.bind(accountId);
    return store.latestResponseSnippets(this.sql, deliveryIds, chars);
  }

  async retryDelivery(accountId: string, id: string): Promise<ReopenResult> {
    this.bind(accountId);
    const row = store.getDeliveryRow(this.sql, id);
    if (!row) return { notFound: true };
    const config = await this.loadConfig();
    const decision = reopen(store.lifecycleOf(row), conditionOf(config, config.automations.get(row.automation_id)));
    if (decision.kind === 'conflict') return { conflict: decision.message };
    store.reopenRow(this.sql, id, Date.now());
    this.kick();
    return { reopened: store.toDelivery(store.getDeliveryRow(this.sql, id)!) };
  }

  /**
   * Recovery: reopens (as a manual retry does, same webhook-id and a fresh schedule) every
   * failed delivery of the automation created in [since, until), oldest first, at most
   * RECOVER_LIMIT per call; `more` says whether older ones are left beyond that.
   */
  async recover(accountId: string, automationId: string, since: number, until: number): Promise<{ recovered: number; more: boolean; next_since: string | null } | { conflict: string }> {
    this.bind(accountId);
    const config = await this.loadConfig();
    const automation = config.automations.get(automationId);
    const reason = cancellationFor(conditionOf(config, automation), false);
    if (reason) return { conflict: `Nothing can be resent: ${reason.replace(' before the delivery ran', '')}` };
    const rows = store.failedBetween(this.sql, automationId, since, until, RECOVER_LIMIT + 1);
    const chosen = rows.slice(0, RECOVER_LIMIT);
    const now = Date.now();
    this.ctx.storage.transactionSync(() => {
      for (const row of chosen) store.reopenRow(this.sql, row.id, now);
    });
    if (chosen.length > 0) this.kick();
    const more = rows.length > RECOVER_LIMIT;
    return { recovered: chosen.length, more, next_since: more ? new Date(rows[RECOVER_LIMIT]!.created_at).toISOString() : null };
  }

  /**
   * Replay: sends a stored event again, as new deliveries marked as replays, to every enabled
   * automation of its trigger, or to the given ones (which must be of that trigger and on).
   */
  async replay(accountId: string, eventId: string, automationIds: string[] | null): Promise<ReplayResult> {
    this.bind(accountId);
    const event = store.getEvent(this.sql, eventId);
    if (!event || event.is_test === 1) return { notFound: true };
    const config = await this.loadConfig();
    if (!config.integrationEnabled) return { invalid: [{ path: '', message: 'HTTP Notifier is turned off for this account' }] };
    let targets = [...config.automations.values()].filter((a) => a.enabled && a.trigger === event.type);
    if (automationIds) {
      const problems = automationIds.flatMap((id, i) => {
        const a = config.automations.get(id);
        if (!a) return [{ path: `automation_ids.${i}`, message: `no automation "${id}" in this account` }];
        if (a.trigger !== event.type) return [{ path: `automation_ids.${i}`, message: `automation "${id}" is for ${a.trigger}, not ${event.type}` }];
        if (!a.enabled) return [{ path: `automation_ids.${i}`, message: `automation "${id}" is turned off` }];
        return [];
      });
      if (problems.length > 0) return { invalid: problems };
      const wanted = new Set(automationIds);
      targets = targets.filter((a) => wanted.has(a.id));
    }
    const now = Date.now();
    const ids = this.ctx.storage.transactionSync(() =>
      targets.map((automation) => {
        const id = newId('dlv', now);
        store.insertDelivery(this.sql, { id, automationId: automation.id, eventId, destination: automation.destination, isTest: false, replay: true, now });
        return id;
      }),
    );
    if (ids.length > 0) this.kick();
    return { replayed: ids };
  }

  // ---- control-plane changes ------------------------------------------------------------

  /**
   * Called by the API after every change to the account's automations or integration switch:
   * reloads the cached copy, cancels waiting deliveries that may no longer be sent, and moves
   * waiting deliveries to a changed target's destination.
   */
  async automationsChanged(accountId: string): Promise<void> {
    this.bind(accountId);
    const config = await this.loadConfig(true);
    const now = Date.now();
    const open = store.idleOpenDeliveries(this.sql);
    this.ctx.storage.transactionSync(() => {
      for (const row of open) {
        const automation = config.automations.get(row.automation_id);
        const reason = cancellationFor(conditionOf(config, automation), row.is_test === 1);
        if (reason) store.settle(this.sql, row.id, { status: 'cancelled', lastError: reason, nextAttemptAt: null }, now);
      }
      // Only automations with waiting deliveries have anything to move or release.
      for (const id of new Set(open.map((row) => row.automation_id))) {
        const automation = config.automations.get(id);
        if (!automation) continue;
        store.moveWaiting(this.sql, automation.id, automation.destination);
        if (automation.orderBy === null) store.releaseAutomation(this.sql, automation.id);
      }
    });
    this.kick();
  }

  /** The state of each URL's destination (the gate in front of its origin). */
  destinations(accountId: string, urls: string[]): Record<string, DestinationView> {
    this.bind(accountId);
    const inFlight = store.inFlightByDestination(this.sql);
    return Object.fromEntries(urls.map((url) => [url, this.destinationView(destinationOf(url), inFlight)]));
  }

  destination(accountId: string, url: string): DestinationView {
    this.bind(accountId);
    return this.destinationView(destinationOf(url), store.inFlightByDestination(this.sql));
  }

  private destinationView(origin: string, inFlight: Map<string, number>): DestinationView {
    const gate = this.gates.get(origin) ?? newGate();
    const state = stateOf(gate, Date.now());
    return {
      state,
      ...(state === 'paused' && gate.pausedUntil !== null ? { until: new Date(gate.pausedUntil).toISOString() } : {}),
      ...(state !== 'ok' && gate.reason ? { reason: gate.reason } : {}),
      in_flight: inFlight.get(origin) ?? 0,
    };
  }

  usage(accountId: string): { events_stored: number; deliveries_stored: number; open_deliveries: number; storage_bytes: number } {
    this.bind(accountId);
    const counts = store.usageCounts(this.sql);
    return {
      events_stored: counts.events,
      deliveries_stored: counts.deliveries,
      open_deliveries: counts.open_deliveries,
      storage_bytes: this.ctx.storage.sql.databaseSize,
    };
  }

  /**
   * Health over a window from the hourly rollups (one automation, or the whole account without
   * the operations webhook); test sends are never counted.
   */
  stats(accountId: string, window: StatsWindow, automationId: string | null): WindowStats {
    this.bind(accountId);
    const now = Date.now();
    const exclude = operationsId(accountId);
    const hours = store.statsHours(this.sql, automationId, windowStart(window, now), exclude);
    return summarize(window, hours, store.openCount(this.sql, automationId, exclude), now);
  }

  // ---- the consumer's side --------------------------------------------------------------

  /** Claims a batch's deliveries for sending: one call per account per consumer batch. */
  /**
   * `holdMs`: how long the consumer may hold these deliveries before it reports (its batch
   * waits for free lanes); the lease covers that plus a margin, so it runs out only if the
   * consumer died.
   */
  async claim(accountId: string, items: ClaimItem[], holdMs = 0): Promise<ClaimAnswer[]> {
    this.bind(accountId);
    const config = await this.loadConfig();
    const settings = getConfig(this.env);
    const now = Date.now();
    const rows = store.getDeliveryRows(this.sql, items.map((i) => i.id));
    const seen = new Set<string>();
    let changed = false;
    const answers = this.ctx.storage.transactionSync(() =>
      items.map((item): ClaimAnswer => {
        const row = rows.get(item.id);
        // A copy of a message earlier in the same batch: the first one decides.
        if (!row || seen.has(item.id)) return { id: item.id, send: null };
        seen.add(item.id);
        const automation = config.automations.get(row.automation_id);
        const gate = this.gate(automation?.destination ?? row.destination);
        const state = stateOf(gate, now);
        // A probe goes alone; a pause that began after dispatch holds the delivery back.
        const paced = automation?.ratePerSecond ? this.pacing.get(automation.id) : undefined;
        const gateAdmits = (state === 'ok' || (state === 'probing' && this.leasedTo(row.destination, now) === 0))
          && rateAdmits(paced, now + RATE_HORIZON_MS);
        const decision = claim(store.lifecycleOf(row), {
          token: item.token, now, condition: conditionOf(config, automation), gateAdmits,
          schedule: settings.retrySchedule, leaseMs: Math.min(Math.max(holdMs, settings.deliveryTimeoutMs), MAX_HOLD_MS) + LEASE_MARGIN_MS,
        });
        switch (decision.kind) {
          case 'drop':
            return { id: item.id, send: null };
          case 'cancel':
          case 'give_up':
            changed = true;
            store.settle(this.sql, row.id, { status: decision.kind === 'cancel' ? 'cancelled' : 'failed', lastError: decision.reason, nextAttemptAt: null }, now);
            return { id: item.id, send: null };
          case 'defer':
            changed = true;
            store.clearDispatch(this.sql, row.id);
            return { id: item.id, send: null };
          case 'send': {
            store.leaseForSend(this.sql, row.id, decision.leaseUntil, now);
            let notBefore: number | null = null;
            if (automation!.ratePerSecond !== null) {
              notBefore = Math.max(paced ?? now, now);
              this.pacing.set(automation!.id, rateAfterSend(paced, now, automation!.ratePerSecond));
            }
            return {
              id: item.id,
              send: {
                id: row.id, token: item.token, attempt: row.attempt_count + 1, attemptNumber: decision.attemptNumber,
                destination: automation!.destination, automationId: automation!.id, url: automation!.url,
                format: automation!.format, body: automation!.body, headers: automation!.headers,
                secretCiphertext: automation!.secretCiphertext, eventData: store.eventData(this.sql, row.event_id) ?? '{}',
                previousSecrets: automation!.previousSecrets,
                notBefore,
                raw: automation!.raw,
                redact: automation!.redact,
              },
            };
          }
        }
      }),
    );
    if (changed) this.kick();
    return answers;
  }

  /** Records a batch's attempts and outcomes, updates the gates, and dispatches what is now free. */
  async report(accountId: string, reports: AttemptReport[]): Promise<void> {
    this.bind(accountId);
    const settings = getConfig(this.env);
    const config = await this.loadConfig();
    const now = Date.now();
    const disable: { automationId: string; reason: string }[] = [];
    const failing: { automationId: string; since: number | null }[] = [];
    this.ctx.storage.transactionSync(() => {
      for (const r of reports) {
        const row = store.getDeliveryRow(this.sql, r.id);
        // Only the consumer holding the current lease may record (a late duplicate may not).
        if (!row || row.dispatch_token !== r.token || row.lease_until === null) continue;
        const outcome = afterAttempt(store.lifecycleOf(row), r.attemptNumber, r.result, settings.retrySchedule, now, r.final);
        store.insertAttempt(this.sql, {
          deliveryId: r.id, attempt: r.attempt, startedAt: r.startedAt, durationMs: r.durationMs,
          statusCode: r.statusCode, error: r.error, responseBody: r.responseBody,
          // Bounded here too: the object keeps its log small whatever a consumer reports.
          request: r.request ? boundedRequest(r.request) : null,
        });
        if (row.is_test === 0 && !config.automations.get(row.automation_id)?.raw) {
          store.countAttempt(this.sql, row.automation_id, r.startedAt, outcome.status !== 'succeeded', r.request ? r.durationMs : null);
        }
        const lastError = outcome.status === 'failed' && outcome.reason ? [r.error, outcome.reason].filter(Boolean).join('; ') : r.error;
        store.settle(this.sql, r.id, {
          status: outcome.status, lastStatusCode: r.statusCode, lastError,
          nextAttemptAt: outcome.status === 'retrying' ? outcome.nextAttemptAt : null,
        }, now);
        if (!r.final) {
          const gate = observe(this.gate(row.destination), observationOf(r.result, r.durationMs, now), now);
          this.gates.set(row.destination, gate);
          store.saveGate(this.sql, row.destination, gate);
        }
        // Test sends and the operations webhook itself say nothing about an automation's health.
        const automation = config.automations.get(row.automation_id);
        if (row.is_test === 1 || !automation || automation.raw) continue;
        const notice = (type: NewNotice['type'], message: string) =>
          recordNotice(this.sql, config, this.bound(), { type, automationId: row.automation_id, deliveryId: row.id, message }, now);
        if (outcome.status === 'failed' && outcome.disableAutomation) {
          const cause: DisabledCause = { kind: 'gone', at: new Date(now).toISOString(), deliveryId: row.id };
          disable.push({ automationId: row.automation_id, reason: disabledReasonText(cause) });
          // The notice links its delivery itself.
          notice('automation.disabled', `${disabledReasonText(cause, { delivery: false })}.`);
        } else if (outcome.status === 'failed') {
          notice('delivery.exhausted', `Every attempt failed; the last: ${lastError ?? 'unknown error'}.`);
        } else if (outcome.status === 'succeeded' && row.attempt_count - row.attempt_base > 1) {
          notice('delivery.recovered', `Delivered on attempt ${row.attempt_count - row.attempt_base} after earlier failures.`);
        }
        const observed = observeAttempt(store.loadHealth(this.sql, row.automation_id), outcome.status === 'succeeded', now, settings.autoDisableAfterMs);
        store.saveHealth(this.sql, row.automation_id, observed.health);
        for (const change of observed.changes) {
          if (change === 'failing') {
            failing.push({ automationId: row.automation_id, since: observed.health.streakStartedAt });
            notice('automation.failing', `Every delivery attempt has failed since ${new Date(observed.health.streakStartedAt!).toISOString()}.`);
          } else if (change === 'recovered') {
            failing.push({ automationId: row.automation_id, since: null });
          } else if (!disable.some((d) => d.automationId === row.automation_id)) {
            const reason = disabledReasonText(disabledCause(observed.health, now));
            disable.push({ automationId: row.automation_id, reason });
            store.saveHealth(this.sql, row.automation_id, healthy());
            notice('automation.disabled', `${reason}.`);
          }
        }
      }
    });
    for (const f of failing) await setFailingSince(this.env.DB, this.bound(), f.automationId, f.since);
    if (disable.length > 0) {
      for (const d of disable) await disableAutomation(this.env.DB, this.bound(), d.automationId, d.reason, now);
      await this.automationsChanged(this.bound());
    } else {
      this.kick();
    }
  }

  /** Notices, newest first (the console's list; the operations webhook gets each as it happens). */
  notices(accountId: string, limit: number, cursor?: string): Page<Notice> {
    this.bind(accountId);
    return store.listNotices(this.sql, limit, cursor);
  }

  /** Messages the consumer kept failing on: their deliveries are closed as failed. */
  deadLettered(accountId: string, ids: string[]): number {
    this.bind(accountId);
    const now = Date.now();
    let closed = 0;
    this.ctx.storage.transactionSync(() => {
      for (const row of store.getDeliveryRows(this.sql, ids).values()) {
        if (!mayGiveUp(store.lifecycleOf(row), now)) continue;
        store.settle(this.sql, row.id, { status: 'failed', lastError: DEAD_LETTER_REASON, nextAttemptAt: null }, now);
        closed++;
      }
    });
    return closed;
  }

  // ---- scheduling -----------------------------------------------------------------------

  override async alarm(): Promise<void> {
    if (!this.accountId) return;
    const now = Date.now();
    const { resend, expired } = store.staleDispatches(this.sql, now, REDISPATCH_AFTER_MS);
    // A lapsed lease means the consumer died mid-send: the attempt is counted, send again.
    for (const id of expired) store.clearDispatch(this.sql, id);
    if (resend.length > 0) {
      const messages = resend.map((row) => {
        store.touchDispatched(this.sql, row.id, now);
        const automation = this.config?.automations.get(row.automation_id);
        return { lane: laneFor(this.gate(row.destination), now, Boolean(automation?.ratePerSecond)), row };
      });
      await this.enqueue(messages.map(({ lane, row }) => ({ lane, message: this.message(row.id, row.dispatch_token!) })));
    }
    if (now - this.lastPurgeAt >= PURGE_EVERY_MS) {
      this.lastPurgeAt = now;
      const cutoff = now - getConfig(this.env).retentionDays * 86_400_000;
      const purged = store.purgeBefore(this.sql, cutoff, PURGE_LIMIT);
      // Stats hours are kept for the longest window (plus a day), whatever the retention.
      store.purgeStats(this.sql, now - (WINDOWS['7d'].hours + 24) * HOUR_MS);
      if (purged.deliveries || purged.events) console.log(JSON.stringify({ msg: 'purged', account_id: this.accountId, ...purged }));
      // 2,000 an hour is less than one event every 2 s: a busy account would outgrow its retention.
      if (purged.deliveries >= PURGE_LIMIT || purged.events >= PURGE_LIMIT) this.lastPurgeAt = now - PURGE_EVERY_MS + PURGE_AGAIN_MS;
    }
    await this.runDispatch();
  }

  /** Starts a dispatch pass soon, coalescing the requests that arrive while one runs. */
  private kick(): void {
    if (this.dispatching) {
      this.dispatchAgain = true;
      return;
    }
    this.dispatching = this.runDispatch().finally(() => {
      this.dispatching = null;
    });
  }

  private async runDispatch(): Promise<void> {
    try {
      let rateWake: number | null = null;
      do {
        this.dispatchAgain = false;
        rateWake = await this.dispatch();
      } while (this.dispatchAgain);
      await this.scheduleAlarm(rateWake);
    } catch (error) {
      console.error(JSON.stringify({ msg: 'dispatch failed; the alarm retries', account_id: this.accountId, error: String(error) }));
      await this.ctx.storage.setAlarm(Date.now() + 5_000);
    }
  }

  /**
   * Hands every due delivery that its destination's gate admits to the queue of its lane.
   * Returns when rate-limited deliveries may next go.
   */
  private async dispatch(): Promise<number | null> {
    const config = await this.loadConfig();
    const schedule = getConfig(this.env).retrySchedule;
    const now = Date.now();
    const due = store.dueDeliveries(this.sql, now, MAX_CONCURRENCY_LIMIT, DISPATCH_LIMIT);
    if (due.length === 0) return null;
    const inFlight = store.inFlightByDestination(this.sql);
    const out: { lane: Lane; message: DeliveryMessage }[] = [];
    let rateWake: number | null = null;
    this.ctx.storage.transactionSync(() => {
      const postponed = new Set<string>();
      for (const row of due) {
        const automation = config.automations.get(row.automation_id);
        const destination = automation?.destination ?? row.destination;
        const decision = decideDispatch({
          condition: conditionOf(config, automation), isTest: row.is_test === 1, openedAt: row.opened_at, schedule, now,
          blocker: automation?.orderBy && row.order_key !== null ? store.earlierOpen(this.sql, row) : null,
          gate: this.gate(destination), inFlight: inFlight.get(destination) ?? 0,
          maxConcurrency: automation?.maxConcurrency ?? 1, ratePerSecond: automation?.ratePerSecond ?? null,
          pacedAt: automation ? this.pacing.get(automation.id) : undefined,
        });
        switch (decision.kind) {
          case 'cancel':
          case 'give_up':
            store.settle(this.sql, row.id, { status: decision.kind === 'cancel' ? 'cancelled' : 'failed', lastError: decision.reason, nextAttemptAt: null }, now);
            this.dispatchAgain = true; // deliveries that waited for it may go now
            break;
          case 'wait_for':
            store.waitFor(this.sql, row.id, decision.blocker);
            break;
          case 'postpone':
            // Waiting out a pause uses no attempt: the destination's deliveries are simply due later.
            if (!postponed.has(destination)) store.postponeDestination(this.sql, destination, decision.until, now);
            postponed.add(destination);
            break;
          case 'hold':
            break; // a report that frees a slot dispatches again
          case 'pace':
            rateWake = Math.min(rateWake ?? Infinity, decision.wakeAt);
            break;
          case 'send': {
            const token = crypto.randomUUID();
            store.markDispatched(this.sql, row.id, token, destination, decision.lane, now);
            inFlight.set(destination, (inFlight.get(destination) ?? 0) + 1);
            out.push({ lane: decision.lane, message: this.message(row.id, token) });
          }
        }
      }
    });
    if (out.length > 0) await this.enqueue(out);
    if (due.length === DISPATCH_LIMIT) this.dispatchAgain = true;
    return rateWake;
  }

  private async enqueue(items: { lane: Lane; message: DeliveryMessage }[]): Promise<void> {
    for (const lane of ['fast', 'slow'] as const) {
      const messages = items.filter((i) => i.lane === lane).map((i) => i.message);
      const queue = lane === 'fast' ? this.env.DELIVERY_QUEUE : this.env.SLOW_DELIVERY_QUEUE;
      for (let i = 0; i < messages.length; i += SEND_BATCH_LIMIT) {
        const chunk = messages.slice(i, i + SEND_BATCH_LIMIT);
        try {
          await queue.sendBatch(chunk.map((body) => ({ body })));
        } catch (error) {
          // Not sent: release them so the next pass (the alarm, within seconds) tries again.
          console.error(JSON.stringify({ msg: 'enqueue failed; retrying soon', account_id: this.accountId, count: chunk.length, error: String(error) }));
          for (const m of chunk) store.clearDispatch(this.sql, m.delivery_id);
          await this.ctx.storage.setAlarm(Date.now() + 5_000);
        }
      }
    }
  }

  /** Sets the alarm to the earliest moment something needs doing. */
  private async scheduleAlarm(rateWake: number | null): Promise<void> {
    const now = Date.now();
    const nextDue = store.nextDueAt(this.sql);
    const times = [
      // Due deliveries still here are waiting for a free slot: a report wakes them sooner.
      nextDue === null ? null : nextDue > now ? nextDue : now + BLOCKED_RECHECK_MS,
      rateWake,
      store.nextDispatchCheckAt(this.sql, REDISPATCH_AFTER_MS),
      store.hasRows(this.sql) ? Math.max(now, this.lastPurgeAt + PURGE_EVERY_MS) : null,
    ].filter((t): t is number => t !== null);
    if (times.length === 0) return;
    const wanted = Math.min(...times);
    const current = await this.ctx.storage.getAlarm();
    if (current === null || current > wanted || current < now) await this.ctx.storage.setAlarm(wanted);
  }

  // ---- helpers --------------------------------------------------------------------------

  private message(deliveryId: string, token: string): DeliveryMessage {
    return { account_id: this.bound(), delivery_id: deliveryId, token };
  }

  private gate(destination: string): Gate {
    return this.gates.get(destination) ?? newGate();
  }

  private leasedTo(destination: string, now: number): number {
    return this.sql
      .exec<{ n: number }>('SELECT count(*) AS n FROM deliveries WHERE destination = ? AND lease_until >= ?', destination, now)
      .one().n;
  }

  private bind(accountId: string): void {
    if (this.accountId === null) {
      rememberAccount(this.sql, accountId);
      this.accountId = accountId;
    } else if (this.accountId !== accountId) {
      throw new Error('this account object belongs to another account');
    }
  }

  private bound(): string {
    if (this.accountId === null) throw new Error('account object used before it knew its account');
    return this.accountId;
  }

  private async loadConfig(force = false): Promise<AccountConfig> {
    const now = Date.now();
    if (!force && this.config && now - this.config.loadedAt < CONFIG_TTL_MS) return this.config;
    if (!force && this.configLoad) return this.configLoad;
    const load = loadAccountConfig(this.env.DB, this.bound(), now).then((config) => {
      this.config = config;
      return config;
    });
    this.configLoad = load;
    try {
      return await load;
    } finally {
      if (this.configLoad === load) this.configLoad = null;
    }
  }
}
