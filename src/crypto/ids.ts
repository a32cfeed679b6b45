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
