/** Shared test helpers: calls through the real Worker, fixtures, and the webhook sink. */
import { env, exports } from 'cloudflare:workers';
import { expect, vi } from 'vitest';
import type { SinkRequest } from './global-setup';

export const OPERATOR = 'test-operator-token';

export interface CallOptions {
  method?: string;
  token?: string | null;
  body?: unknown;
  /** Sent as is (for malformed-body tests) instead of JSON-encoding `body`. */
  rawBody?: string;
  headers?: Record<string, string>;
}

export async function call(path: string, options: CallOptions = {}): Promise<{ status: number; body: any; headers: Headers }> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.rawBody !== undefined) body = options.rawBody;
  else if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined && !('content-type' in headers)) headers['content-type'] = 'application/json';
  const response = await exports.default.fetch(new Request(`http://notifier.test${path}`, { method: options.method ?? (body === undefined ? 'GET' : 'POST'), headers, body }));
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null, headers: response.headers };
}

/** Asserts the standard error envelope and returns its details. */
export function expectError(result: { status: number; body: any }, status: number, code: string) {
  expect(result.status, JSON.stringify(result.body)).toBe(status);
  expect(result.body).toMatchObject({ error: { code, message: expect.any(String), details: expect.any(Array) } });
  return result.body.error as { code: string; message: string; details: { path: string; message: string }[] };
}

let counter = 0;
export const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${(counter++).toString(36)}`;

export interface TestAccount {
  id: string;
  admin: string;
  events: string;
}

/**
 * Accounts are created with TEST_PARTITIONS partitions (1 unless a suite is run partitioned, see
 * vitest.partitions.config.ts), so the same tests show that N partitions behave as one.
 */
export async function createAccount(options: { enabled?: boolean; partitions?: number } = {}): Promise<TestAccount> {
  const id = unique('acct');
  const created = await call('/v1/accounts', { token: OPERATOR, body: { id, name: `Account ${id}` } });
  expect(created.status).toBe(201);
  const partitions = options.partitions ?? Number(env.TEST_PARTITIONS ?? '1');
  if (partitions > 1) expect((await call(`/v1/accounts/${id}`, { method: 'PATCH', token: OPERATOR, body: { partitions } })).status).toBe(200);
  if (options.enabled ?? true) {
    expect((await call(`/v1/accounts/${id}/http-notifier`, { method: 'PUT', token: OPERATOR, body: { enabled: true } })).status).toBe(200);
  }
  const admin = await call(`/v1/accounts/${id}/api-keys`, { token: OPERATOR, body: { role: 'admin' } });
  const events = await call(`/v1/accounts/${id}/api-keys`, { token: OPERATOR, body: { role: 'events' } });
  return { id, admin: admin.body.key, events: events.body.key };
}

import { SAMPLE_BODY } from '../src/catalog/sample-body';
export { SAMPLE_BODY };

export const sinkUrl = (bucket: string, query = '') => `${env.SINK_URL}/hook/${bucket}${query ? `?${query}` : ''}`;

export type { SinkRequest };

export async function sinkRequests(bucket: string): Promise<SinkRequest[]> {
  const response = await fetch(`${env.SINK_URL}/requests/${bucket}`);
  return (await response.json()) as SinkRequest[];
}

/** Waits until the sink bucket has received at least `count` requests. */
export async function waitForSink(bucket: string, count = 1, timeout = 10_000): Promise<SinkRequest[]> {
  return vi.waitUntil(
    async () => {
      const list = await sinkRequests(bucket);
      return list.length >= count ? list : false;
    },
    { timeout, interval: 50 },
  );
}

export async function createAutomation(account: TestAccount, overrides: Record<string, unknown> = {}) {
  const result = await call('/v1/automations', {
    token: account.admin,
    body: { name: 'Call ended', trigger: 'inbound_call_ended', url: sinkUrl(unique('b')), body: SAMPLE_BODY, ...overrides },
  });
  expect(result.status, JSON.stringify(result.body)).toBe(201);
  return result.body as { id: string; url: string; signing_secret: string } & Record<string, unknown>;
}

export async function postEvent(account: TestAccount, event: Record<string, unknown>) {
  return call('/v1/events', { token: account.events, body: event });
}

export async function waitForDelivery(account: TestAccount, id: string, statuses: string[], timeout = 10_000) {
  return vi.waitUntil(
    async () => {
      const result = await call(`/v1/deliveries/${id}`, { token: account.admin });
      return statuses.includes(result.body?.status) ? result.body : false;
    },
    { timeout, interval: 50 },
  );
}
