/**
 * Group commit (src/plane/group-commit.ts): requests that wait for the object's next turn are
 * released together in that one turn, in the order they asked, so their writes share a commit.
 */
import { describe, expect, it } from 'vitest';
import { GroupCommit } from '../../src/plane/group-commit';

/** Resolves after the macrotasks queued before it: the end of a turn. */
const nextTurn = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

describe('group commit', () => {
  it('releases the requests of one moment together, in the order they asked, after the turns already queued', async () => {
    const group = new GroupCommit();
    const released: string[] = [];
    const atQueued: string[][] = [];
    const between: string[][] = [];
    // A request already on its way (its turn queued before the first join) joins the same group.
    const queued = nextTurn().then(() => {
      atQueued.push([...released]);
      return group.join();
    }).then(() => void released.push('queued'));
    const first = group.join().then(() => void released.push('first'));
    // A turn queued between two joins: it sees all of the group released or none, never a part.
    const middle = nextTurn().then(() => void between.push([...released]));
    const last = group.join().then(() => void released.push('last'));
    expect(released).toEqual([]);
    await Promise.all([queued, first, middle, last]);
    expect(atQueued).toEqual([[]]);
    expect(between).toEqual([['first', 'last', 'queued']]);
  });

  it('a request that asks after the release waits for the next turn, which it does not wait for alone', async () => {
    const group = new GroupCommit();
    const released: string[] = [];
    await group.join();
    released.push('first');
    const second = group.join().then(() => void released.push('second'));
    const third = group.join().then(() => void released.push('third'));
    expect(released).toEqual(['first']);
    await nextTurn();
    expect(released).toEqual(['first', 'second', 'third']);
    await Promise.all([second, third]);
  });
});
