/**
 * The webhook receiver: a plain Node HTTP server on loopback that records each arrival (time,
 * bucket = first path segment after /hook/, and the call_id the rendered body carries, which
 * identifies the event), once per webhook-id. A bucket answers 200 at once unless it was given another behaviour:
 * a receiver that never answers, one that fails, one that asks to wait, or one that is slow.
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';

const CALL_ID = /"call_id":"([^"\\]*)"/;

/** How a bucket answers. */
export const BEHAVIOURS = {
  ok: (res) => answer(res, 200, 'ok'),
  /** 200 with a receiver's usual small JSON acknowledgement (it is stored with the attempt). */
  ackJson: (res) => answer(res, 200, JSON.stringify({ status: 'received', request_id: crypto.randomUUID() }), { 'content-type': 'application/json' }),
  /** Holds the request open until the sender gives up (its DELIVERY_TIMEOUT_MS). */
  hang: () => {},
  fail500: (res) => answer(res, 500, 'broken'),
  /** Rate-limited: asks every sender to come back in 30 s. */
  retry429: (res) => answer(res, 429, 'slow down', { 'retry-after': '30' }),
  /** Healthy but slow: 200 after one second. */
  slow1s: (res) => setTimeout(() => answer(res, 200, 'ok'), 1000),
};

function answer(res, status, text, headers = {}) {
  if (res.destroyed) return;
  res.writeHead(status, { 'content-type': 'text/plain', 'content-length': String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

export async function startSink() {
  /** bucket → [{ t, marker, bytes }] */
  const buckets = new Map();
  /** bucket → [{ count, resolve }] */
  const waiters = new Map();
  /** bucket → behaviour name (default ok) */
  const behaviours = new Map();
  /** bucket → webhook-ids received; bucket → requests received, repeats included */
  const seenIds = new Map();
  const requestCounts = new Map();

  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      const t = performance.now();
      const bucket = (req.url ?? '').split('/')[2]?.split('?')[0] ?? '';
      const body = Buffer.concat(chunks).toString('utf8');
      requestCounts.set(bucket, (requestCounts.get(bucket) ?? 0) + 1);
      BEHAVIOURS[behaviours.get(bucket) ?? 'ok'](res);
      // As a Standard Webhooks receiver does, a webhook-id already received is a repeat, not a
      // new arrival: a retry, or a fast-lane send moved to the slow lane after its budget.
      const id = req.headers['webhook-id'];
      const seen = seenIds.get(bucket) ?? new Set();
      seenIds.set(bucket, seen);
      if (typeof id === 'string' && seen.has(id)) return;
      if (typeof id === 'string') seen.add(id);
      const list = buckets.get(bucket) ?? [];
      list.push({ t, marker: CALL_ID.exec(body.slice(0, 4096))?.[1] ?? null, bytes: body.length });
      buckets.set(bucket, list);
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
    /** Makes `bucket` answer as one of BEHAVIOURS from now on. */
    behave(bucket, behaviour) {
      if (!BEHAVIOURS[behaviour]) throw new Error(`unknown sink behaviour ${behaviour}`);
      behaviours.set(bucket, behaviour);
    },
    /** Each webhook's first arrival (a repeated webhook-id is not one). */
    arrivals: (bucket) => buckets.get(bucket) ?? [],
    /** Every request the bucket got, repeats included (retries of a failing endpoint). */
    requests: (bucket) => requestCounts.get(bucket) ?? 0,
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
