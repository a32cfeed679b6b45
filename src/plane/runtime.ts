/**
 * What every part of the account object shares: its SQLite, its clock, the account it belongs
 * to, the cached control plane, the destination gates and rate pacing kept in memory, and the
 * way decisions are carried out (`transact`: effects applied in one transaction, then the ones
 * that leave the object).
 */
import { getConfig, type Config } from '../config';
import { disableAutomation, setFailingSince } from '../db/automations';
import type { Effect, OutsideEffect } from '../domain/delivery-effects';
import { released } from '../domain/delivery-lifecycle';
import { newGate, type Gate, type Lane } from '../domain/destination-gate';
import type { GateKeys, GatePair } from '../domain/gate-pair';
import { EchoCircuit } from '../domain/loop-circuit';
import type { Env } from '../env';
import { systemClock, type Clock } from '../lib/clock';
import { systemRandom, type Random } from '../lib/random';
import { CONFIG_TTL_MS, loadAccountConfig, type AccountConfig, type AutomationSnapshot } from './account-config';
import { logEvent } from '../observability/log';
import { apply, type ApplyTarget } from './apply';
import type { DeliveryMessage } from './protocol';
import { parsePlaneKey } from './client';
import { GroupCommit } from './group-commit';
import { rememberAccount, storedAccount } from './schema';
import { loadGates } from './store/gates';
import { SentUrlIds } from './store/sent-urls';

/** Queue messages per sendBatch call (the Queues limit). */
const SEND_BATCH_LIMIT = 100;
/** After a failed enqueue or dispatch pass, the alarm tries again this soon. */
export const RETRY_SOON_MS = 5_000;

export class PlaneRuntime {
  readonly sql: SqlStorage;
  readonly gates: Map<string, Gate>;
  /** Rate-limit pacing per automation (theoretical arrival time); a restart just resets it. */
  readonly pacing = new Map<string, number>();
  /** The ids of the URLs attempts were sent to (sent-urls.ts); remembered once committed. */
  readonly urls = new SentUrlIds();
  /** Ingestion's group commit: events posted in the same moment are written in one turn. */
  readonly intake = new GroupCommit();
  /** The loop circuit: what automations sent and what came back, kept in memory (a loop keeps the object busy). */
  readonly echoes = new EchoCircuit();
  clock: Clock = systemClock;
  /** Jitter's source; tests put a seeded one here. */
  random: Random = systemRandom;
  /** The account this object belongs to, and which of its partitions it is (see client.ts). */
  accountId: string | null = null;
  partition = 0;
  /** The object's key (see client.ts). */
  key: string | null;
  /** Starts a dispatch pass soon (the scheduler sets it). */
  kick: () => void = () => {};
  private config: AccountConfig | null = null;
  private configLoad: Promise<AccountConfig> | null = null;

  constructor(
    readonly ctx: DurableObjectState,
    readonly env: Env,
  ) {
    this.sql = ctx.storage.sql;
    this.key = storedAccount(this.sql);
    if (this.key !== null) ({ accountId: this.accountId, partition: this.partition } = parsePlaneKey(this.key));
    this.gates = loadGates(this.sql);
  }

  get settings(): Config {
    return getConfig(this.env);
  }

  now(): number {
    return this.clock.now();
  }

  /** Binds the object to its key (account and partition) on first use; any other key is refused. */
  bind(key: string): void {
    if (this.key === null) {
      rememberAccount(this.sql, key);
      this.key = key;
      ({ accountId: this.accountId, partition: this.partition } = parsePlaneKey(key));
    } else if (this.key !== key) {
      throw new Error('this account object belongs to another account or partition');
    }
  }

  bound(): string {
    if (this.accountId === null) throw new Error('account object used before it knew its account');
    return this.accountId;
  }

  gate(key: string): Gate {
    return this.gates.get(key) ?? newGate();
  }

  /**
   * The two gates a delivery of `automation` passes (src/domain/gate-pair.ts) and where they are
   * kept; a deleted automation's delivery has only its row's origin.
   */
  gatesOf(config: AccountConfig | null, automation: AutomationSnapshot | undefined, origin: string): { gates: GatePair; keys: GateKeys } {
    const endpoint = automation?.endpoint ?? null;
    return {
      gates: { origin: this.gate(automation?.destination ?? origin), endpoint: endpoint === null ? newGate() : this.gate(endpoint) },
      keys: { origin: automation?.destination ?? origin, endpoint, endpointAutomations: endpoint === null ? [] : config?.endpoints.get(endpoint) ?? [] },
    };
  }

  /** The cached control plane, reloaded after CONFIG_TTL_MS or when forced (after a change). */
  async loadConfig(force = false): Promise<AccountConfig> {
    const now = this.now();
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

  /** The cached copy as it is (the alarm uses it without a D1 round trip). */
  get cachedConfig(): AccountConfig | null {
    return this.config;
  }

  /**
   * Runs `work` in one transaction; every batch of effects it decides is applied at once (so the
   * next decision reads what the last one wrote). Once committed, the effects that leave the
   * object run. Returns what `work` returned and whether an automation was turned off.
   */
  async transact<T>(work: (apply: (effects: Effect[]) => void) => T): Promise<{ result: T; disabled: boolean }> {
    const now = this.now();
    const outside: OutsideEffect[] = [];
    const target = this.applyTarget();
    const result = this.applying(() => work((effects) => outside.push(...apply(target, effects, now))));
    const disabled = await this.runOutside(outside, now);
    return { result, disabled };
  }

  /** One transaction of `apply`: URL ids it used are remembered only if it commits. */
  private applying<T>(work: () => T): T {
    let result: T;
    try {
      result = this.ctx.storage.transactionSync(work);
    } catch (error) {
      this.urls.rolledBack();
      throw error;
    }
    this.urls.committed();
    return result;
  }

  /** What `apply` writes to: the object's SQLite and its in-memory gates, pacing and URL ids. */
  private applyTarget(): ApplyTarget {
    return { sql: this.sql, gates: this.gates, pacing: this.pacing, urls: this.urls, accountId: this.bound(), partition: this.partition, config: this.config };
  }

  private async runOutside(effects: OutsideEffect[], now: number): Promise<boolean> {
    const messages: { lane: Lane; message: DeliveryMessage }[] = [];
    let disabled = false;
    for (const effect of effects) {
      switch (effect.kind) {
        case 'enqueue':
          messages.push({ lane: effect.lane, message: { account_id: this.bound(), delivery_id: effect.deliveryId, token: effect.token } });
          break;
        case 'set_failing':
          await setFailingSince(this.env.DB, this.bound(), effect.automationId, effect.since);
          break;
        case 'disable_automation':
          disabled = true;
          await disableAutomation(this.env.DB, this.bound(), effect.automationId, effect.cause, now);
          logEvent('automation disabled', { account_id: this.bound(), automation_id: effect.automationId, cause: effect.cause.kind });
          break;
      }
    }
    if (messages.length > 0) await this.enqueue(messages);
    return disabled;
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
          logEvent('enqueue failed; retrying soon', { account_id: this.accountId, count: chunk.length, error: String(error) }, 'error');
          const target = this.applyTarget();
          this.applying(() => {
            for (const m of chunk) apply(target, released(m.delivery_id), this.now());
          });
          await this.ctx.storage.setAlarm(this.now() + RETRY_SOON_MS);
        }
      }
    }
  }
}
