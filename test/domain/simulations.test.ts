import { describe, expect, it } from 'vitest';
import { findTrigger } from '../../src/catalog';
import { SCENARIOS, simulatedEvents, SIMULATION_STEP_MS } from '../../src/domain/simulations';

const ids = { call_id: 'c'.repeat(32), interaction_id: 'i'.repeat(32), contact_id: 'k'.repeat(24), agent_id: 'a'.repeat(24) };
const T0 = Date.UTC(2026, 11, 4, 9);

describe('simulated calls', () => {
  it('builds every scenario from catalog triggers, each event with every field of its trigger', () => {
    for (const scenario of SCENARIOS.values()) {
      for (const event of simulatedEvents(scenario, ids, T0)) {
        const trigger = findTrigger(event.type)!;
        expect(Object.keys(event.data).sort()).toEqual(trigger.fields.map((f) => f.name).sort());
      }
    }
  });

  it('gives every event of a run the same fresh ids, the catalog’s values elsewhere, and times a step apart', () => {
    const events = simulatedEvents(SCENARIOS.get('inbound_answered')!, ids, T0);
    expect(events.map((e) => e.occurredAt)).toEqual(events.map((_, i) => T0 + i * SIMULATION_STEP_MS));
    for (const e of events) expect(e.data).toMatchObject({ call_id: ids.call_id, contact_id: ids.contact_id, interaction_id: ids.interaction_id });
    const csat = events.at(-1)!;
    expect(csat.data.csat_score).toBe(findTrigger('csat_score_received')!.examples.csat_score);
    // A time field tells the simulated event's own time, not the catalog's example date.
    expect(csat.data.csat_survey_time).toBe(new Date(csat.occurredAt).toISOString());
  });

  it('moves an agent through the statuses of a shift', () => {
    const shift = simulatedEvents(SCENARIOS.get('agent_shift')!, ids, T0);
    expect(shift.map((e) => e.type)).toEqual(['agent_logged_in', 'agent_status_changed', 'agent_status_changed', 'agent_logged_out']);
    expect(shift.slice(1, 3).map((e) => [e.data.previous_status, e.data.agent_status])).toEqual([['Offline', 'Available'], ['Available', 'Away']]);
    for (const e of shift) expect(e.data.agent_id).toBe(ids.agent_id);
  });
});
