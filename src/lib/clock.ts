/**
 * Time as a dependency: the delivery engine and the account object ask a clock instead of
 * calling Date.now(), so tests move time forward instead of sleeping or editing stored times.
 */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock that stands still until told to move (tests). */
export class ManualClock implements Clock {
  constructor(private at: number = Date.now()) {}

  now(): number {
    return this.at;
  }

  advance(ms: number): number {
    this.at += ms;
    return this.at;
  }

  set(at: number): void {
    this.at = at;
  }
}
