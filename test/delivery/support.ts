/**
 * Helpers for the delivery path: reading an account object's rows, seeding deliveries as if
 * the object had dispatched them (without a real queue message), and driving the Worker's
 * queue handler with hand-made batches.
 */
import { createExecutionContext, createMessageBatch, getQueueResult, runInDurableObject } from 'cloudflare:test';
import { vi } from 'vitest';
import { env } from 'cloudflare:workers';
import worker from '../../src/index';
import { newId, partitionOfDeliveryId } from '../../src/crypto/ids';
import { destinationOf } from '../../src/domain/destination-gate';
import { ManualClock } from '../../src/lib/clock';
import type { AccountPlane } from '../../src/plane/account-plane';
import { planeFor, planeKey } from '../../src/plane/client';
import { dispatched } from '../../src/domain/delivery-lifecycle';
import { getDeliveryRow, insertDelivery, updateDelivery } from '../../src/plane/store/deliveries';
import { eventData, insertEvent } from '../../src/plane/store/events';
import { unique, type TestAccount } from '../helpers';

export const QUEUE = 'http-notifier-deliveries';
export const SLOW_QUEUE = 'http-notifier-deliveries-slow';

export const plane = (accountId: string) => planeFor(env, accountId);

/** Runs `fn` inside the account's object, with its SQLite storage. */
export function inPlane<R>(accountId: string, fn: (instance: AccountPlane, sql: SqlStorage, state: DurableObjectState) => R | Promise<R>): Promise<R> {
  return runInDurableObject(plane(accountId), (instance: AccountPlane, state) => fn(instance, state.storage.sql, state));
}

/**
 * Puts a manual clock in the account's object (it asks that clock for every time it uses) and
 * returns it, so a test moves the object's time forward instead of waiting or editing rows.
 */
export async function manualClock(accountId: string, at = Date.now()): Promise<ManualClock> {
  const clock = new ManualClock(at);
  await inPlane(accountId, (instance) => {
    instance.clock = clock;
  });
  return clock;
}

/** Runs the object's alarm now (the test's positive signal that a scheduling pass is over). */
export const runAlarm = (accountId: string) => inPlane(accountId, (instance) => instance.alarm());

/**
 * Spies on the queue sends of the account's object: every delivery it hands to either lane.
 * Returns the delivery ids sent so far, read when called.
 */
export async function queueSpy(accountId: string): Promise<() => string[]> {
  const sent: string[] = [];
  await inPlane(accountId, (instance) => {
    const bindings = (instance as unknown as { env: Cloudflare.Env }).env;
    for (const queue of [bindings.DELIVERY_QUEUE, bindings.SLOW_DELIVERY_QUEUE]) {
      const original = queue.sendBatch.bind(queue);
      vi.spyOn(queue, 'sendBatch').mockImplementation((messages, options) => {
        for (const m of messages) sent.push((m.body as { delivery_id: string }).delivery_id);
        return original(messages, options);
      });
    }
  });
  return () => [...sent];
}

/**
 * Moves the object's clock to the delivery's next attempt and runs the alarm, which hands it to
 * the queue; resolves once that attempt has been reported (its lease and message released).
 */
export async function nextAttempt(accountId: string, id: string, clock: ManualClock): Promise<NonNullable<Awaited<ReturnType<typeof row>>>> {
  const before = (await row(id, accountId))!;
  if (before.next_attempt_at === null) throw new Error(`${id} is not waiting for another attempt (${before.status})`);
  clock.set(Math.max(clock.now(), before.next_attempt_at));
  await runAlarm(accountId);
  return vi.waitUntil(
    async () => {
      const now = (await row(id, accountId))!;
      return now.attempt_count > before.attempt_count && now.dispatch_token === null ? now : false;
    },
    { timeout: 10_000, interval: 20 },
  );
}

/**
 * Writes finished deliveries created at the given times straight into the log (ids minted from
 * those times, as the object mints them; finished, so the object never picks them up). A seed
 * may say how many attempts it used, its last error, and its event and destination.
 */
export interface LogSeed {
  automation: string;
  status: 'succeeded' | 'failed' | 'cancelled' | 'expired';
  at: number;
  attemptCount?: number;
  lastError?: string;
  eventId?: string;
  destination?: string;
}

export function seedLog(account: TestAccount, seeds: LogSeed[]): Promise<string[]> {
  return inPlane(account.id, (_instance, sql, state) =>
    state.storage.transactionSync(() =>
      seeds.map((seed) => {
        const id = newId('dlv', seed.at);
        sql.exec(
          `INSERT INTO deliveries (id, automation_id, event_id, destination, status, attempt_count, last_error, opened_at, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          id, seed.automation, seed.eventId ?? 'evt_seed', seed.destination ?? 'https://example.com', seed.status,
          seed.attemptCount ?? 0, seed.lastError ?? null, seed.at, seed.at, seed.at,
        );
        return id;
      }),
    ),
  );
}

/** Which account and dispatch token each seeded delivery has (messages must carry both). */
const seeded = new Map<string, { account: string; token: string }>();

/**
 * Stores an event and one delivery per enabled automation of the trigger, as ingestion does,
 * and marks each as handed to the queue with a known token, but sends no queue message: the
 * test delivers them with `deliver`.
 */
export async function seedDeliveries(account: TestAccount, data: Record<string, unknown> = {}, now = Date.now(), type = 'inbound_call_ended') {
  const { results } = await env.DB
    .prepare('SELECT id, url FROM automations WHERE account_id = ?1 AND trigger = ?2 AND enabled = 1 ORDER BY id')
    .bind(account.id, type)
    .all<{ id: string; url: string }>();
  const eventId = unique('evt');
  const ids = results.map(() => newId('dlv', now));
  await inPlane(account.id, (_instance, sql, state) => {
    sql.exec("INSERT OR IGNORE INTO schema_meta (key, value) VALUES ('account_id', ?)", account.id);
    state.storage.transactionSync(() => {
      insertEvent(sql, { id: eventId, type, occurredAt: now, data: JSON.stringify(data), isTest: false, receivedAt: now });
      results.forEach((automation, i) => {
        const id = ids[i]!;
        insertDelivery(sql, { id, automationId: automation.id, eventId, destination: destinationOf(automation.url), isTest: false, now });
        // As the object dispatches (the update; the queue message is the test's to send).
        const [update] = dispatched(id, `seed-${id}`, destinationOf(automation.url), 'fast', now);
        if (update?.kind === 'update_delivery') updateDelivery(sql, id, update.patch);
      });
    });
  });
  for (const id of ids) seeded.set(id, { account: account.id, token: `seed-${id}` });
  return ids;
}

/** The queue message the account object would have sent for a seeded delivery. */
export function messageFor(id: string) {
  const s = seeded.get(id);
  if (!s) throw new Error(`${id} was not seeded`);
  return { account_id: s.account, delivery_id: id, token: s.token };
}

/** Runs the Worker's queue handler on a batch and returns the ack/retry result. */
export async function runBatch(bodies: unknown[], queue = QUEUE, workerEnv: Cloudflare.Env = env) {
  const batch = createMessageBatch(
    queue,
    bodies.map((body, i) => ({ id: `msg-${i}`, timestamp: new Date(), attempts: 1, body })),
  );
  const ctx = createExecutionContext();
  await worker.queue(batch, workerEnv, ctx);
  return getQueueResult(batch, ctx);
}

export const deliver = (ids: string[]) => runBatch(ids.map(messageFor));

/** The key of the object holding the delivery: its account's, in the partition its id names. */
function accountOf(id: string, account?: string): string {
  const owner = account ?? seeded.get(id)?.account;
  if (!owner) throw new Error(`say which account ${id} belongs to`);
  return planeKey(owner, partitionOfDeliveryId(id));
}

/** The delivery's row in its account object. */
export async function row(id: string, account?: string) {
  return inPlane(accountOf(id, account), (_i, sql) => getDeliveryRow(sql, id));
}

export async function attempts(id: string, account?: string) {
  return inPlane(accountOf(id, account), (_i, sql) =>
    sql.exec<{ attempt: number; status_code: number | null; error: string | null; response_body: string | null; duration_ms: number }>(
      'SELECT * FROM all_attempts WHERE delivery_id = ? ORDER BY attempt', id,
    ).toArray());
}

/** A stored event's data, from whichever of the account's partitions holds it. */
export async function storedEvent(account: TestAccount, eventId: string): Promise<string> {
  const partitions = (await env.DB.prepare('SELECT partitions FROM accounts WHERE id = ?1').bind(account.id).first<{ partitions: number }>())!.partitions;
  for (let p = 0; p < partitions; p++) {
    // Read as the object reads it: stored packed (src/plane/store/packing.ts).
    const data = await inPlane(planeKey(account.id, p), (_i, sql) => eventData(sql, eventId));
    if (data !== null) return data;
  }
  throw new Error(`no partition of ${account.id} holds event ${eventId}`);
}
