/** Resident memory of the workerd process, read from /proc (Linux only; null elsewhere). */
import { readFile } from 'node:fs/promises';

const MiB = 1024 * 1024;

/** { rss, hwm } in bytes: current resident set and its high-water mark since the process started. */
export async function readMemory(pid) {
  if (!pid) return null;
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kib = (field) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
    return { rss: kib('VmRSS'), hwm: kib('VmHWM') };
  } catch {
    return null;
  }
}

export const toMiB = (bytes) => bytes / MiB;

/** Samples RSS every `intervalMs` until stopped; keeps the peak overall and since the last lap. */
export function startSampler(pid, intervalMs) {
  let peak = 0;
  let lapPeak = 0;
  let samples = 0;
  let reading = false;
  const timer = setInterval(async () => {
    if (reading) return; // never stack reads if the machine is slow
    reading = true;
    const memory = await readMemory(pid);
    reading = false;
    if (memory) {
      peak = Math.max(peak, memory.rss);
      lapPeak = Math.max(lapPeak, memory.rss);
      samples++;
    }
  }, intervalMs);
  return {
    get peak() {
      return peak;
    },
    /** The peak since the previous lap, and start a new lap. */
    lap() {
      const result = lapPeak;
      lapPeak = 0;
      return result;
    },
    stop() {
      clearInterval(timer);
      return { peak, samples };
    },
  };
}
