/**
 * Identifiers. (API keys are minted in src/auth/api-keys.ts.)
 *
 * Ids are `<prefix>_<12 hex digits of ms time><16 random hex digits>`: they sort by creation
 * time, which lets lists page with a plain `id < cursor` on the primary key (and turns a time
 * range into an id range, `idFloorAt`).
 */
import { bytesToHex, randomBytes } from './encoding';

export type IdPrefix = 'acc' | 'key' | 'aut' | 'evt' | 'dlv';

export function newId(prefix: IdPrefix, now = Date.now()): string {
  return `${prefix}_${now.toString(16).padStart(12, '0')}${bytesToHex(randomBytes(8))}`;
}

/**
 * The smallest id a record created at `ms` can have: every id minted at or after `ms` sorts at
 * or above it and every earlier one below, so a time range is an id range on an index.
 */
export function idFloorAt(prefix: IdPrefix, ms: number): string {
  return `${prefix}_${Math.floor(ms).toString(16).padStart(12, '0')}`;
}

/**
 * Delivery ids carry their partition (src/domain/partitions.ts) after the time:
 * `dlv_<time>p<2 hex><13 random hex>`, as long as any other id. Partition 0 mints plain ids, so
 * every id minted before partitions existed (all in partition 0) reads as partition 0: 'p' is
 * no hex digit and never stands there in a plain id. Ids still sort by creation time.
 */
const PARTITION_MARK = 'p';
const MARK_AT = 'dlv_'.length + 12;

export function newDeliveryId(now: number, partition: number): string {
  if (partition === 0) return newId('dlv', now);
  const random = bytesToHex(randomBytes(7)).slice(0, 13);
  return `dlv_${now.toString(16).padStart(12, '0')}${PARTITION_MARK}${partition.toString(16).padStart(2, '0')}${random}`;
}

export function partitionOfDeliveryId(id: string): number {
  if (id[MARK_AT] !== PARTITION_MARK) return 0;
  const n = Number.parseInt(id.slice(MARK_AT + 1, MARK_AT + 3), 16);
  return Number.isInteger(n) ? n : 0;
}
