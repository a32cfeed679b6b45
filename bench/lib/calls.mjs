/**
 * Realistic call traffic, for what depends on how events spread over calls (batches, partitions).
 * A call id is a random UUID v4 in hex, as the platform's are (the catalog's example call_id is
 * one); a call has at least MIN_EVENTS_PER_CALL events and the rest fall on calls at random, so
 * calls average `events / calls` events and some have more. The events of concurrent calls come
 * interleaved, as a platform's backlog does. Every event is of the bench's trigger, with that
 * trigger's full data (callEndedData), so each matches the account's one automation; which
 * partition it goes to depends only on its call id.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { callEndedData } from './fixtures.mjs';

export const MIN_EVENTS_PER_CALL = 4;

export const newCallId = () => randomUUID().replaceAll('-', '');

/** How many events each of `calls` calls has, `events` in all (at least MIN_EVENTS_PER_CALL each). */
export function eventsPerCall(calls, events) {
  const floor = Math.min(MIN_EVENTS_PER_CALL, Math.floor(events / calls));
  const counts = new Array(calls).fill(floor);
  for (let left = events - floor * calls; left > 0; left--) counts[randomInt(calls)]++;
  return counts;
}

/** Fisher–Yates, in place. */
function shuffle(list) {
  for (let i = list.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [list[i], list[j]] = [list[j], list[i]];
  }
  return list;
}

/**
 * `events` events' data over `calls` new calls, interleaved; `seq` varies the per-event values.
 * Each call keeps its interaction and contact ids across its events.
 */
export function callEvents(calls, events, seq = 0) {
  const counts = eventsPerCall(calls, events);
  const list = [];
  counts.forEach((count, call) => {
    const callId = newCallId();
    const interactionId = newCallId();
    for (let i = 0; i < count; i++) {
      const data = callEndedData(seq + list.length, callId);
      list.push({ ...data, interaction_id: interactionId, contact_id: callEndedData(seq + call).contact_id });
    }
  });
  return shuffle(list);
}

/** `list` cut into arrays of `size` (the last may be shorter). */
export function chunks(list, size) {
  return Array.from({ length: Math.ceil(list.length / size) }, (_, i) => list.slice(i * size, (i + 1) * size));
}
