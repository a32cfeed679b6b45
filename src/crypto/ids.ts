/**
 * Identifiers. (API keys are minted in src/auth/api-keys.ts.)
 *
 * Ids are `<prefix>_<12 hex digits of ms time><16 random hex digits>`: they sort by creation
 * time, which lets lists page with a plain `id < cursor` on the primary key. SQL that mints
 * delivery ids in bulk (src/db/events.ts) builds the same shape.
 */
import { bytesToHex, randomBytes } from './encoding';

export type IdPrefix = 'acc' | 'key' | 'aut' | 'evt' | 'dlv';

export function newId(prefix: IdPrefix, now = Date.now()): string {
  return `${prefix}_${now.toString(16).padStart(12, '0')}${bytesToHex(randomBytes(8))}`;
}
