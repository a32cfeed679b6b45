/**
 * The webhook receiver: a plain Node HTTP server on loopback that answers 200 at once and
 * records each arrival (time, bucket = first path segment after /hook/, and the call_id the
 * rendered body carries, which identifies the event).
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';

const CALL_ID = /"call_id":"([^"\\]*)"/;

export async function startSink() {
  /** bucket → [{ t, marker }] */
  const buckets = new Map();
  /** bucket → [{ count, resolve }] */
  const waiters = new Map();

  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      const t = performance.now();
      const bucket = (req.url ?? '').split('/')[2]?.split('?')[0] ?? '';
      const body = Buffer.concat(chunks).toString('utf8');
      const list = buckets.get(bucket) ?? [];
      list.push({ t, marker: CALL_ID.exec(body.slice(0, 4096))?.[1] ?? null, bytes: body.length });
      buckets.set(bucket, list);
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '2' });
      res.end('ok');
      const pending = waiters.get(bucket);
      if (pending) {
        for (const waiter of [...pending]) {
          if (list.length >= waiter.count) {
            pending.splice(pending.indexOf(waiter), 1);
            waiter.resolve(true);
          }
        }
      }
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();

  return {
    url: (bucket) => `http://127.0.0.1:${port}/hook/${bucket}`,
    arrivals: (bucket) => buckets.get(bucket) ?? [],
    /** Resolves true once `bucket` has `count` arrivals, false after `timeoutMs`. */
    waitFor(bucket, count, timeoutMs) {
      if ((buckets.get(bucket)?.length ?? 0) >= count) return Promise.resolve(true);
      return new Promise((resolve) => {
        const waiter = { count, resolve };
        const list = waiters.get(bucket) ?? [];
        list.push(waiter);
        waiters.set(bucket, list);
        setTimeout(() => {
          const index = list.indexOf(waiter);
          if (index >= 0) {
            list.splice(index, 1);
            resolve(false);
          }
        }, timeoutMs).unref();
      });
    },
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
