/**
 * A webhook receiver for Node-side tests: a plain HTTP server on 127.0.0.1 that answers
 * `status` (200 unless a test changes it: the same endpoint can fail, then recover) after
 * `delayMs`, so that requests stay open a moment, and records every request with its
 * `webhook-id` and the status it got. It also notes any `webhook-id` that arrives while a
 * request with the same id is still open: one delivery sent twice at the same time.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  webhookId: string;
  path: string;
  body: string;
  at: number;
  /** The status it was answered with. */
  status: number;
}

export interface WebhookSink {
  url: string;
  received: ReceivedWebhook[];
  /** What the next requests are answered with (200 to start). */
  status: number;
  /** webhook-ids that arrived while another request with the same id was still open. */
  overlapping: string[];
  /** Called as each request's body has arrived, before it is answered. */
  onRequest: ((webhook: ReceivedWebhook) => void) | null;
  close(): Promise<void>;
}

/** On `port` when given (say one that refused connections until now), else on a free one. */
export async function startWebhookSink({ delayMs = 0, port: wantedPort = 0 } = {}): Promise<WebhookSink> {
  const open = new Map<string, number>();
  const server = createServer((req, res) => {
    const webhookId = String(req.headers['webhook-id'] ?? '');
    const count = (open.get(webhookId) ?? 0) + 1;
    open.set(webhookId, count);
    if (count > 1) sink.overlapping.push(webhookId);
    // 'close' also fires when the sender dies mid-request (the notifier is killed).
    res.once('close', () => open.set(webhookId, (open.get(webhookId) ?? 1) - 1));
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const { status } = sink;
      const webhook = { webhookId, path: req.url ?? '', body: Buffer.concat(chunks).toString('utf8'), at: Date.now(), status };
      sink.received.push(webhook);
      sink.onRequest?.(webhook);
      setTimeout(() => res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'ok' : 'failing on purpose'), delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(wantedPort, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const sink: WebhookSink = {
    url: `http://127.0.0.1:${port}`,
    received: [],
    status: 200,
    overlapping: [],
    onRequest: null,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return sink;
}
