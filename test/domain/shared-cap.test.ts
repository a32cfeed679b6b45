import { describe, expect, it } from 'vitest';
import { grant, HOLDING_STALE_MS, heldByOthers, report, reservePaced } from '../../src/domain/shared-cap';

const T0 = 1_800_000_000_000;

describe('a destination cap shared by partitions', () => {
  it('grants slots only while the partitions together stay within the cap', () => {
    let g = grant({}, 'a', 0, 3, 4, T0);
    expect(g).toMatchObject({ granted: 3, others: 0, waiting: false });
    g = grant(g.holdings, 'b', 0, 3, 4, T0);
    expect(g).toMatchObject({ granted: 1, others: 3, waiting: true });
    g = grant(g.holdings, 'c', 0, 1, 4, T0);
    expect(g).toMatchObject({ granted: 0, others: 4, waiting: true });
    // A partition's own holding counts against the cap too.
    expect(grant(g.holdings, 'a', 3, 5, 4, T0)).toMatchObject({ granted: 0, others: 1 });
  });

  it('frees slots when a partition holds fewer, and says so only when it does', () => {
    const held = grant({}, 'a', 0, 2, 4, T0).holdings;
    expect(report(held, 'a', 2, T0 + 1).freed).toBe(false);
    const fewer = report(held, 'a', 1, T0 + 1);
    expect(fewer.freed).toBe(true);
    expect(heldByOthers(fewer.holdings, 'b', T0 + 1)).toBe(1);
    expect(report(fewer.holdings, 'a', 0, T0 + 2).holdings).toEqual({});
  });

  it('forgets a holding its partition stopped confirming (longer than any lease)', () => {
    const held = grant({}, 'a', 0, 4, 4, T0).holdings;
    expect(grant(held, 'b', 0, 1, 4, T0 + HOLDING_STALE_MS - 1).granted).toBe(0);
    expect(grant(held, 'b', 0, 1, 4, T0 + HOLDING_STALE_MS).granted).toBe(1);
  });

  it('hands out send times one interval apart, after the last one taken, within the horizon', () => {
    const first = reservePaced(undefined, 2, 3, T0, 2_000, 250);
    expect(first).toEqual({ times: [T0 + 250, T0 + 750, T0 + 1250], tat: T0 + 1750, nextAt: T0 + 1750 });
    // Another partition a moment later queues behind those, up to the horizon.
    const second = reservePaced(first.tat, 2, 5, T0 + 10, 2_000, 250);
    expect(second.times).toEqual([T0 + 1750]);
    expect(second.nextAt).toBe(T0 + 2250);
    // Nothing within the horizon: nothing taken, and the pace is unchanged.
    expect(reservePaced(second.tat, 2, 1, T0 + 10, 100, 0)).toEqual({ times: [], tat: second.tat, nextAt: second.tat });
  });
});
