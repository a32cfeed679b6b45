/**
 * A dispatch pass's view of the destinations' caps when the account has several partitions:
 * before the pass, each destination with due deliveries asks its gate object for slots (saying
 * what this partition holds); the pass sends at most what was granted, counting the other
 * partitions' deliveries as in flight; after it, unused grants and slots freed since are given
 * back. A rate-limited automation's pace is held by the gate too (send times are taken when a
 * delivery is claimed, see consumer-side.ts). With one partition the cap and the pace are the object's own, and this asks
 * nothing.
 */
import type { AccountConfig } from './account-config';
import { gateFor } from './gate-object';
import type { PlaneRuntime } from './runtime';
import type { DeliveryRow } from './store/deliveries';

export class SharedCaps {
  /** What this partition last told each destination's gate it holds. */
  private readonly told = new Map<string, number>();
  private grants = new Map<string, { left: number; others: number }>();
  /** When each rate-limited automation's next request may go, across the partitions. */
  private paced = new Map<string, number | undefined>();

  constructor(private readonly rt: PlaneRuntime) {}

  /** Whether the account's partitions share their destinations' caps (more than one partition). */
  shared(config: AccountConfig): boolean {
    return config.partitions > 1;
  }

  /** Asks for slots for the due deliveries, and gives back what was freed since the last pass. */
  async before(config: AccountConfig, due: DeliveryRow[], inFlight: Map<string, number>): Promise<void> {
    this.grants = new Map();
    this.paced = new Map();
    if (!this.shared(config)) return;
    const wanted = new Map<string, { want: number; cap: number }>();
    const rated = new Map<string, string>();
    for (const row of due) {
      const automation = config.automations.get(row.automation_id);
      const destination = automation?.destination ?? row.destination;
      const w = wanted.get(destination) ?? { want: 0, cap: 1 };
      wanted.set(destination, { want: w.want + 1, cap: Math.max(w.cap, automation?.maxConcurrency ?? 1) });
      if (automation?.ratePerSecond) rated.set(automation.id, destination);
    }
    const key = this.rt.key!;
    const account = this.rt.bound();
    await Promise.all([
      ...[...rated].map(async ([automationId, destination]) => {
        this.paced.set(automationId, await gateFor(this.rt.env, account, destination).nextPaced(automationId));
      }),
      ...[...wanted].map(async ([destination, { want, cap }]) => {
        const held = inFlight.get(destination) ?? 0;
        const { granted, others } = await gateFor(this.rt.env, account, destination).acquire(key, held, want, cap);
        this.grants.set(destination, { left: granted, others });
        this.told.set(destination, held + granted);
      }),
      ...[...this.told].filter(([destination, n]) => !wanted.has(destination) && n !== (inFlight.get(destination) ?? 0)).map(([destination]) => this.tell(destination, inFlight)),
    ]);
  }

  /** The other partitions' deliveries out to the destination. */
  others(destination: string): number {
    return this.grants.get(destination)?.others ?? 0;
  }

  /**
   * When a rate-limited automation's next request may go: across the partitions (its gate's
   * pace, taken when a delivery is claimed) or, with one partition, the object's own.
   */
  pacedAt(config: AccountConfig, automationId: string): number | undefined {
    return this.shared(config) ? this.paced.get(automationId) : this.rt.pacing.get(automationId);
  }

  /** Takes one granted slot; false when none is left (the delivery waits for the next pass). */
  take(config: AccountConfig, destination: string): boolean {
    if (!this.shared(config)) return true;
    const grant = this.grants.get(destination);
    if (!grant || grant.left === 0) return false;
    grant.left--;
    return true;
  }

  /** Gives back grants the pass did not use. */
  async after(config: AccountConfig, inFlight: Map<string, number>): Promise<void> {
    if (!this.shared(config)) return;
    await Promise.all([...this.grants].filter(([, g]) => g.left > 0).map(([destination]) => this.tell(destination, inFlight)));
  }

  private async tell(destination: string, inFlight: Map<string, number>): Promise<void> {
    const held = inFlight.get(destination) ?? 0;
    await gateFor(this.rt.env, this.rt.bound(), destination).report(this.rt.key!, held);
    if (held === 0) this.told.delete(destination);
    else this.told.set(destination, held);
  }
}
