/**
 * How a consumer shares its lanes (requests in flight) within one batch, with no I/O: the
 * next job always comes from the account with the fewest jobs in flight, and within it from
 * the destination with the fewest, so a slow destination or a busy account never holds more
 * than its share of the lanes while others have work waiting. Ties go round-robin.
 */

interface Group<T> {
  key: string;
  inFlight: number;
  jobs: T[];
}

export class FairShare<T> {
  private readonly accounts = new Map<string, { inFlight: number; destinations: Map<string, Group<T>> }>();
  private turn = 0;

  constructor(private readonly keys: (job: T) => { account: string; destination: string }) {}

  add(job: T): void {
    const { account, destination } = this.keys(job);
    let a = this.accounts.get(account);
    if (!a) this.accounts.set(account, (a = { inFlight: 0, destinations: new Map() }));
    let d = a.destinations.get(destination);
    if (!d) a.destinations.set(destination, (d = { key: destination, inFlight: 0, jobs: [] }));
    d.jobs.push(job);
  }

  /** Takes the next job to start, or null when nothing is waiting. */
  take(): T | null {
    const waiting = [...this.accounts.entries()].filter(([, a]) => [...a.destinations.values()].some((d) => d.jobs.length > 0));
    if (waiting.length === 0) return null;
    const account = pickFewest(waiting.map(([, a]) => ({ inFlight: a.inFlight, value: a })), this.turn++);
    const destinations = [...account.value.destinations.values()].filter((d) => d.jobs.length > 0);
    const destination = pickFewest(destinations.map((d) => ({ inFlight: d.inFlight, value: d })), this.turn);
    account.value.inFlight++;
    destination.value.inFlight++;
    return destination.value.jobs.shift()!;
  }

  /** A job started with take() has finished. */
  done(job: T): void {
    const { account, destination } = this.keys(job);
    const a = this.accounts.get(account)!;
    a.inFlight--;
    a.destinations.get(destination)!.inFlight--;
  }
}

/** The candidate with the fewest jobs in flight; ties taken in turn. */
function pickFewest<V>(candidates: { inFlight: number; value: V }[], turn: number): { inFlight: number; value: V } {
  const fewest = Math.min(...candidates.map((c) => c.inFlight));
  const tied = candidates.filter((c) => c.inFlight === fewest);
  return tied[turn % tied.length]!;
}

/** Runs every job with at most `lanes` in flight, in the order FairShare gives. */
export async function runFairly<T>(share: FairShare<T>, lanes: number, work: (job: T) => Promise<void>): Promise<void> {
  const lane = async (): Promise<void> => {
    for (let job = share.take(); job !== null; job = share.take()) {
      try {
        await work(job);
      } finally {
        share.done(job);
      }
    }
  };
  await Promise.all(Array.from({ length: lanes }, lane));
}
