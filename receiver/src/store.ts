/**
 * Storage for captured requests.
 *
 * Why a Durable Object with SQLite rather than a module-level array: `wrangler dev` reloads the
 * Worker on every source change (and a restart loses memory altogether), which would silently
 * empty the list while someone is looking at it; the Durable Object's SQLite file persists under
 * `.wrangler/state` across reloads and restarts. A single named instance also serialises writes,
 * so the "newest 200" trimming and DELETE /requests stay consistent even with concurrent
 * deliveries (and it would still be correct if the runtime ever used more than one isolate).
 */
import { DurableObject } from 'cloudflare:workers';
import type { Env } from './env';

/** How many requests are kept, newest first. */
export const MAX_STORED_REQUESTS = 200;
/**
 * Total body bytes kept. Not asked for, but without it 200 requests of up to 1 MiB each could
 * exceed what one RPC result (32 MiB) and one isolate's memory can carry when the list is read.
 * The newest request is always kept; older ones are dropped first.
 */
export const MAX_STORED_BODY_BYTES = 16 * 1024 * 1024;
/** Secrets kept per path: the current one and a few previous ones still signing during an overlap. */
export const MAX_SECRETS_PER_PATH = 4;

export interface NewRequest {
  method: string;
  path: string;
  /** The raw query string without the leading `?` (empty when there is none). */
  query: string;
  /** Lower-cased header names, as the runtime presents them. */
  headers: Record<string, string>;
  body: ArrayBuffer;
  /** Milliseconds since the epoch. */
  receivedAt: number;
}

export interface StoredRequest extends NewRequest {
  id: string;
  size: number;
}

type Row = {
  id: string;
  method: string;
  path: string;
  query: string;
  headers: string;
  body: ArrayBuffer | null;
  size: number;
  received_at: number;
};

export class RequestLog extends DurableObject<Env> {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    // Bodies are kept as bytes: decoding first could grow 1 MiB of non-UTF-8 into 3 MiB of
    // replacement characters, past SQLite's per-value limit in Durable Objects (2 MB).
    this.sql.exec(`CREATE TABLE IF NOT EXISTS requests (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      id TEXT NOT NULL UNIQUE,
      method TEXT NOT NULL,
      path TEXT NOT NULL,
      query TEXT NOT NULL,
      headers TEXT NOT NULL,
      body BLOB,
      size INTEGER NOT NULL,
      received_at INTEGER NOT NULL
    )`);
    // Signing secrets learned per path (`npm run demo` tells the receiver each of its tasks'), so
    // every task's webhooks are checked with their own secret. The newest few per path are kept:
    // after a rotation with an overlap both the new and the previous secret still sign.
    this.sql.exec(`CREATE TABLE IF NOT EXISTS secrets (
      path TEXT NOT NULL,
      secret TEXT NOT NULL,
      learned_at INTEGER NOT NULL,
      PRIMARY KEY (path, secret)
    )`);
  }

  /** Remembers `secret` for requests to `path` (the newest MAX_SECRETS_PER_PATH are kept). */
  learn(path: string, secret: string, at: number): void {
    this.sql.exec('INSERT OR REPLACE INTO secrets (path, secret, learned_at) VALUES (?, ?, ?)', path, secret, at);
    this.sql.exec(
      `DELETE FROM secrets WHERE path = ?1 AND secret NOT IN (SELECT secret FROM secrets WHERE path = ?1 ORDER BY learned_at DESC LIMIT ?2)`,
      path, MAX_SECRETS_PER_PATH,
    );
  }

  /** Path → its learned secrets, newest first. */
  learned(): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const row of this.sql.exec<{ path: string; secret: string }>('SELECT path, secret FROM secrets ORDER BY learned_at DESC').toArray()) {
      (out[row.path] ??= []).push(row.secret);
    }
    return out;
  }

  add(request: NewRequest): StoredRequest {
    const id = crypto.randomUUID();
    const size = request.body.byteLength;
    this.sql.exec(
      'INSERT INTO requests (id, method, path, query, headers, body, size, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      id,
      request.method,
      request.path,
      request.query,
      JSON.stringify(request.headers),
      request.body,
      size,
      request.receivedAt,
    );
    this.sql.exec(
      `DELETE FROM requests WHERE seq IN (
         SELECT seq FROM (
           SELECT seq,
                  ROW_NUMBER() OVER (ORDER BY seq DESC) AS position,
                  SUM(size) OVER (ORDER BY seq DESC) AS bytes_so_far
           FROM requests)
         WHERE position > ? OR (position > 1 AND bytes_so_far > ?))`,
      MAX_STORED_REQUESTS,
      MAX_STORED_BODY_BYTES,
    );
    return { ...request, id, size };
  }

  /** Newest first. */
  list(): StoredRequest[] {
    return this.sql
      .exec<Row>('SELECT id, method, path, query, headers, body, size, received_at FROM requests ORDER BY seq DESC')
      .toArray()
      .map((row) => ({
        id: row.id,
        method: row.method,
        path: row.path,
        query: row.query,
        headers: JSON.parse(row.headers) as Record<string, string>,
        body: row.body ?? new ArrayBuffer(0),
        size: row.size,
        receivedAt: row.received_at,
      }));
  }

  clear(): number {
    return this.sql.exec('DELETE FROM requests').rowsWritten;
  }
}

/** The one log every request of this receiver goes to. */
export function requestLog(env: Env): DurableObjectStub<RequestLog> {
  return env.REQUEST_LOG.getByName('requests');
}
