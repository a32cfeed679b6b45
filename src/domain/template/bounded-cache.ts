/**
 * Least-recently-used cache capped both by entry count and by the total length of the
 * keys. Compiled templates are keyed by their body, so the key length is a fair proxy
 * for the memory a compiled template holds; capping it keeps an isolate that sees many
 * large templates well inside the Worker's memory limit.
 */
export class BoundedCache<V> {
  private readonly entries = new Map<string, V>();
  private totalKeyLength = 0;

  constructor(
    private readonly maxEntries: number,
    private readonly maxTotalKeyLength: number,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  get(key: string): V | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) {
      // Re-insert so Map iteration order (oldest first) reflects recency of use.
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }

  set(key: string, value: V): void {
    if (key.length > this.maxTotalKeyLength) return; // would evict everything else for one entry
    if (this.entries.delete(key)) this.totalKeyLength -= key.length;
    this.entries.set(key, value);
    this.totalKeyLength += key.length;
    for (const oldestKey of this.entries.keys()) {
      if (this.entries.size <= this.maxEntries && this.totalKeyLength <= this.maxTotalKeyLength) break;
      this.entries.delete(oldestKey);
      this.totalKeyLength -= oldestKey.length;
    }
  }

  clear(): void {
    this.entries.clear();
    this.totalKeyLength = 0;
  }
}
