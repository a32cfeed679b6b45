import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FairShare, runFairly } from '../../src/domain/fair-share';

type Job = { account: string; destination: string; n: number };
const jobs = (account: string, destination: string, count: number): Job[] =>
  Array.from({ length: count }, (_, n) => ({ account, destination, n }));

describe('fair share of a batch’s lanes', () => {
  // Jobs take simulated time: the fake clock runs them in order of their durations, without waiting.
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  /** Runs the jobs with the fake timers advancing until every one is done. */
  async function runAll(share: FairShare<Job>, lanes: number, work: (job: Job) => Promise<void>): Promise<void> {
    const done = runFairly(share, lanes, work);
    await vi.runAllTimersAsync();
    await done;
  }

  it('alternates between accounts however many jobs one of them has', () => {
    const share = new FairShare<Job>((j) => j);
    for (const j of [...jobs('A', 'a', 40), ...jobs('B', 'b', 3)]) share.add(j);
    const started = Array.from({ length: 6 }, () => share.take()!.account);
    expect(started.filter((a) => a === 'B')).toHaveLength(3);
  });

  it('within an account, alternates between destinations', () => {
    const share = new FairShare<Job>((j) => j);
    for (const j of [...jobs('A', 'slow', 20), ...jobs('A', 'fast', 2)]) share.add(j);
    const first = [share.take()!, share.take()!, share.take()!, share.take()!];
    expect(first.filter((j) => j.destination === 'fast')).toHaveLength(2);
  });

  it('a slow account holds no more lanes than its share while another has work', async () => {
    const share = new FairShare<Job>((j) => j);
    for (const j of [...jobs('A', 'a', 30), ...jobs('B', 'b', 10)]) share.add(j);
    const inFlight = { A: 0, B: 0 };
    let maxAWhileB = 0;
    const order: string[] = [];
    let bWaiting = 10;
    await runAll(share, 6, async (job) => {
      inFlight[job.account as 'A' | 'B']++;
      if (job.account === 'B') bWaiting--;
      // Measured while B still has jobs waiting for a lane.
      if (bWaiting > 0) maxAWhileB = Math.max(maxAWhileB, inFlight.A);
      order.push(job.account);
      await new Promise((r) => setTimeout(r, job.account === 'A' ? 20 : 1));
      inFlight[job.account as 'A' | 'B']--;
    });
    expect(order).toHaveLength(40);
    expect(maxAWhileB).toBeLessThanOrEqual(3);
    // B's ten jobs all start before A's tenth.
    expect(order.lastIndexOf('B')).toBeLessThan(order.indexOf('A') + 20);
  });

  it('one group alone uses every lane', async () => {
    const share = new FairShare<Job>((j) => j);
    for (const j of jobs('A', 'a', 12)) share.add(j);
    let peak = 0;
    let now = 0;
    await runAll(share, 6, async () => {
      peak = Math.max(peak, ++now);
      await new Promise((r) => setTimeout(r, 5));
      now--;
    });
    expect(peak).toBe(6);
  });
});
