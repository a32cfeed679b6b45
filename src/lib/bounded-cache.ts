/**
 * The one in-memory cache of the code base. An isolate lives for hours and serves many
 * accounts, so every cache must be bounded: least recently used entries go first (a Map
 * iterates in insertion order, and a hit is re-inserted), optionally by a total weight
 * too (e.g. the length of large keys), and entries can expire after `ttlMs`.
 */
export interface BoundedCacheOptions<K, V> {
  maxEntries: number;
  /** Entries older than this are treated as absent (and dropped when met). */
  ttlMs?: number;
  /** A cap on the sum of `weigh(key, value)` over the entries, for entries of very different sizes. */
  maxWeight?: number;
  weigh?: (key: K, value: V) => number;
  /** Milliseconds clock; injectable for tests. */
  now?: () => number;
}

interface Entry<V> {
  value: V;
  weight: number;
  expiresAt: number;
}

export class BoundedCache<K, V> {
  private readonly entries = new Map<K, Entry<V>>();
  private totalWeight = 0;
  private readonly maxEntries: number;
  private readonly maxWeight: number;
  private readonly ttlMs: number;
  private readonly weigh: (key: K, value: V) => number;
  private readonly now: () => number;

  constructor(options: BoundedCacheOptions<K, V>) {
    this.maxEntries = options.maxEntries;
    this.maxWeight = options.maxWeight ?? Infinity;
    this.ttlMs = options.ttlMs ?? Infinity;
    this.weigh = options.weigh ?? (() => 0);
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: K): V | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    this.entries.delete(key);
    if (entry.expiresAt <= this.now()) {
      this.totalWeight -= entry.weight;
      return undefined;
    }
    this.entries.set(key, entry); // now the most recently used
    return entry.value;
  }

  set(key: K, value: V): void {
    this.delete(key);
    const weight = this.weigh(key, value);
    if (weight > this.maxWeight) return; // would evict everything else for one entry
    this.entries.set(key, { value, weight, expiresAt: this.now() + this.ttlMs });
    this.totalWeight += weight;
    for (const [oldestKey, oldest] of this.entries) {
      if (this.entries.size <= this.maxEntries && this.totalWeight <= this.maxWeight) break;
      this.entries.delete(oldestKey);
      this.totalWeight -= oldest.weight;
    }
  }

  delete(key: K): boolean {
    const entry = this.entries.get(key);
    if (entry === undefined) return false;
    this.entries.delete(key);
    this.totalWeight -= entry.weight;
    return true;
  }

  /** Drops every entry whose value matches, e.g. all cache entries of a revoked key. */
  deleteWhere(matches: (value: V, key: K) => boolean): void {
    for (const [key, entry] of this.entries) if (matches(entry.value, key)) this.delete(key);
  }

  clear(): void {
    this.entries.clear();
    this.totalWeight = 0;
  }
}

/**
 * The cached promise for `key`, or a new one from `load`. Concurrent callers share one
 * promise; a promise that rejects is dropped so that the next call tries again instead of
 * failing forever (a transient error must not be remembered).
 */
export function cachedPromise<K, V>(cache: BoundedCache<K, Promise<V>>, key: K, load: () => Promise<V>): Promise<V> {
  const cached = cache.get(key);
  if (cached !== undefined) return cached;
  const loading = load();
  cache.set(key, loading);
  loading.catch(() => {
    if (cache.get(key) === loading) cache.delete(key);
  });
  return loading;
}
