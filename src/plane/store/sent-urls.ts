/**
 * The URLs attempts were sent to, each stored once (schema v14): an attempt names its URL by the
 * id of its row in `sent_urls` instead of repeating the text. A URL is its task's, never
 * rendered per event, so the table holds the URLs tasks have had and is not purged.
 */

/** More distinct URLs than this in memory and the memory starts again (the table still has them). */
const MAX_REMEMBERED = 1_000;

/**
 * The ids of URLs, remembered by the object so that recording an attempt costs no lookup. An id
 * read or written inside a transaction is remembered only once that transaction has committed
 * (`committed`): a rolled-back insert frees its id, which a later insert may give another URL.
 */
export class SentUrlIds {
  private readonly known = new Map<string, number>();
  private readonly pending = new Map<string, number>();

  /** The URL's id, its row added when it is new. */
  idOf(sql: SqlStorage, url: string): number {
    const remembered = this.known.get(url) ?? this.pending.get(url);
    if (remembered !== undefined) return remembered;
    const id =
      sql.exec<{ id: number }>('SELECT id FROM sent_urls WHERE url = ?', url).toArray()[0]?.id ??
      sql.exec<{ id: number }>('INSERT INTO sent_urls (url) VALUES (?) RETURNING id', url).one().id;
    this.pending.set(url, id);
    return id;
  }

  /** The transaction that used `idOf` committed: its ids are safe to remember. */
  committed(): void {
    if (this.known.size + this.pending.size > MAX_REMEMBERED) this.known.clear();
    for (const [url, id] of this.pending) this.known.set(url, id);
    this.pending.clear();
  }

  /** It rolled back: what it wrote is gone, so nothing of it is remembered. */
  rolledBack(): void {
    this.pending.clear();
  }
}
