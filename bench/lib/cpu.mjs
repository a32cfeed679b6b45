/**
 * How much of the machine the run had: the CPU used by this process and workerd against the
 * CPU used by everything else over the same span (Linux /proc; null elsewhere). Other work
 * on the machine makes every figure noisier, so the results say how much there was.
 */
import { readFile } from 'node:fs/promises';
import os from 'node:os';

/** Busy and total jiffies over all CPUs. */
async function machineTicks() {
  const line = (await readFile('/proc/stat', 'utf8')).split('\n')[0];
  const values = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = values[3] + (values[4] ?? 0); // idle + iowait
  const total = values.slice(0, 8).reduce((a, b) => a + b, 0); // guest time is already in user
  return { busy: total - idle, total };
}

/** utime + stime of a process, plus its reaped children's (the build's wrangler and esbuild). */
async function processTicks(pid) {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
    return fields[11] + fields[12] + fields[13] + fields[14];
  } catch {
    return 0;
  }
}

/**
 * CPU time (ms) the process has used so far, or null where /proc is missing. A run's CPU per
 * unit of work barely moves with other work on the machine, unlike its rate.
 */
async function processCpuMs(pid) {
  if (!pid) return null;
  const ticks = await processTicks(pid);
  return ticks > 0 ? ticks * 10 : null; // Linux reports in USER_HZ, 100 a second
}

/** `run()`'s result with `cpuMs`: the CPU the process used meanwhile (null where unknown). */
export async function withCpu(pid, run) {
  const before = await processCpuMs(pid);
  const result = await run();
  const after = await processCpuMs(pid);
  return { ...result, cpuMs: before === null || after === null ? null : after - before };
}

export async function startCpuAccounting(pids) {
  const loadBefore = os.loadavg()[0];
  let start;
  try {
    start = { machine: await machineTicks(), ours: (await Promise.all(pids.map(processTicks))).reduce((a, b) => a + b, 0) };
  } catch {
    return { stop: async () => null };
  }
  return {
    async stop() {
      const machine = await machineTicks();
      const ours = (await Promise.all(pids.map(processTicks))).reduce((a, b) => a + b, 0);
      const total = machine.total - start.machine.total;
      const busy = machine.busy - start.machine.busy;
      const oursDelta = ours - start.ours;
      const share = (ticks) => Number((ticks / total).toFixed(3));
      return {
        // Shares of all CPUs' time during the measurements (1 = every core busy all along).
        busyShare: share(busy),
        benchShare: share(oursDelta),
        otherWorkShare: share(Math.max(0, busy - oursDelta)),
        loadAverage1mBefore: Number(loadBefore.toFixed(2)),
        loadAverage1mAfter: Number(os.loadavg()[0].toFixed(2)),
      };
    },
  };
}
