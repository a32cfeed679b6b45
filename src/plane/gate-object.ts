/**
 * One small Durable Object per account and destination, used when the account has more than one
 * partition: it holds the destination's concurrency cap for the account as a whole, so N
 * partitions together never have more deliveries out to it than one partition would. The rule
 * is src/domain/shared-cap.ts; this object keeps each partition's holding and wakes partitions
 * that waited for a slot when one frees.
 */
import { DurableObject } from 'cloudflare:workers';
import { grant, report, reservePaced, type Holdings } from '../domain/shared-cap';
import type { Env } from '../env';
import { systemClock, type Clock } from '../lib/clock';
import { planeFor } from './client';

/** The gate object of an account's destination (an origin). */
export function gateFor(env: Env, accountId: string, destination: string): DurableObjectStub<DestinationGates> {
  const namespace = env.DESTINATION_GATES as unknown as DurableObjectNamespace<DestinationGates>;
  return namespace.get(namespace.idFromName(`${accountId}|${destination}`));
}

export class DestinationGates extends DurableObject<Env> {
  clock: Clock = systemClock;
  private holdings: Holdings | null = null;
  private waiting = new Set<string>();

  private async load(): Promise<Holdings> {
    this.holdings ??= (await this.ctx.storage.get<Holdings>('holdings')) ?? {};
    return this.holdings;
  }

  private async save(holdings: Holdings): Promise<void> {
    this.holdings = holdings;
    await this.ctx.storage.put('holdings', holdings);
  }

  /**
   * The partition (by its object key) holds `held` slots and would fill `want` more under `cap`:
   * how many it may, and how many the other partitions hold.
   */
  async acquire(partition: string, held: number, want: number, cap: number): Promise<{ granted: number; others: number }> {
    const result = grant(await this.load(), partition, held, want, cap, this.clock.now());
    await this.save(result.holdings);
    if (result.waiting) this.waiting.add(partition);
    else this.waiting.delete(partition);
    return { granted: result.granted, others: result.others };
  }

  /**
   * Send times for `want` deliveries of a rate-limited automation, one interval apart across all
   * partitions, as many as fall within `horizon` of now; `nextAt` is when the next could go.
   */
  async pace(automationId: string, perSecond: number, want: number, horizon: number, lead: number): Promise<{ times: number[]; nextAt: number }> {
    const key = `tat:${automationId}`;
    const reserved = reservePaced(await this.ctx.storage.get<number>(key), perSecond, want, this.clock.now(), horizon, lead);
    if (reserved.tat !== undefined) await this.ctx.storage.put(key, reserved.tat);
    return { times: reserved.times, nextAt: reserved.nextAt };
  }

  /** When the automation's next request may go (its theoretical arrival time), without taking it. */
  async nextPaced(automationId: string): Promise<number | undefined> {
    return this.ctx.storage.get<number>(`tat:${automationId}`);
  }

  /** The partition holds `held` slots now; when that frees slots, partitions that waited are woken. */
  async report(partition: string, held: number): Promise<void> {
    const result = report(await this.load(), partition, held, this.clock.now());
    await this.save(result.holdings);
    if (!result.freed || this.waiting.size === 0) return;
    const woken = [...this.waiting].filter((p) => p !== partition);
    for (const p of woken) this.waiting.delete(p);
    await Promise.all(woken.map((key) => planeFor(this.env, key).wake(key)));
  }
}
