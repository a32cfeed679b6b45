/**
 * The account object's scheduling: dispatch passes that hand due deliveries to the queue lanes
 * their gates allow, and the alarm that wakes the object when something falls due, sends again
 * what a lost message or a crashed consumer left behind, and purges what is past retention.
 * Each delivery's fate is decided in src/domain/dispatch-decision.ts.
 */
import { redispatched, released } from '../domain/delivery-lifecycle';
import { MAX_CONCURRENCY_LIMIT } from '../domain/destination-gate';
import { laneFor } from '../domain/gate-pair';
import { decideDispatch, dispatchEffects } from '../domain/dispatch-decision';
import { HOUR_MS, WINDOWS } from '../domain/delivery-stats';
import { logEvent } from '../observability/log';
import { conditionOf } from './account-config';
import { RETRY_SOON_MS, type PlaneRuntime } from './runtime';
import { SharedCaps } from './shared-caps';
import { getDeliveryRows, lifecycleOf, type DeliveryRow } from './store/deliveries';
import { earlierOpen } from './store/ordering';
import { hasRows, purgeBefore } from './store/retention';
import { dueDeliveries, inFlightByAutomation, inFlightByDestination, nextDispatchCheckAt, nextDueAt, staleDispatches } from './store/schedule';
import { purgeStats } from './store/stats';

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

export class Scheduler {
  private readonly caps: SharedCaps;
  private dispatching: Promise<void> | null = null;
  private dispatchAgain = false;
  private lastPurgeAt = 0;

  constructor(private readonly rt: PlaneRuntime) {
    rt.kick = () => this.kick();
    this.caps = new SharedCaps(rt);
  }

  /** Starts a dispatch pass soon, coalescing the requests that arrive while one runs. */
  kick(): void {
    void this.pass();
  }

  /**
   * Runs dispatch passes, or asks the running one to go again: never two at once, since a pass
   * reads the due deliveries before it writes them (and may wait for gates in between).
   * Resolves when the passes are over.
   */
  private pass(): Promise<void> {
    if (this.dispatching) {
      this.dispatchAgain = true;
      return this.dispatching;
    }
    this.dispatching = this.runDispatch().finally(() => {
      this.dispatching = null;
    });
    return this.dispatching;
  }

  async alarm(): Promise<void> {
    if (!this.rt.accountId) return;
    const rt = this.rt;
    const now = rt.now();
    const { resend, expired } = staleDispatches(rt.sql, now, REDISPATCH_AFTER_MS);
    const config = rt.cachedConfig;
    await rt.transact((apply) => {
      // A lapsed lease means the consumer died mid-send: the attempt is counted, send again.
      for (const row of expired) apply(released(row.id));
      for (const row of resend) {
        const automation = config?.automations.get(row.automation_id);
        const lane = laneFor(rt.gatesOf(config, automation, row.destination).gates, now, Boolean(automation?.ratePerSecond));
        apply(redispatched(row.id, row.dispatch_token!, lane, now));
      }
    });
    if (now - this.lastPurgeAt >= PURGE_EVERY_MS) this.purge(now);
    await this.pass();
  }

  private purge(now: number): void {
    this.lastPurgeAt = now;
    const cutoff = now - this.rt.settings.retentionDays * 86_400_000;
    // An event no automation matched is kept only for a replay soon after (once its automation
    // exists, say), not for the whole retention: with few automations it would be most of the data.
    const unmatchedCutoff = now - this.rt.settings.unmatchedEventRetentionHours * 3_600_000;
    const purged = purgeBefore(this.rt.sql, cutoff, PURGE_LIMIT, unmatchedCutoff);
    // Stats hours are kept for the longest window (plus a day), whatever the retention.
    purgeStats(this.rt.sql, now - (WINDOWS['7d'].hours + 24) * HOUR_MS);
    if (purged.deliveries || purged.events) logEvent('purged', { account_id: this.rt.accountId, ...purged });
    // 2,000 an hour is less than one event every 2 s: a busy account would outgrow its retention.
    if (purged.deliveries >= PURGE_LIMIT || purged.events >= PURGE_LIMIT) this.lastPurgeAt = now - PURGE_EVERY_MS + PURGE_AGAIN_MS;
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
      logEvent('dispatch failed; the alarm retries', { account_id: this.rt.accountId, error: String(error) }, 'error');
      await this.rt.ctx.storage.setAlarm(this.rt.now() + RETRY_SOON_MS);
    }
  }

  /**
   * Hands every due delivery that its destination's gate admits to the queue of its lane.
   * Returns when rate-limited deliveries may next go.
   */
  private async dispatch(): Promise<number | null> {
    const rt = this.rt;
    const config = await rt.loadConfig();
    const schedule = rt.settings.retrySchedule;
    const now = rt.now();
    const due = dueDeliveries(rt.sql, now, MAX_CONCURRENCY_LIMIT, DISPATCH_LIMIT);
    const inFlight = inFlightByDestination(rt.sql);
    const byAutomation = inFlightByAutomation(rt.sql);
    const toEndpoint = (ids: string[]) => ids.reduce((n, id) => n + (byAutomation.get(id) ?? 0), 0);
    // With several partitions, slots for the due deliveries come from the destinations' gates.
    await this.caps.before(config, due, inFlight);
    if (due.length === 0) return null;
    let rateWake: number | null = null;
    // Waiting for the gates let other requests in: take each delivery as it is now.
    const current = this.caps.shared(config) ? getDeliveryRows(rt.sql, due.map((row) => row.id)) : null;
    await rt.transact((apply) => {
      const postponed = new Set<string>();
      for (const read of due) {
        const row = current ? current.get(read.id) : read;
        if (!row || !stillReady(row, now)) continue;
        const automation = config.automations.get(row.automation_id);
        const destination = automation?.destination ?? row.destination;
        const { gates, keys } = rt.gatesOf(config, automation, row.destination);
        const decision = decideDispatch({
          condition: conditionOf(config, automation), isTest: row.is_test === 1, openedAt: row.opened_at, expiresAt: row.expires_at, schedule, now,
          blocker: automation?.orderBy && row.order_key !== null ? earlierOpen(rt.sql, row) : null,
          gates, inFlight: { origin: (inFlight.get(destination) ?? 0) + this.caps.others(destination), endpoint: toEndpoint(keys.endpointAutomations) },
          maxConcurrency: automation?.maxConcurrency ?? 1, ratePerSecond: automation?.ratePerSecond ?? null,
          pacedAt: automation ? this.caps.pacedAt(config, automation.id) : undefined,
        });
        // One postpone per paused gate moves everything that gate holds.
        const paused = decision.kind === 'postpone' ? (decision.scope === 'endpoint' ? keys.endpoint : destination) : null;
        if (paused !== null && postponed.has(paused)) continue;
        if (paused !== null) postponed.add(paused);
        if (decision.kind === 'pace') rateWake = Math.min(rateWake ?? Infinity, decision.wakeAt);
        // A delivery closed now may free the ones that waited for it.
        if (decision.kind === 'cancel' || decision.kind === 'give_up' || decision.kind === 'expire') this.dispatchAgain = true;
        // Past the slots the gate granted, the delivery waits for the next pass (the gate wakes it).
        if (decision.kind === 'send' && !this.caps.take(config, destination)) continue;
        if (decision.kind === 'send') {
          inFlight.set(destination, (inFlight.get(destination) ?? 0) + 1);
          byAutomation.set(row.automation_id, (byAutomation.get(row.automation_id) ?? 0) + 1);
        }
        apply(dispatchEffects(decision, { ...lifecycleOf(row), destination, endpointAutomations: keys.endpointAutomations }, crypto.randomUUID(), now));
      }
    });
    await this.caps.after(config, inFlight);
    if (due.length === DISPATCH_LIMIT) this.dispatchAgain = true;
    return rateWake;
  }

  /** Sets the alarm to the earliest moment something needs doing. */
  private async scheduleAlarm(rateWake: number | null): Promise<void> {
    const rt = this.rt;
    const now = rt.now();
    const nextDue = nextDueAt(rt.sql);
    const times = [
      // Due deliveries still here are waiting for a free slot: a report wakes them sooner.
      nextDue === null ? null : nextDue > now ? nextDue : now + BLOCKED_RECHECK_MS,
      rateWake,
      nextDispatchCheckAt(rt.sql, REDISPATCH_AFTER_MS),
      hasRows(rt.sql) ? Math.max(now, this.lastPurgeAt + PURGE_EVERY_MS) : null,
    ].filter((t): t is number => t !== null);
    if (times.length === 0) return;
    const wanted = Math.min(...times);
    const current = await rt.ctx.storage.getAlarm();
    if (current === null || current > wanted || current < now) await rt.ctx.storage.setAlarm(wanted);
  }
}

/** Still open, due, not handed to a queue and not waiting for an earlier delivery. */
const stillReady = (row: DeliveryRow, now: number): boolean =>
  row.dispatch_token === null && row.waiting_for === null && row.next_attempt_at !== null && row.next_attempt_at <= now;
