/**
 * How deliveries come to be: an event posted by the platform (one delivery per matching
 * automation), a test send, and the replay of a stored event. Each event is stored whole with
 * its deliveries, or not at all.
 */
import { newDeliveryId, newId } from '../crypto/ids';
import type { BusinessKeys } from '../domain/business-keys';
import { fanOut } from '../domain/conditions';
import { expiryOf } from '../domain/delivery-lifecycle';
import { orderOf } from '../domain/ordering';
import type { AutomationSnapshot } from './account-config';
import { automationsChanged } from './changes';
import { echoesAmong } from './echoes';
import type { PlaneRuntime } from './runtime';
import { insertDelivery } from './store/deliveries';
import { getEvent, insertEvent, insertEventKeys, insertEventRow, type StoredKeys } from './store/events';
import { countFiltered } from './store/stats';

export interface IngestInput {
  id: string;
  type: string;
  occurredAt: number;
  data: string;
  receivedAt: number;
  /** Its business keys, as the Worker found them to route it (so the object need not parse `data`). */
  keys?: BusinessKeys;
}

export type ReplayResult =
  | { replayed: string[] }
  | { notFound: true }
  | { invalid: { path: string; message: string }[] };

export type IngestResult = { duplicate: boolean; deliveryIds: string[] };

/**
 * Stores the event and one delivery per enabled automation of its trigger whose conditions it
 * meets, in one transaction; each automation whose conditions filtered it out counts it.
 */
export async function ingest(rt: PlaneRuntime, event: IngestInput): Promise<IngestResult> {
  return (await ingestBatch(rt, [event]))[0]!;
}

/**
 * Stores several events (a batch's share for this partition), each exactly as `ingest` would
 * one after the other: an id already stored, or met earlier in `events`, is a duplicate. Each
 * event is stored whole — its row, its deliveries, its filtered counts — or not at all; should
 * one fail, those before it stand (stored, with their key rows) and the call throws, so the
 * answer never says stored for an event that is not, and posting the rest again is safe.
 */
export async function ingestBatch(rt: PlaneRuntime, events: IngestInput[]): Promise<IngestResult[]> {
  // With the other ingest requests of this moment (group-commit.ts): what follows runs in their
  // turn, in the order they came, and one commit carries all of their writes.
  await rt.intake.join();
  const config = await rt.loadConfig();
  // The object's clock times its deliveries (and so their ids); the event keeps when the API took it.
  const now = rt.now();
  // Loop protection: an automation whose webhooks come back as these events is turned off first,
  // and none of them is delivered to it.
  const echoes = await echoesAmong(rt, events, now);
  if (echoes.effects.length > 0) await rt.transact((apply) => apply(echoes.effects));
  const matching = (type: string) =>
    config.integrationEnabled ? [...config.automations.values()].filter((a) => a.enabled && a.trigger === type && !echoes.tripped.has(a.id)) : [];
  const split = events.map((event) => conditionsSplit(matching(event.type), event.data));
  const targets = split.map((s) => s.deliver);
  // Ids minted in one millisecond sort by their random part; sorted before use, they follow the
  // events' order, which per-call ordering takes as arrival when occurred_at is the same.
  const ids = Array.from({ length: targets.reduce((n, t) => n + t.length, 0) }, () => newDeliveryId(now, rt.partition)).sort();
  let next = 0;
  const stored: StoredKeys[] = [];
  const store = (event: IngestInput, i: number): { row: StoredKeys | null; deliveryIds: string[] } => {
    const row = insertEventRow(rt.sql, { ...event, isTest: false, unmatched: targets[i]!.length === 0 });
    if (!row) return { row, deliveryIds: [] };
    for (const automation of split[i]!.filtered) countFiltered(rt.sql, automation.id, now);
    const deliveryIds = targets[i]!.map((automation) => {
      const id = ids[next++]!;
      insertDelivery(rt.sql, {
        id, automationId: automation.id, eventId: event.id, destination: automation.destination, isTest: false, now,
        expiresAt: expiryOf(event.occurredAt, automation.maxAgeSeconds, false),
        ...orderOf(automation.orderBy, row.keys, event.occurredAt, now),
      });
      return id;
    });
    return { row, deliveryIds };
  };
  const results: IngestResult[] = [];
  try {
    events.forEach((event, i) => {
      // An event with deliveries or filtered counts is several statements: a savepoint makes them
      // one. An event with none is one statement, whole by itself, and skips the savepoint: a
      // savepoint first copies every page it is to change to a sub-journal, which SQLite spills
      // to a temp file past 64 KiB: a file created and deleted per request when a batch's events
      // shared one savepoint.
      const several = targets[i]!.length + split[i]!.filtered.length > 0;
      const { row, deliveryIds } = several ? rt.ctx.storage.transactionSync(() => store(event, i)) : store(event, i);
      // Only once its writes stand: a key row naming a rolled-back rowid would name a later event.
      if (row) stored.push(row);
      results.push({ duplicate: row === null, deliveryIds });
    });
  } finally {
    // The events' key rows, after their rows (each on a leaf of its own, they are no part of an
    // event's savepoint), in the same turn: the object's implicit transaction commits them with
    // the events. Written for the events stored before a failure too. Nothing in
    // insertEventKeys can fail short of the database itself.
    insertEventKeys(rt.sql, stored);
    // Their deliveries go out even if a later event failed the call.
    if (results.some((r) => r.deliveryIds.length > 0)) rt.kick();
  }
  // Its waiting deliveries are cancelled, as for any automation turned off.
  if (echoes.tripped.size > 0) await automationsChanged(rt);
  return results;
}

/** The event's data is parsed only when an automation of its trigger has conditions to evaluate. */
function conditionsSplit(automations: AutomationSnapshot[], data: string): { deliver: AutomationSnapshot[]; filtered: AutomationSnapshot[] } {
  if (automations.every((a) => a.conditions === null)) return { deliver: automations, filtered: [] };
  return fanOut(automations, JSON.parse(data) as Record<string, unknown>);
}

/** A test delivery: a synthetic event marked as a test, sent even if the automation is off. */
export async function sendTest(rt: PlaneRuntime, input: { automationId: string; type: string; data: string }): Promise<string | null> {
  const config = await rt.loadConfig(true);
  const automation = config.automations.get(input.automationId);
  if (!automation) return null;
  const now = rt.now();
  const eventId = newId('evt', now);
  const id = newDeliveryId(now, rt.partition);
  rt.ctx.storage.transactionSync(() => {
    insertEvent(rt.sql, { id: eventId, type: input.type, occurredAt: now, data: input.data, isTest: true, receivedAt: now });
    insertDelivery(rt.sql, { id, automationId: automation.id, eventId, destination: automation.destination, isTest: true, now });
  });
  rt.kick();
  return id;
}

/**
 * Replay: sends a stored event again, as new deliveries marked as replays, to every enabled
 * automation of its trigger whose conditions it meets, or to the given ones (which must be of
 * that trigger and on; their conditions are not asked).
 */
export async function replay(rt: PlaneRuntime, eventId: string, automationIds: string[] | null): Promise<ReplayResult> {
  const event = getEvent(rt.sql, eventId);
  if (!event || event.is_test === 1) return { notFound: true };
  const config = await rt.loadConfig();
  if (!config.integrationEnabled) return { invalid: [{ path: '', message: 'HTTP Notifier is turned off for this account' }] };
  let targets = [...config.automations.values()].filter((a) => a.enabled && a.trigger === event.type);
  // Named automations get the event as asked; otherwise only those whose conditions it meets.
  if (!automationIds) targets = conditionsSplit(targets, event.data).deliver;
  if (automationIds) {
    const problems = automationIds.flatMap((id, i) => {
      const a = config.automations.get(id);
      if (!a) return [{ path: `automation_ids.${i}`, message: `no automation "${id}" in this account` }];
      if (a.trigger !== event.type) return [{ path: `automation_ids.${i}`, message: `automation "${id}" is for ${a.trigger}, not ${event.type}` }];
      if (!a.enabled) return [{ path: `automation_ids.${i}`, message: `automation "${id}" is turned off` }];
      return [];
    });
    if (problems.length > 0) return { invalid: problems };
    const wanted = new Set(automationIds);
    targets = targets.filter((a) => wanted.has(a.id));
  }
  const now = rt.now();
  const ids = rt.ctx.storage.transactionSync(() =>
    targets.map((automation) => {
      const id = newDeliveryId(now, rt.partition);
      insertDelivery(rt.sql, {
        id, automationId: automation.id, eventId, destination: automation.destination, isTest: false, replay: true, now,
        expiresAt: expiryOf(event.occurred_at, automation.maxAgeSeconds, false),
      });
      return id;
    }),
  );
  if (ids.length > 0) rt.kick();
  return { replayed: ids };
}
