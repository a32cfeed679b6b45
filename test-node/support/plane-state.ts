/**
 * What the account objects had stored when a notifier was killed, read from their SQLite files
 * in its persistence directory (wrangler dev keeps Durable Objects under
 * `<persist-to>/v3/do/<worker>-<class>/`). Only for a stopped notifier: it shows which states a
 * crash actually caught, so a crash test can prove it covered them.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';

export interface DeliveryStates {
  /** Handed to a queue and not yet claimed: the message was in the local queue, lost with it. */
  queued: number;
  /** Claimed by a consumer (leased), whose report never came: it was being sent. */
  leased: number;
  /** Open, not handed to any queue yet. */
  waiting: number;
  /** Finished (succeeded, failed or cancelled). */
  finished: number;
}

export function accountPlaneStates(persistDir: string): DeliveryStates {
  const dir = join(persistDir, 'v3', 'do', 'http-notifier-AccountPlane');
  if (!existsSync(dir)) throw new Error(`no account objects under ${dir} (has wrangler's persistence layout changed?)`);
  const files = readdirSync(dir).filter((f) => f.endsWith('.sqlite'));
  let objects = 0;
  const total: DeliveryStates = { queued: 0, leased: 0, waiting: 0, finished: 0 };
  for (const file of files) {
    const db = new DatabaseSync(join(dir, file), { readOnly: true });
    try {
      // Besides one file per object, the folder holds workerd's own metadata.sqlite.
      if (!db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'deliveries'").get()) continue;
      objects++;
      const row = db
        .prepare(
          `SELECT
             count(*) FILTER (WHERE dispatch_token IS NOT NULL AND lease_until IS NULL) AS queued,
             count(*) FILTER (WHERE lease_until IS NOT NULL) AS leased,
             count(*) FILTER (WHERE dispatch_token IS NULL AND next_attempt_at IS NOT NULL) AS waiting,
             count(*) FILTER (WHERE next_attempt_at IS NULL) AS finished
           FROM deliveries`,
        )
        .get() as Record<keyof DeliveryStates, number>;
      for (const key of Object.keys(total) as (keyof DeliveryStates)[]) total[key] += Number(row[key]);
    } finally {
      db.close();
    }
  }
  if (objects === 0) throw new Error(`no account object's database among ${files.join(', ')} in ${dir}`);
  return total;
}
