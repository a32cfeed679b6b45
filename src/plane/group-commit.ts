/**
 * Group commit. The object's SQLite commits once per turn of its event loop, whatever that turn
 * wrote, and each commit has a fixed cost (the write-ahead log's frames for the pages every
 * write touches — the tables' and indexes' right-hand leaves — and a sync). A request that waits
 * here for the next turn is released with every other request that came to wait meanwhile, all
 * in that one turn, so their writes share one commit. Each request still gets its own answer,
 * and the object's output gate holds every answer until that commit is durable.
 */
export class GroupCommit {
  private waiting: (() => void)[] = [];

  /**
   * Resolves on the object's next turn, in the order asked, together with the requests that
   * asked before that turn. Until it resolves, the object takes other requests.
   */
  join(): Promise<void> {
    return new Promise((resolve) => {
      if (this.waiting.push(resolve) === 1) setTimeout(() => this.release(), 0);
    });
  }

  private release(): void {
    const waiting = this.waiting;
    this.waiting = [];
    for (const resolve of waiting) resolve();
  }
}
