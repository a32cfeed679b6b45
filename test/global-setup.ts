/**
 * Runs in Node before the suites: starts a real HTTP server on loopback that the Worker's
 * webhooks are sent to (tests run with ALLOW_LOOPBACK_TARGETS=true).
 *
 * Every request to /hook/<bucket>/... is recorded under its bucket (one per test, so tests
 * never see each other's webhooks) and answered as its query asks:
 *   status=NNN            answer with that status (default 200)
 *   retry_after=VALUE     send a Retry-After header
 *   location=URL          send a Location header (for redirect tests)
 *   delay_ms=N            wait before answering (timeout tests)
 *   fail_first=N          answer 503 to the first N requests of the bucket, then 200
 *   fail_match=TEXT       with fail_first: only requests whose body contains TEXT fail (and count)
 *   body_size=N           answer with an N-byte body
 *   body_tail=TEXT        append TEXT (UTF-8) to that body, e.g. to put a multi-byte character at a cut
 *   echo=1                answer with the request's own body (what the attempt log then stores)
 *   length=1              declare the body's Content-Length (otherwise it is sent chunked)
 *   reject_token=TOKEN    answer 401 to a request with `Authorization: Bearer TOKEN`
 * Each record also says how many of the bucket's requests were in flight when it arrived.
 * GET /requests/<bucket> lists what the bucket received.
 *
 * /token/<bucket>/... is an OAuth2 token endpoint, recorded in its bucket too: it answers
 * {"access_token": "tok-<bucket>-<n>", "token_type": "Bearer", "expires_in"} for its n-th
 * request, with expires_in=N from the query (default 3600), or as it asks: status=NNN,
 * answer=TEXT (that body instead), body_size=N (an N-byte body), delay_ms=N.
 */
import http from 'node:http';
import type { TestProject } from 'vitest/node';

/** One request as the sink recorded it (also the shape tests read back, see test/helpers.ts). */
export interface SinkRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  received_at: number;
  /** Requests of this bucket in flight when this one arrived (itself included). */
  concurrent: number;
}

export default async function setup(project: TestProject) {
  const buckets = new Map<string, SinkRequest[]>();
  const inFlight = new Map<string, number>();
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://sink');
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const [, kind, bucket = ''] = url.pathname.split('/');
      if (kind === 'requests') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(buckets.get(bucket) ?? []));
        return;
      }
      if (kind !== 'hook' && kind !== 'token') {
        res.writeHead(404);
        res.end();
        return;
      }
      const list = buckets.get(bucket) ?? [];
      const concurrent = (inFlight.get(bucket) ?? 0) + 1;
      inFlight.set(bucket, concurrent);
      res.on('close', () => inFlight.set(bucket, (inFlight.get(bucket) ?? 1) - 1));
      list.push({
        method: req.method ?? '',
        path: url.pathname + url.search,
        headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : v ?? ''])),
        body: Buffer.concat(chunks).toString('utf8'),
        received_at: Date.now(),
        concurrent,
      });
      buckets.set(bucket, list);
      const q = url.searchParams;
      if (kind === 'token') {
        const n = list.filter((r) => r.path.startsWith('/token/')).length;
        const answer = q.get('answer')
          ?? (q.get('body_size') ? 'x'.repeat(Number(q.get('body_size'))) : undefined)
          ?? JSON.stringify({ access_token: `tok-${bucket}-${n}`, token_type: 'Bearer', expires_in: Number(q.get('expires_in') ?? 3600) });
        setTimeout(() => {
          if (res.destroyed) return;
          res.writeHead(Number(q.get('status') ?? 200), { 'content-type': 'application/json' });
          res.end(answer);
        }, Number(q.get('delay_ms') ?? 0));
        return;
      }
      const rejected = q.get('reject_token');
      if (rejected !== null && req.headers.authorization === `Bearer ${rejected}`) {
        res.writeHead(401, { 'content-type': 'text/plain', 'www-authenticate': 'Bearer error="invalid_token"' });
        res.end('token rejected');
        return;
      }
      const failFirst = Number(q.get('fail_first') ?? 0);
      // With fail_match, only requests whose body contains it count towards fail_first.
      const match = q.get('fail_match');
      const counted = match === null ? list.length : list.filter((r) => r.body.includes(match)).length;
      const failing = (match === null || list[list.length - 1]!.body.includes(match)) && counted <= failFirst;
      const status = failing ? 503 : Number(q.get('status') ?? 200);
      const headers: Record<string, string> = { 'content-type': 'text/plain' };
      if (q.get('retry_after')) headers['retry-after'] = q.get('retry_after')!;
      if (q.get('location')) headers.location = q.get('location')!;
      const body = q.get('echo') === '1'
        ? list[list.length - 1]!.body
        : q.get('body_size') ? 'x'.repeat(Number(q.get('body_size'))) + (q.get('body_tail') ?? '') : `sink answered ${status}`;
      if (q.get('length') === '1') headers['content-length'] = String(Buffer.byteLength(body));
      setTimeout(() => {
        if (res.destroyed) return;
        res.writeHead(status, headers);
        res.end(body);
      }, Number(q.get('delay_ms') ?? 0));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  project.provide('sinkUrl', `http://127.0.0.1:${port}`);
  return () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
}
