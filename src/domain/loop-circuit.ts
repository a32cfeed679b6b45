/**
 * Loop protection's last layer: a per-automation circuit that turns off an automation whose
 * webhooks come back as events of its own trigger — through a relay that drops our headers, or
 * a name of the service that SELF_HOSTNAMES does not list, where the other layers cannot see it.
 *
 * An *echo* is an event posted to the account whose type and data are exactly those of an event
 * a request of the automation carried (the body itself, or one event of a batch body), received
 * within ECHO_WINDOW_MS of that request's report: after it (a relay posting later), or before it
 * (a receiver posting before it answers; the event the delivery was about never counts). Such an event is delivered by the same automation again: that is a
 * loop. LOOP_TRIP_ECHOES echoes within ECHO_WINDOW_MS turn the automation off (a lone identical
 * event, say a platform's retry without an id, does not); the event that trips it is stored
 * but not delivered to it.
 *
 * No I/O: the account object hashes the canonical texts below into fingerprints, keeps one
 * circuit in memory (a loop keeps its object busy, so memory is where it is seen) and writes
 * the effects returned. Only triggers whose automations have sent such a body are watched, so
 * other events cost one map lookup.
 */
import type { DisabledCause } from './causes';
import type { Effect } from './delivery-effects';

export const ECHO_WINDOW_MS = 60_000;
export const LOOP_TRIP_ECHOES = 3;
/** How long a trigger stays watched after one of its automations sent an event of it. */
export const WATCH_MS = 10 * 60_000;
/** Bounds the circuit's memory: the oldest fingerprints go first. */
export const MAX_FINGERPRINTS = 10_000;

/** The canonical text of an event: its type and data, object keys sorted, so any re-serialisation compares equal. */
export function canonicalEvent(type: string, data: unknown): string {
  return JSON.stringify([type, sortedKeys(data)]);
}

function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (typeof value !== 'object' || value === null) return value;
  const record = value as Record<string, unknown>;
  return Object.fromEntries(Object.keys(record).sort().map((key) => [key, sortedKeys(record[key])]));
}

/**
 * The canonical texts of the events of `trigger` a sent body would post to the events API:
 * the body as one event, or each event of a batch. Empty for anything else (most bodies).
 */
export function ownTriggerEventsIn(trigger: string, body: string): string[] {
  // Most bodies never name their trigger; they are not parsed at all.
  if (!body.includes(trigger)) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return [];
  }
  const candidates = isRecord(parsed) && Array.isArray(parsed['events']) ? (parsed['events'] as unknown[]) : [parsed];
  return candidates.flatMap((event) => {
    if (!isRecord(event) || event['type'] !== trigger || !isRecord(event['data'])) return [];
    try {
      return [canonicalEvent(trigger, event['data'])];
    } catch {
      return []; // nested beyond the stack: the events API refuses it anyway
    }
  });
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

export interface SentEvents {
  automationId: string;
  trigger: string;
  /** The event the delivery was about: never its own echo. */
  eventId: string;
  /** Fingerprints of the events of its trigger the request carried. */
  fingerprints: readonly string[];
}

export class EchoCircuit {
  private readonly watched = new Map<string, number>();
  /** Fingerprint → the automation that last sent it, and when. */
  private readonly sent = new Map<string, { automationId: string; at: number }>();
  /** Fingerprint → the last event of a watched type received with it. */
  private readonly received = new Map<string, { eventId: string; at: number; counted: boolean }>();
  /** Automation → times of its echoes within the window. */
  private readonly echoes = new Map<string, number[]>();
  /** Automation → when its circuit opened (echoes of requests still in flight then are not counted again). */
  private readonly tripped = new Map<string, number>();

  /** Whether events of this type are compared with what automations sent. */
  watches(type: string, now: number): boolean {
    const until = this.watched.get(type);
    return until !== undefined && until > now;
  }

  /**
   * A request an automation sent (reported now, once answered) carried events of its own
   * trigger. An identical event received within the window, other than the one the delivery was
   * about, is an echo already back: a receiver that posts before it answers.
   */
  sentEvents(s: SentEvents, now: number): Effect[] {
    this.prune(now);
    this.watched.set(s.trigger, now + WATCH_MS);
    const effects: Effect[] = [];
    for (const fingerprint of s.fingerprints) {
      remember(this.sent, fingerprint, { automationId: s.automationId, at: now });
      const event = this.received.get(fingerprint);
      if (event && !event.counted && now - event.at <= ECHO_WINDOW_MS && event.eventId !== s.eventId) {
        event.counted = true;
        effects.push(...this.echo(s.automationId, event.eventId, now));
      }
    }
    return effects;
  }

  /**
   * An event of a watched type was received: an echo when an automation sent it within the
   * window. Returns the automation whose circuit it opened (not to be delivered to), if any.
   */
  receivedEvent(fingerprint: string, eventId: string, now: number): { effects: Effect[]; tripped: string | null } {
    this.prune(now);
    const event = { eventId, at: now, counted: false };
    remember(this.received, fingerprint, event);
    const sender = this.sent.get(fingerprint);
    if (!sender || now - sender.at > ECHO_WINDOW_MS) return { effects: [], tripped: null };
    event.counted = true;
    const effects = this.echo(sender.automationId, eventId, now);
    return { effects, tripped: effects.length > 0 ? sender.automationId : null };
  }

  private echo(automationId: string, eventId: string, now: number): Effect[] {
    const trippedAt = this.tripped.get(automationId);
    if (trippedAt !== undefined && now - trippedAt <= ECHO_WINDOW_MS) return [];
    const times = (this.echoes.get(automationId) ?? []).filter((at) => now - at <= ECHO_WINDOW_MS);
    times.push(now);
    if (times.length < LOOP_TRIP_ECHOES) {
      this.echoes.set(automationId, times);
      return [];
    }
    this.echoes.delete(automationId);
    this.tripped.set(automationId, now);
    const cause: DisabledCause = { kind: 'loop', at: new Date(now).toISOString(), event_id: eventId, echoes: times.length };
    return [
      { kind: 'disable_automation', automationId, cause },
      { kind: 'notice', notice: { automationId, deliveryId: null, data: { type: 'automation.disabled', cause } } },
    ];
  }

  /** Maps keep insertion order and entries are re-inserted when renewed, so the oldest are first. */
  private prune(now: number): void {
    for (const map of [this.sent, this.received]) {
      for (const [key, entry] of map) {
        if (now - entry.at <= ECHO_WINDOW_MS && map.size <= MAX_FINGERPRINTS) break;
        map.delete(key);
      }
    }
    for (const [automationId, at] of this.tripped) if (now - at > ECHO_WINDOW_MS) this.tripped.delete(automationId);
  }
}

function remember<T>(map: Map<string, T>, key: string, value: T): void {
  map.delete(key);
  map.set(key, value);
}
