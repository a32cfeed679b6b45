/**
 * A destination's concurrency cap shared by an account's partitions, with no I/O. Each
 * partition holds some of the destination's slots (its deliveries out with a queue message or a
 * consumer); the gate object (src/plane/gate-object.ts) keeps what each partition last said it
 * holds and grants new slots only while the account as a whole stays within the cap. A holding
 * not refreshed for HOLDING_STALE_MS (longer than any lease) is its partition's lost word and no
 * longer counts.
 */

/** The longest a delivery can be out (the longest consumer hold and the lease margin) and then some. */
export const HOLDING_STALE_MS = 35 * 60_000;

export interface Holding {
  /** Slots the partition holds. */
  held: number;
  /** When it last said so. */
  at: number;
}

export type Holdings = Record<string, Holding>;

/** Slots held by the partitions other than `partition`, counting only fresh holdings. */
export function heldByOthers(holdings: Holdings, partition: string, now: number): number {
  let n = 0;
  for (const [p, h] of Object.entries(holdings)) if (p !== partition && now - h.at < HOLDING_STALE_MS) n += h.held;
  return n;
}

export interface Grant {
  /** New slots the partition may fill now (on top of what it holds). */
  granted: number;
  /** Slots the other partitions hold: with the partition's own, what the cap is checked against. */
  others: number;
  holdings: Holdings;
  /** The partition asked for more than it got: wake it when slots free. */
  waiting: boolean;
}

/** `partition` holds `held` now and wants `want` more under `cap`. */
export function grant(holdings: Holdings, partition: string, held: number, want: number, cap: number, now: number): Grant {
  const others = heldByOthers(holdings, partition, now);
  const granted = Math.max(0, Math.min(want, cap - others - held));
  return {
    granted,
    others,
    holdings: { ...pruned(holdings, now), [partition]: { held: held + granted, at: now } },
    waiting: granted < want,
  };
}

/** What the partition holds now; `freed` says whether the account as a whole holds fewer slots. */
export function report(holdings: Holdings, partition: string, held: number, now: number): { holdings: Holdings; freed: boolean } {
  const before = holdings[partition];
  const freed = before !== undefined && now - before.at < HOLDING_STALE_MS && held < before.held;
  const next = pruned(holdings, now);
  if (held === 0) delete next[partition];
  else next[partition] = { held, at: now };
  return { holdings: next, freed };
}

function pruned(holdings: Holdings, now: number): Holdings {
  return Object.fromEntries(Object.entries(holdings).filter(([, h]) => now - h.at < HOLDING_STALE_MS));
}

/**
 * An automation's rate limit shared by the partitions: the gate keeps the automation's
 * theoretical arrival time (`tat`, as destination-gate.ts paces one object) and hands out send
 * times one interval apart, as many as are wanted and fall within `horizon` of now. `nextAt`:
 * when the next one after those could go.
 */
export function reservePaced(
  tat: number | undefined, perSecond: number, want: number, now: number, horizon: number, lead = 0,
): { times: number[]; tat: number | undefined; nextAt: number } {
  const interval = 1000 / perSecond;
  const times: number[] = [];
  // No earlier than `lead` from now: the time a consumer needs to have the request ready.
  let next = Math.max(tat ?? now, now + lead);
  while (times.length < want && next <= now + horizon) {
    times.push(next);
    next += interval;
  }
  return { times, tat: times.length > 0 ? next : tat, nextAt: next };
}
