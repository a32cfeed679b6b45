/**
 * Randomness as a dependency, like time: policies take a source of uniform numbers in [0, 1),
 * Math.random in service and a seeded one in tests, so a test can name the draws it gets.
 */
export type Random = () => number;

export const systemRandom: Random = () => Math.random();

/** A small seeded generator (mulberry32): the same seed gives the same draws. */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
