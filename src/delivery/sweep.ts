/** The cron job: re-enqueue deliveries the queue lost, and purge rows past retention. */
import { getConfig } from '../config';
import { purgeOldRows, takeLostDeliveries } from '../db/maintenance';
import type { Env } from '../env';
import { enqueueDeliveries } from './enqueue';

/** How late a due delivery must be before it counts as lost (queue delivery takes seconds). */
export const LOST_AFTER_MS = 60_000;
const SWEEP_LIMIT = 500;
const PURGE_LIMIT = 1_000;

export interface SweepReport {
  requeued: number;
  purgedDeliveries: number;
  purgedEvents: number;
}

export async function sweep(env: Env, now = Date.now()): Promise<SweepReport> {
  const config = getConfig(env);
  const lost = await takeLostDeliveries(env.DB, now, LOST_AFTER_MS, SWEEP_LIMIT);
  await enqueueDeliveries(env.DELIVERY_QUEUE, lost);
  const purged = await purgeOldRows(env.DB, now - config.retentionDays * 86_400_000, PURGE_LIMIT);
  const report = { requeued: lost.length, purgedDeliveries: purged.deliveries, purgedEvents: purged.events };
  if (report.requeued || report.purgedDeliveries || report.purgedEvents) console.log(JSON.stringify({ msg: 'sweep', ...report }));
  return report;
}
