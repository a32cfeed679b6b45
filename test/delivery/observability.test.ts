/**
 * What operators see of each attempt (src/observability): one log line and one Analytics
 * Engine data point, written by the consumer while real deliveries are sent to the sink.
 */
import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createAccount, createAutomation, sinkRequests, unique } from '../helpers';
import { plane, runBatch, messageFor, seedDeliveries, SLOW_QUEUE, QUEUE } from './support';

afterEach(() => {
  vi.restoreAllMocks();
});

const LEVELS = ['log', 'info', 'warn', 'error', 'debug'] as const;

/** Every console line written while `run` runs (all levels), and the attempt lines parsed. */
async function consoleDuring<T>(run: () => Promise<T>) {
  const written: { level: (typeof LEVELS)[number]; line: string }[] = [];
  const spies = LEVELS.map((level) =>
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
      written.push({ level, line: args.map(String).join(' ') });
    }),
  );
  let result: T;
  try {
    result = await run();
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
  const lines = written.map((w) => w.line);
  const attemptLines = written.flatMap(({ level, line }) => {
    try {
      const parsed = JSON.parse(line) as Record<string, unknown>;
      // Written with console.log: an attempt, failed or not, is routine (level info).
      return parsed.msg === 'delivery attempt' && level === 'log' ? [parsed] : [];
    } catch {
      return [];
    }
  });
  return { result, written, lines, attemptLines };
}

const dataset = () => env.DELIVERY_ANALYTICS!;

/**
 * Spies on the dataset; `of(account)` is what was written for that account. Other tests'
 * deliveries retry in the background through the real queues (the schedule is 1, 2, 3 s
 * here), so each test reads only its own account's points and lines.
 */
function spyDataset() {
  const write = vi.spyOn(dataset(), 'writeDataPoint');
  return { write, of: (account: string) => write.mock.calls.map(([point]) => point!).filter((point) => point.indexes?.[0] === account) };
}

const linesOf = (lines: Record<string, unknown>[], account: string) => lines.filter((line) => line.account_id === account);

/** An automation whose URL carries secrets in its path and query, with a secret extra header and body. */
async function secretive(query = '') {
  const account = await createAccount();
  const bucket = unique('b');
  const secrets = {
    path: `path-secret-${unique('p')}`,
    query: `query-secret-${unique('q')}`,
    header: `header-secret-${unique('h')}`,
    body: `body-secret-${unique('d')}`,
  };
  const url = `${env.SINK_URL}/hook/${bucket}/${secrets.path}?token=${secrets.query}${query ? `&${query}` : ''}`;
  const automation = await createAutomation(account, {
    url, headers: { 'x-api-token': secrets.header }, body: `{"note": "${secrets.body}", "call": "{{call_id}}"}`,
  });
  const [id] = await seedDeliveries(account, { call_id: `call-secret-${unique('c')}` });
  return { account, automation, bucket, id: id!, secrets, origin: new URL(env.SINK_URL).origin };
}

describe('each attempt is written for operators', () => {
  it('a delivered webhook: one data point (account index; ids, origin, outcome, class, lane; duration, status, attempt numbers)', async () => {
    const { account, automation, bucket, id, origin } = await secretive();
    const points = spyDataset();
    const { result, attemptLines } = await consoleDuring(() => runBatch([messageFor(id)]));
    expect(result.explicitAcks).toEqual(['msg-0']);
    expect(await sinkRequests(bucket)).toHaveLength(1);

    expect(points.of(account.id)).toHaveLength(1);
    const point = points.of(account.id)[0]!;
    expect(point.indexes).toEqual([account.id]);
    expect(point.blobs).toEqual([account.id, automation.id, origin, 'succeeded', 'none', 'fast', id]);
    const [duration, status, attempt, scheduleAttempt, ...rest] = point.doubles!;
    expect(rest).toEqual([]);
    expect([status, attempt, scheduleAttempt]).toEqual([200, 1, 1]);
    expect(Number.isInteger(duration) && duration! >= 0).toBe(true);
    // The log line says the same, duration included.
    expect(linesOf(attemptLines, account.id)).toMatchObject([{ delivery_id: id, duration_ms: duration }]);
  });

  it('a delivered webhook: one log line with the fields, and no secret, header value, URL path or query, body or response anywhere in the output', async () => {
    // The sink echoes the body back, so the response holds the body's secret too.
    const { account, automation, bucket, id, secrets, origin } = await secretive('echo=1');
    const { lines, attemptLines } = await consoleDuring(() => runBatch([messageFor(id)]));
    const [sent] = await sinkRequests(bucket);
    expect(linesOf(attemptLines, account.id)).toEqual([{
      msg: 'delivery attempt',
      account_id: account.id,
      automation_id: automation.id,
      delivery_id: id,
      destination: origin,
      lane: 'fast',
      attempt: 1,
      schedule_attempt: 1,
      status_code: 200,
      duration_ms: expect.any(Number),
      outcome: 'succeeded',
      error_class: 'none',
    }]);
    // One JSON object per line: nothing else is printed with it.
    expect(lines.filter((line) => line.includes(id))).toHaveLength(1);
    const forbidden = [
      secrets.path, secrets.query, secrets.header, secrets.body, automation.signing_secret, automation.url,
      sent!.headers['webhook-signature']!, sent!.body, env.SECRETS_KEY!,
    ];
    expect(forbidden.every((text) => text.length > 8)).toBe(true);
    for (const line of lines) {
      for (const text of forbidden) expect(line.includes(text), `${line} contains ${text}`).toBe(false);
    }
  });

  it.each([
    ['500', 'status=500', { status_code: 500, outcome: 'failed', error_class: 'http_5xx' }],
    ['404', 'status=404', { status_code: 404, outcome: 'failed', error_class: 'http_4xx' }],
    ['a redirect', 'status=302&location=http%3A%2F%2Fexample.com%2F', { status_code: 302, outcome: 'failed', error_class: 'http_3xx' }],
    ['a timeout (1.5 s here)', 'delay_ms=4000', { status_code: null, outcome: 'failed', error_class: 'timeout' }],
  ])('a failed attempt (%s): its class, and the status when there was one', async (_name, query, expected) => {
    const { account, id } = await secretive(query);
    const points = spyDataset();
    // The slow lane, where a destination never heard from travels (the fast lane would stop a
    // 4 s answer at its send budget and move it, which is not an attempt).
    const { attemptLines } = await consoleDuring(() => runBatch([messageFor(id)], SLOW_QUEUE));
    expect(linesOf(attemptLines, account.id)).toMatchObject([{ delivery_id: id, ...expected }]);
    expect(points.of(account.id)).toHaveLength(1);
    const point = points.of(account.id)[0]!;
    expect(point.blobs!.slice(3, 5)).toEqual([expected.outcome, expected.error_class]);
    // No response: status 0 in the dataset (a double cannot be null).
    expect(point.doubles![1]).toBe(expected.status_code ?? 0);
  });

  it('a network error is classed "network", with status 0 and the lane it came from', async () => {
    // A loopback port nothing listens on (the sink's port + 1 is very unlikely to be taken).
    const account = await createAccount();
    const port = Number(new URL(env.SINK_URL).port) + 1;
    await createAutomation(account, { url: `http://127.0.0.1:${port}/x?token=query-secret` });
    const [id] = await seedDeliveries(account);
    const points = spyDataset();
    const { lines, attemptLines } = await consoleDuring(() => runBatch([messageFor(id!)], SLOW_QUEUE));
    expect(linesOf(attemptLines, account.id)).toMatchObject([
      { destination: `http://127.0.0.1:${port}`, lane: 'slow', status_code: null, outcome: 'failed', error_class: 'network' },
    ]);
    expect(points.of(account.id).map((point) => [point.blobs![5], point.doubles![1]])).toEqual([['slow', 0]]);
    // The fetch error's message is not logged: it may quote the URL.
    expect(lines.some((line) => line.includes('query-secret'))).toBe(false);
  });

  it('an attempt stopped before any request (a refused target) is written too, classed "refused"', async () => {
    // A loopback target, allowed where it was saved, refused by a consumer that refuses loopback
    // targets (as in production) when it checks the target again before sending.
    const { account, id, secrets, origin } = await secretive();
    const points = spyDataset();
    const { lines, attemptLines } = await consoleDuring(() => runBatch([messageFor(id)], QUEUE, { ...env, ALLOW_LOOPBACK_TARGETS: 'false' }));
    expect(linesOf(attemptLines, account.id)).toMatchObject([
      { destination: origin, status_code: null, duration_ms: 0, outcome: 'failed', error_class: 'refused' },
    ]);
    expect(points.of(account.id).map((point) => point.blobs!.slice(3, 5))).toEqual([['failed', 'refused']]);
    expect(lines.some((line) => line.includes(secrets.path) || line.includes(secrets.query))).toBe(false);
  });

  it('one data point per attempt: a batch of three deliveries writes three, one for each', async () => {
    const account = await createAccount();
    for (let i = 0; i < 3; i++) await createAutomation(account);
    const ids = await seedDeliveries(account);
    expect(ids).toHaveLength(3);
    const points = spyDataset();
    await runBatch(ids.map(messageFor), QUEUE);
    expect(points.of(account.id).map((point) => point.blobs![6]).sort()).toEqual([...ids].sort());
  });

  it('without the dataset binding, attempts are still logged and delivered', async () => {
    const { account, bucket, id } = await secretive();
    const { DELIVERY_ANALYTICS: _unbound, ...withoutDataset } = env;
    const { result, attemptLines } = await consoleDuring(() => runBatch([messageFor(id)], QUEUE, withoutDataset as Cloudflare.Env));
    expect(result.explicitAcks).toEqual(['msg-0']);
    expect(await sinkRequests(bucket)).toHaveLength(1);
    expect(linesOf(attemptLines, account.id)).toMatchObject([{ delivery_id: id, outcome: 'succeeded' }]);
  });

  it('a dataset that throws does not change the delivery: acked, reported, and the failure logged as an error', async () => {
    const { account, id } = await secretive();
    vi.spyOn(dataset(), 'writeDataPoint').mockImplementation(() => {
      throw new Error('too many data points');
    });
    const { result, written, attemptLines } = await consoleDuring(() => runBatch([messageFor(id)]));
    const errors = written.filter((w) => w.level === 'error' && w.line.includes(id)).map((w) => JSON.parse(w.line) as unknown);
    expect(result.explicitAcks).toEqual(['msg-0']);
    expect(result.retryMessages).toEqual([]);
    expect(linesOf(attemptLines, account.id)).toMatchObject([{ delivery_id: id, outcome: 'succeeded' }]);
    expect(errors).toEqual([{ msg: 'analytics write failed', delivery_id: id, error: 'too many data points' }]);
  });
});
