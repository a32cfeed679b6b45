/**
 * An account's data plane as the API and console use it, whatever its number of partitions:
 * writes go to the partition that owns them (an event to its business key's, a delivery to the
 * one its id names), reads ask the partitions that may hold an answer and combine what they
 * say, so that an account with N partitions answers exactly as one would. With one partition
 * every call is one call to that object, as before partitions.
 */
import { partitionOfDeliveryId } from '../crypto/ids';
import { getPartitioning } from '../db/accounts';
import { businessKeysOf, type BusinessKeys } from '../domain/business-keys';
import type { Conditions } from '../domain/conditions';
import { combineDryRun, type DryRunResult, type JudgedEvent } from '../domain/dry-run';
import { combinedStreak, sumHours, summarize, type StatsWindow, type WindowStats } from '../domain/delivery-stats';
import { zoneOf } from '../domain/calendar-days';
import { mergePages } from '../domain/log-merge';
import { partitionKeyOf, partitionOf, partitionsForKey, SINGLE, type Partitioning } from '../domain/partitions';
import type { Env } from '../env';
import { systemClock, type Clock } from '../lib/clock';
import { logEvent } from '../observability/log';
import { BACKFILL_LIMIT, type BackfillResult } from './backfill';
import { RECOVER_LIMIT, type MatchFilter, type RecoverResult, type ReopenResult, type RetryMatchingResult } from './changes';
import { planeFor, planeKey } from './client';
import type { IngestInput, IngestResult, ReplayResult } from './intake';
import type { SimulationResult } from './simulate';
import type { SimulatedEvent } from '../domain/simulations';
import type { DestinationView } from './protocol';
import type { Delivery } from './store/deliveries';
import type { Attempt, DeliveryFilter, DeliveryPage } from './store/delivery-log';
import type { Notice } from './store/notices';
import type { Page } from '../db/rows';

/** An event to store, with its data as posted (its business keys place it). */
export type PostedEvent = { event: IngestInput; data: unknown };

/** What became of one event of a batch: stored (or a duplicate), or its partition failed and it was not. */
export type BatchOutcome = IngestResult | { failed: true };

/** What a recovery or a backfill answers: how many it took (under `K`), and where to go on from. */
type Windowed<K extends string> = ({ [k in K]: number } & { more: boolean; next_since: string | null }) | { conflict: string };

type Usage = { events_stored: number; deliveries_stored: number; open_deliveries: number; storage_bytes: number };

const STATE_RANK: Record<DestinationView['state'], number> = { ok: 0, probing: 1, paused: 2 };

export class AccountPlanes {
  constructor(
    private readonly env: Env,
    readonly accountId: string,
    readonly partitioning: Partitioning = SINGLE,
    private readonly clock: Clock = systemClock,
  ) {}

  /** The account's planes, reading its partitioning from D1 unless the caller has it. */
  static async of(env: Env, accountId: string, partitioning?: Partitioning): Promise<AccountPlanes> {
    return new AccountPlanes(env, accountId, partitioning ?? (await getPartitioning(env.DB, accountId)) ?? SINGLE);
  }

  private key(partition: number): string {
    return planeKey(this.accountId, partition);
  }

  private stub(partition: number) {
    return planeFor(this.env, this.key(partition));
  }

  private get all(): number[] {
    return Array.from({ length: this.partitioning.count }, (_, i) => i);
  }

  private each<R>(partitions: number[], call: (stub: ReturnType<AccountPlanes['stub']>, key: string) => Promise<R>): Promise<R[]> {
    return Promise.all(partitions.map((p) => call(this.stub(p), this.key(p))));
  }

  // ---- writes -------------------------------------------------------------------------------

  /** The event's partition, and the event with its business keys (found once, here, for both). */
  private routed({ event, data }: PostedEvent): { p: number; event: IngestInput } {
    const keys = businessKeysOf(data);
    return { p: this.partitionFor(keys, event.id), event: { ...event, keys } };
  }

  /** The partition of these business keys (`fallback`, the event id, when there is none). */
  private partitionFor(keys: BusinessKeys, fallback: string): number {
    return partitionOf(partitionKeyOf(keys, fallback), this.partitioning.count);
  }

  /** Stores the event in the partition of its business key. `data` is the event's data as posted. */
  ingest(posted: IngestInput, data: unknown): Promise<IngestResult> {
    const { p, event } = this.routed({ event: posted, data });
    return this.stub(p).ingest(this.key(p), event);
  }

  /**
   * Stores each event in the partition of its business key, with one request per partition
   * touched (all at once), each keeping the events' order. A partition whose request fails
   * answers `failed` for its events (it stored each whole or not at all, and may have stored some
   * before failing — or all, had the answer alone been lost — which a retry shows as duplicates);
   * the other partitions' results stand.
   */
  async ingestBatch(events: PostedEvent[]): Promise<BatchOutcome[]> {
    const byPartition = new Map<number, number[]>();
    const routed = events.map((posted) => this.routed(posted));
    routed.forEach(({ p }, i) => {
      const indexes = byPartition.get(p) ?? [];
      indexes.push(i);
      byPartition.set(p, indexes);
    });
    const outcomes: BatchOutcome[] = new Array(events.length);
    await Promise.all(
      [...byPartition].map(async ([p, indexes]) => {
        try {
          const results = await this.stub(p).ingestBatch(this.key(p), indexes.map((i) => routed[i]!.event));
          indexes.forEach((i, n) => (outcomes[i] = results[n]!));
        } catch (error) {
          // Its type and message only, as for unhandled API errors: never the events' data.
          logEvent('batch ingest failed', {
            account_id: this.accountId, partition: p, events: indexes.length,
            error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
          }, 'error');
          for (const i of indexes) outcomes[i] = { failed: true };
        }
      }),
    );
    return outcomes;
  }

  sendTest(input: { automationId: string; type: string; data: string }): Promise<string | null> {
    return this.stub(0).sendTest(this.key(0), input);
  }

  /**
   * A simulated call goes whole to the partition of its first event's business key (its call,
   * or for an agent's shift its agent), where a search by that key finds it.
   */
  simulate(events: SimulatedEvent[], automationIds: string[] | null): Promise<SimulationResult> {
    const first = events[0]!;
    const p = this.partitionFor(businessKeysOf(first.data), '');
    return this.stub(p).simulate(this.key(p), events, automationIds) as Promise<SimulationResult>;
  }

  /** The event is in one partition (its id alone does not say which): the others answer "not found". */
  async replay(eventId: string, automationIds: string[] | null): Promise<ReplayResult> {
    const results: ReplayResult[] = await this.each(this.all, (stub, key) => stub.replay(key, eventId, automationIds) as Promise<ReplayResult>);
    return results.find((r) => !('notFound' in r)) ?? { notFound: true };
  }

  retryDelivery(id: string): Promise<ReopenResult> {
    const p = partitionOfDeliveryId(id);
    return this.stub(p).retryDelivery(this.key(p), id);
  }

  /** Every partition recovers its share of the limit; calling again from `next_since` finds the rest. */
  recover(automationId: string, since: number, until: number): Promise<RecoverResult> {
    return this.windowed('recovered', RECOVER_LIMIT, (stub, key, share) => stub.recover(key, automationId, since, until, share) as Promise<RecoverResult>);
  }

  /** As a recovery: every partition backfills its share of the limit. */
  backfill(automationId: string, since: number, until: number): Promise<BackfillResult> {
    return this.windowed('backfilled', BACKFILL_LIMIT, (stub, key, share) => stub.backfill(key, automationId, since, until, share) as Promise<BackfillResult>);
  }

  /**
   * A windowed action over every partition, each taking its share of `limit`: the counts added
   * up, and `next_since` the earliest any partition left (a conflict, from any, is the answer).
   */
  private async windowed<K extends string>(
    count: K,
    limit: number,
    call: (stub: ReturnType<AccountPlanes['stub']>, key: string, share: number) => Promise<Windowed<K>>,
  ): Promise<Windowed<K>> {
    const share = Math.ceil(limit / this.partitioning.count);
    const results = await this.each(this.all, (stub, key) => call(stub, key, share));
    const conflict = results.find((r): r is { conflict: string } => 'conflict' in r);
    if (conflict) return conflict;
    const done = results as Exclude<Windowed<K>, { conflict: string }>[];
    const next = done.flatMap((r) => (r.next_since ? [r.next_since] : [])).sort()[0] ?? null;
    return { [count]: done.reduce((n, r) => n + r[count], 0), more: next !== null, next_since: next } as Windowed<K>;
  }

  /**
   * Sends again the deliveries matching the log's filter, oldest first, at most RECOVER_LIMIT a
   * call: each partition asked takes its share; `next_since` is the earliest point any partition
   * stopped at, so calling again from there finds every one left.
   */
  async retryMatching(filter: MatchFilter): Promise<RetryMatchingResult> {
    const partitions = this.partitionsFor(filter);
    const share = Math.ceil(RECOVER_LIMIT / partitions.length);
    const results = await this.each(partitions, (stub, key) => stub.retryMatching(key, filter, share) as Promise<RetryMatchingResult>);
    const next = results.flatMap((r) => (r.next_since ? [r.next_since] : [])).sort()[0] ?? null;
    return {
      retried: results.reduce((n, r) => n + r.retried, 0),
      skipped: results.reduce((n, r) => n + r.skipped, 0),
      more: next !== null,
      next_since: next,
    };
  }

  /** The partitions that may hold deliveries matching a filter: a call id's own, else all. */
  private partitionsFor(filter: { call_id?: string }): number[] {
    return filter.call_id !== undefined ? partitionsForKey(`call_id:${filter.call_id}`, this.partitioning) : this.all;
  }

  async automationsChanged(): Promise<void> {
    await this.each(this.all, (stub, key) => stub.automationsChanged(key));
  }

  // ---- reads --------------------------------------------------------------------------------

  /** Newest first across partitions; a call id is looked up only where it can be. */
  async listDeliveries(filter: DeliveryFilter): Promise<DeliveryPage> {
    if (this.partitioning.count === 1) return this.stub(0).listDeliveries(this.key(0), filter);
    const partitions = this.partitionsFor(filter);
    const pages = await this.each(partitions, (stub, key) => stub.listDeliveries(key, { ...filter, withCursorCount: true }));
    return mergePages(pages, filter);
  }

  getDelivery(id: string): Promise<(Delivery & { attempts: Attempt[] }) | null> {
    const p = partitionOfDeliveryId(id);
    return this.stub(p).getDelivery(this.key(p), id);
  }

  async lastDeliveries(automationIds: string[]): Promise<Record<string, { id: string; status: Delivery['status']; created_at: string }>> {
    const parts = await this.each(this.all, (stub, key) => stub.lastDeliveries(key, automationIds));
    const out: Record<string, { id: string; status: Delivery['status']; created_at: string }> = {};
    for (const part of parts) {
      for (const [automation, last] of Object.entries(part)) if (!out[automation] || out[automation].id < last.id) out[automation] = last;
    }
    return out;
  }

  async responseSnippets(deliveryIds: string[], chars: number): Promise<Record<string, string>> {
    const byPartition = new Map<number, string[]>();
    for (const id of deliveryIds) byPartition.set(partitionOfDeliveryId(id), [...(byPartition.get(partitionOfDeliveryId(id)) ?? []), id]);
    const parts = await Promise.all([...byPartition].map(([p, ids]) => this.stub(p).responseSnippets(this.key(p), ids, chars)));
    return Object.assign({}, ...parts);
  }

  /** Newest first across partitions; the cursor is the last notice's id. */
  async notices(limit: number, cursor?: string): Promise<Page<Notice>> {
    const parts = await this.each(this.all, (stub, key) => stub.notices(key, limit, cursor));
    const all = parts.flatMap((p) => p.data).sort((a, b) => (a.id < b.id ? 1 : -1));
    const data = all.slice(0, limit);
    const last = data[data.length - 1];
    const more = all.length > limit || parts.some((p) => p.next_cursor !== null);
    return { data, next_cursor: more && last ? last.id : null };
  }

  /** A destination as the account sees it: paused if any partition holds it paused. */
  async destinations(urls: string[]): Promise<Record<string, DestinationView>> {
    const parts = await this.each(this.all, (stub, key) => stub.destinations(key, urls));
    return Object.fromEntries(urls.map((url) => [url, combineViews(parts.map((p) => p[url]!))]));
  }

  async destination(url: string): Promise<DestinationView> {
    return (await this.destinations([url]))[url]!;
  }

  /** Every partition keeps its own gates: each ends its pause; the answer is the account's view after. */
  async resumeDestination(url: string): Promise<DestinationView> {
    return combineViews(await this.each(this.all, (stub, key) => stub.resumeDestination(key, url)));
  }

  async usage() {
    const parts: Usage[] = await this.each(this.all, (stub, key) => stub.usage(key) as Promise<Usage>);
    const total = (field: keyof Usage) => parts.reduce((n, p) => n + p[field], 0);
    return {
      events_stored: total('events_stored'),
      deliveries_stored: total('deliveries_stored'),
      open_deliveries: total('open_deliveries'),
      storage_bytes: total('storage_bytes'),
      partitions: parts.map((p, partition) => ({ partition, ...p })),
    };
  }

  /** Each partition judges its newest `limit` events of the trigger; the newest `limit` of all are counted. */
  async dryRun(trigger: string, conditions: Conditions, limit: number): Promise<DryRunResult> {
    const parts: JudgedEvent[][] = await this.each(this.all, (stub, key) => stub.dryRun(key, trigger, conditions, limit) as Promise<JudgedEvent[]>);
    return combineDryRun(parts, limit);
  }

  /** `tz`: the reader's time zone (checked by the API), for the 7-day view's calendar days. */
  async stats(window: StatsWindow, automationId: string | null, tz?: string): Promise<WindowStats> {
    if (this.partitioning.count === 1) return this.stub(0).stats(this.key(0), window, automationId, tz);
    const parts = await this.each(this.all, (stub, key) => stub.statsParts(key, window, automationId, tz));
    const live = {
      open: parts.reduce((n, p) => n + p.live.open, 0),
      retrying: parts.reduce((n, p) => n + p.live.retrying, 0),
      failingSince: automationId === null ? undefined : combinedStreak(parts.map((p) => p.live.failingSince)),
    };
    return summarize(window, sumHours(parts.map((p) => p.hours)), live, this.clock.now(), zoneOf(tz));
  }
}

/** The most restrictive state any partition's gate is in, with its reason and end; deliveries in flight add up. */
function combineViews(views: DestinationView[]): DestinationView {
  const worst = views.reduce((a, b) => (STATE_RANK[b.state] > STATE_RANK[a.state] || (b.state === a.state && (b.until ?? '') > (a.until ?? '')) ? b : a));
  return { ...worst, in_flight: views.reduce((n, v) => n + v.in_flight, 0) };
}

/** The planes of the caller's account, partitioned as read with its key or session. */
export const planesFor = (env: Env, who: { accountId: string; partitioning: Partitioning }): AccountPlanes =>
  new AccountPlanes(env, who.accountId, who.partitioning);
