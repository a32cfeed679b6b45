/**
 * One Durable Object per account (`idFromName(account_id)`): the account's events, deliveries
 * and attempts in its own SQLite database, its scheduling (the alarm wakes it when a delivery
 * or retry falls due) and its destination gates. This class is the RPC surface only: each
 * method binds the account and hands over to the module that does the work. The rules are in
 * src/domain (delivery-lifecycle, dispatch-decision, attempt-outcome, destination-gate), and
 * src/plane/apply.ts is the one place their effects are written.
 */
import { DurableObject } from 'cloudflare:workers';
import type { Page } from '../db/rows';
import type { StatsWindow, WindowStats } from '../domain/delivery-stats';
import type { Env } from '../env';
import type { Clock } from '../lib/clock';
import type { Random } from '../lib/random';
import { backfill } from './backfill';
import { automationsChanged, recover, resumeDestination, retryDelivery, retryMatching, type MatchFilter, type ReopenResult, type RetryMatchingResult } from './changes';
import { claimBatch, closeDeadLettered, keepAccessToken, reportBatch } from './consumer-side';
import { ingest, ingestBatch, replay, sendTest, type IngestInput, type IngestResult, type ReplayResult } from './intake';
import type { BatchReport, ClaimAnswer, ClaimItem, DestinationView } from './protocol';
import { PlaneRuntime } from './runtime';
import { simulate, type SimulationResult } from './simulate';
import type { SimulatedEvent } from '../domain/simulations';
import { Scheduler } from './scheduler';
import { migrate } from './schema';
import { getDeliveryRow, toDelivery, type Delivery } from './store/deliveries';
import { getAttempts, lastDeliveries, latestResponseSnippets, listDeliveries, type Attempt, type DeliveryFilter, type DeliveryPage } from './store/delivery-log';
import { listNotices, type Notice } from './store/notices';
import { destinationViews, dryRun, stats, statsParts, usage } from './views';
import type { Conditions } from '../domain/conditions';
import type { JudgedEvent } from '../domain/dry-run';

export type { IngestInput, ReopenResult, ReplayResult };
export { RECOVER_LIMIT, RECOVER_MAX_DAYS } from './changes';

export class AccountPlane extends DurableObject<Env> {
  private readonly rt: PlaneRuntime;
  private readonly scheduler: Scheduler;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    migrate(ctx.storage);
    this.rt = new PlaneRuntime(ctx, env);
    this.scheduler = new Scheduler(this.rt);
  }

  /** The object's clock; tests put a manual one here to move time instead of waiting. */
  get clock(): Clock {
    return this.rt.clock;
  }

  set clock(clock: Clock) {
    this.rt.clock = clock;
  }

  /** The source of jitter; tests put a seeded one here. */
  set random(random: Random) {
    this.rt.random = random;
  }

  private use(accountId: string): PlaneRuntime {
    this.rt.bind(accountId);
    return this.rt;
  }

  // ---- creating deliveries ------------------------------------------------------------------

  ingest(accountId: string, event: IngestInput): Promise<{ duplicate: boolean; deliveryIds: string[] }> {
    return ingest(this.use(accountId), event);
  }

  /** A batch's events for this partition: one request and one transaction for all of them. */
  ingestBatch(accountId: string, events: IngestInput[]): Promise<IngestResult[]> {
    return ingestBatch(this.use(accountId), events);
  }

  sendTest(accountId: string, input: { automationId: string; type: string; data: string }): Promise<string | null> {
    return sendTest(this.use(accountId), input);
  }

  /** A simulated call's events, stored as test events and sent as test deliveries in the call's order. */
  simulate(accountId: string, events: SimulatedEvent[], automationIds: string[] | null): Promise<SimulationResult> {
    return simulate(this.use(accountId), events, automationIds);
  }

  replay(accountId: string, eventId: string, automationIds: string[] | null): Promise<ReplayResult> {
    return replay(this.use(accountId), eventId, automationIds);
  }

  // ---- the delivery log ---------------------------------------------------------------------

  listDeliveries(accountId: string, filter: DeliveryFilter): DeliveryPage {
    return listDeliveries(this.use(accountId).sql, filter);
  }

  getDelivery(accountId: string, id: string): (Delivery & { attempts: Attempt[] }) | null {
    const sql = this.use(accountId).sql;
    const row = getDeliveryRow(sql, id);
    if (!row) return null;
    // The attempts are read anyway: where the latest request went is theirs (as latestSentUrls reads it for a page).
    const attempts = getAttempts(sql, id);
    const sentUrl = attempts.findLast((a) => a.request !== null)?.request?.url ?? null;
    return { ...toDelivery(row, sentUrl), attempts };
  }

  lastDeliveries(accountId: string, automationIds: string[]) {
    return lastDeliveries(this.use(accountId).sql, automationIds);
  }

  responseSnippets(accountId: string, deliveryIds: string[], chars: number): Record<string, string> {
    return latestResponseSnippets(this.use(accountId).sql, deliveryIds, chars);
  }

  /** Notices, newest first (the console's list; the operations webhook gets each as it happens). */
  notices(accountId: string, limit: number, cursor?: string): Page<Notice> {
    return listNotices(this.use(accountId).sql, limit, cursor);
  }

  // ---- changes from the API -----------------------------------------------------------------

  retryDelivery(accountId: string, id: string): Promise<ReopenResult> {
    return retryDelivery(this.use(accountId), id);
  }

  recover(accountId: string, automationId: string, since: number, until: number, limit?: number) {
    return recover(this.use(accountId), automationId, since, until, limit);
  }

  /** An administrator's resume of the URL's destination; answers its state afterwards. */
  async resumeDestination(accountId: string, url: string): Promise<DestinationView> {
    const rt = this.use(accountId);
    await resumeDestination(rt, url);
    return destinationViews(rt, [url])[url]!;
  }

  backfill(accountId: string, automationId: string, since: number, until: number, limit?: number) {
    return backfill(this.use(accountId), automationId, since, until, limit);
  }

  /** Sends again the oldest `limit` deliveries matching the log's filter (never an open one). */
  retryMatching(accountId: string, filter: MatchFilter, limit?: number): Promise<RetryMatchingResult> {
    return retryMatching(this.use(accountId), filter, limit);
  }

  automationsChanged(accountId: string): Promise<void> {
    return automationsChanged(this.use(accountId));
  }

  // ---- views --------------------------------------------------------------------------------

  destinations(accountId: string, urls: string[]): Record<string, DestinationView> {
    return destinationViews(this.use(accountId), urls);
  }

  destination(accountId: string, url: string): DestinationView {
    return destinationViews(this.use(accountId), [url])[url]!;
  }

  usage(accountId: string) {
    return usage(this.use(accountId));
  }

  /** `tz`: the reader's time zone, for the 7-day view's calendar days (checked by the API). */
  stats(accountId: string, window: StatsWindow, automationId: string | null, tz?: string): WindowStats {
    return stats(this.use(accountId), window, automationId, tz);
  }

  statsParts(accountId: string, window: StatsWindow, automationId: string | null, tz?: string) {
    return statsParts(this.use(accountId), window, automationId, tz);
  }

  dryRun(accountId: string, trigger: string, conditions: Conditions, limit: number): JudgedEvent[] {
    return dryRun(this.use(accountId), trigger, conditions, limit);
  }

  // ---- the consumer's side ------------------------------------------------------------------

  claim(accountId: string, items: ClaimItem[], holdMs = 0): Promise<ClaimAnswer[]> {
    return claimBatch(this.use(accountId), items, holdMs);
  }

  async report(accountId: string, reports: BatchReport[]): Promise<void> {
    const rt = this.use(accountId);
    // An automation turned off: its waiting deliveries are cancelled at once.
    if (await reportBatch(rt, reports)) await automationsChanged(rt);
  }

  /** An OAuth2 access token a consumer got (sealed): every later claim of the automation carries it while usable. */
  keepAccessToken(accountId: string, automationId: string, fingerprint: string, tokenCiphertext: string, expiresInS: number): number | null {
    return keepAccessToken(this.use(accountId), automationId, fingerprint, tokenCiphertext, expiresInS);
  }

  /** Messages the consumer kept failing on: their deliveries are closed as failed. */
  deadLettered(accountId: string, ids: string[]): Promise<number> {
    return closeDeadLettered(this.use(accountId), ids);
  }

  // ---- scheduling ---------------------------------------------------------------------------

  /** A destination's gate freed slots this partition waited for: dispatch now. */
  wake(accountId: string): void {
    this.use(accountId).kick();
  }

  override alarm(): Promise<void> {
    return this.scheduler.alarm();
  }
}
