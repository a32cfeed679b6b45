import { describe, expect, it } from 'vitest';
import { canonicalEvent, EchoCircuit, ECHO_WINDOW_MS, ownTriggerEventsIn } from '../../src/domain/loop-circuit';

const T = 'inbound_call_ended';
const sent = (automationId: string, eventId: string, fingerprints = ['fp']) => ({ automationId, trigger: T, eventId, fingerprints });
const kinds = (effects: { kind: string }[]) => effects.map((e) => e.kind);

describe('ownTriggerEventsIn', () => {
  it('reads a body as one event, or a batch of them, of the automation’s own trigger only', () => {
    const data = { call_id: 'CA1', agent_id: 'AG1' };
    expect(ownTriggerEventsIn(T, JSON.stringify({ type: T, data }))).toEqual([canonicalEvent(T, data)]);
    expect(ownTriggerEventsIn(T, JSON.stringify({ events: [{ type: T, data }, { type: 'contact_created', data }, { type: T, data: 'x' }] }))).toEqual([canonicalEvent(T, data)]);
    for (const body of ['{"call":"CA1"}', `{"type":"contact_created","data":{"x":"${T}"}}`, `not json ${T}`, `["${T}"]`]) expect(ownTriggerEventsIn(T, body)).toEqual([]);
  });

  it('compares events whatever their key order and spacing', () => {
    expect(canonicalEvent(T, JSON.parse('{ "b": [1, {"d": 2, "c": 3}], "a": null }'))).toBe(canonicalEvent(T, { a: null, b: [1, { c: 3, d: 2 }] }));
  });
});

describe('EchoCircuit', () => {
  it('watches a trigger only once an automation sent an event of it', () => {
    const circuit = new EchoCircuit();
    expect(circuit.watches(T, 0)).toBe(false);
    circuit.sentEvents(sent('A', 'e0'), 0);
    expect(circuit.watches(T, 1)).toBe(true);
    expect(circuit.watches('contact_created', 1)).toBe(false);
  });

  it('opens at the third echo within a minute, coming back after the report', () => {
    const circuit = new EchoCircuit();
    circuit.sentEvents(sent('A', 'e0'), 0);
    expect(circuit.receivedEvent('fp', 'e1', 100)).toEqual({ effects: [], tripped: null });
    circuit.sentEvents(sent('A', 'e1'), 200);
    expect(circuit.receivedEvent('fp', 'e2', 300).tripped).toBeNull();
    circuit.sentEvents(sent('A', 'e2'), 400);
    const third = circuit.receivedEvent('fp', 'e3', 500);
    expect(third.tripped).toBe('A');
    expect(third.effects).toEqual([
      { kind: 'disable_automation', automationId: 'A', cause: { kind: 'loop', at: new Date(500).toISOString(), event_id: 'e3', echoes: 3 } },
      { kind: 'notice', notice: { automationId: 'A', deliveryId: null, data: { type: 'automation.disabled', cause: expect.objectContaining({ kind: 'loop' }) } } },
    ]);
    // Reports of requests still in flight then do not open it again.
    circuit.sentEvents(sent('A', 'e3'), 600);
    expect(circuit.receivedEvent('fp', 'e4', 700).tripped).toBeNull();
  });

  it('counts an echo back before its request was reported (a receiver posting before it answers), never the delivery’s own event', () => {
    const circuit = new EchoCircuit();
    circuit.sentEvents(sent('A', 'e0'), 0); // now watched
    let effects: { kind: string }[] = [];
    for (let n = 1; n <= 3; n++) {
      // e(n) arrives while the delivery of e(n-1) is being sent: it is counted when that is reported.
      expect(circuit.receivedEvent('other-fp', `x${n}`, n * 10).tripped).toBeNull();
      circuit.receivedEvent(`fp${n}`, `e${n}`, n * 10 + 1);
      effects = circuit.sentEvents(sent('A', `e${n - 1}`, [`fp${n}`]), n * 10 + 5);
    }
    expect(kinds(effects)).toEqual(['disable_automation', 'notice']);
    const own = new EchoCircuit();
    own.sentEvents(sent('A', 'seed'), 0);
    for (let n = 1; n <= 5; n++) {
      own.receivedEvent(`own${n}`, `e${n}`, n);
      // The body repeats the event it was about: that event is no echo.
      expect(own.sentEvents(sent('A', `e${n}`, [`own${n}`]), n + 1)).toEqual([]);
    }
  });

  it('forgets echoes older than a minute, and events sent longer ago', () => {
    const circuit = new EchoCircuit();
    let now = 0;
    for (let n = 1; n <= 6; n++) {
      circuit.sentEvents(sent('A', `e${n - 1}`), now);
      now += 1;
      // One echo every 40 s: never three within a minute.
      expect(circuit.receivedEvent('fp', `e${n}`, now).tripped, `echo ${n}`).toBeNull();
      now += 40_000;
    }
    circuit.sentEvents(sent('B', 'b0', ['late']), now);
    expect(circuit.receivedEvent('late', 'b1', now + ECHO_WINDOW_MS + 1).effects).toEqual([]);
  });
});
