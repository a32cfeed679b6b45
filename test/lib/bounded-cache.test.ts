import { describe, expect, it } from 'vitest';
import { BoundedCache, cachedPromise } from '../../src/lib/bounded-cache';

describe('BoundedCache', () => {
  it('evicts the least recently used entry beyond the entry cap', () => {
    const cache = new BoundedCache<string, number>({ maxEntries: 2 });
    cache.set('a', 1);
    cache.set('b', 2);
    expect(cache.get('a')).toBe(1); // a is now more recent than b
    cache.set('c', 3);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(1);
    expect(cache.get('c')).toBe(3);
    expect(cache.size).toBe(2);
  });

  it('evicts by total weight and skips an entry heavier than the cap', () => {
    const cache = new BoundedCache<string, number>({ maxEntries: 100, maxWeight: 10, weigh: (key) => key.length });
    cache.set('aaaa', 1);
    cache.set('bbbb', 2);
    cache.set('cccc', 3);
    expect(cache.get('aaaa')).toBeUndefined();
    expect(cache.get('bbbb')).toBe(2);
    cache.set('x'.repeat(11), 4);
    expect(cache.get('x'.repeat(11))).toBeUndefined();
    expect(cache.size).toBe(2);
  });

  it('replaces an existing key without counting its weight twice', () => {
    const cache = new BoundedCache<string, number>({ maxEntries: 100, maxWeight: 8, weigh: (key) => key.length });
    cache.set('aaaa', 1);
    cache.set('aaaa', 2);
    cache.set('bbbb', 3);
    expect(cache.get('aaaa')).toBe(2);
    expect(cache.get('bbbb')).toBe(3);
  });

  it('expires entries after ttlMs, by the injected clock, and frees their weight', () => {
    let now = 1_000;
    const cache = new BoundedCache<string, number>({ maxEntries: 10, ttlMs: 100, maxWeight: 8, weigh: (key) => key.length, now: () => now });
    cache.set('aaaa', 1);
    now += 99;
    expect(cache.get('aaaa')).toBe(1);
    now += 1;
    expect(cache.get('aaaa')).toBeUndefined();
    expect(cache.size).toBe(0);
    // Reading does not extend the lifetime; setting again does.
    cache.set('bbbb', 2);
    cache.set('cccc', 3); // fits only if the expired entry's weight was given back
    expect(cache.get('bbbb')).toBe(2);
    now += 100;
    expect(cache.get('bbbb')).toBeUndefined();
  });

  it('deletes one key, the keys whose value matches, or everything', () => {
    const cache = new BoundedCache<string, { owner: string }>({ maxEntries: 10 });
    cache.set('a', { owner: 'x' });
    cache.set('b', { owner: 'y' });
    cache.set('c', { owner: 'x' });
    expect(cache.delete('b')).toBe(true);
    expect(cache.delete('b')).toBe(false);
    cache.deleteWhere((value) => value.owner === 'x');
    expect(cache.size).toBe(0);
    cache.set('d', { owner: 'z' });
    cache.clear();
    expect(cache.get('d')).toBeUndefined();
  });
});

describe('cachedPromise', () => {
  it('shares one promise between callers', async () => {
    const cache = new BoundedCache<string, Promise<number>>({ maxEntries: 10 });
    let loads = 0;
    const load = async () => ++loads;
    const [first, second] = await Promise.all([cachedPromise(cache, 'k', load), cachedPromise(cache, 'k', load)]);
    expect([first, second, loads]).toEqual([1, 1, 1]);
  });

  it('does not keep a rejected promise: the next call loads again', async () => {
    const cache = new BoundedCache<string, Promise<number>>({ maxEntries: 10 });
    let loads = 0;
    const load = async () => {
      loads++;
      if (loads === 1) throw new Error('transient');
      return loads;
    };
    await expect(cachedPromise(cache, 'k', load)).rejects.toThrow('transient');
    expect(cache.size).toBe(0);
    await expect(cachedPromise(cache, 'k', load)).resolves.toBe(2);
    await expect(cachedPromise(cache, 'k', load)).resolves.toBe(2);
    expect(loads).toBe(2);
  });
});
