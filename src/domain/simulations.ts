/**
 * Simulated calls, with no I/O: each scenario is a call's (or an agent's shift's) platform
 * events in the order they happen, and `simulatedEvents` builds them from the catalog's
 * realistic example values with fresh ids for the call, its interaction, the contact and the
 * agent, the same in every event of the run, and times a step apart. The account object stores
 * them as test events and sends them through the real pipeline (src/plane/simulate.ts).
 */
import { z } from 'zod';
import { findTrigger } from '../catalog';

/** The time between two events of a simulated call, as their occurred_at says. */
export const SIMULATION_STEP_MS = 400;

interface Step {
  trigger: string;
  /** Values this step sets over the catalog's examples (say, an agent's status as the shift goes on). */
  set?: Record<string, string>;
}

interface Scenario {
  id: string;
  name: string;
  description: string;
  steps: readonly Step[];
}

const SCENARIO_LIST = [
  {
    id: 'inbound_answered', name: 'An inbound call answered',
    description: 'A caller rings, an agent answers, the call ends, the agent sets a disposition and the caller leaves a CSAT score.',
    steps: [{ trigger: 'inbound_call_ringing' }, { trigger: 'inbound_call_started' }, { trigger: 'inbound_call_ended' },
      { trigger: 'inbound_disposition_set' }, { trigger: 'csat_score_received' }],
  },
  {
    id: 'inbound_abandoned', name: 'An inbound call abandoned in the queue',
    description: 'A caller rings, waits in the queue and hangs up before an agent answers.',
    steps: [{ trigger: 'inbound_call_ringing' }, { trigger: 'call_enters_waiting_queue' }, { trigger: 'call_abandoned' }],
  },
  {
    id: 'missed_to_voicemail', name: 'A missed call to voicemail',
    description: 'Nobody answers; the caller leaves a voicemail, it is assigned and its transcription arrives.',
    steps: [{ trigger: 'inbound_call_ringing' }, { trigger: 'call_missed' }, { trigger: 'voicemail_left' },
      { trigger: 'voicemail_assigned' }, { trigger: 'voicemail_transcription_available' }],
  },
  {
    id: 'outbound_call', name: 'An outbound call',
    description: 'An agent calls a contact, who answers; the call ends and the agent sets a disposition.',
    steps: [{ trigger: 'outbound_call_ringing' }, { trigger: 'outbound_call_started' }, { trigger: 'outbound_call_ended' },
      { trigger: 'outbound_disposition_set' }],
  },
  {
    id: 'transferred_call', name: 'A transferred call',
    description: 'An agent answers, transfers the call to a colleague who answers it, and the call ends.',
    steps: [{ trigger: 'inbound_call_ringing' }, { trigger: 'inbound_call_started' }, { trigger: 'transferred_call_answered' },
      { trigger: 'inbound_call_ended' }, { trigger: 'inbound_disposition_set' }],
  },
  {
    id: 'agent_shift', name: 'An agent’s shift',
    description: 'An agent logs in, becomes available, takes a break, and logs out.',
    steps: [
      { trigger: 'agent_logged_in' },
      { trigger: 'agent_status_changed', set: { previous_status: 'Offline', agent_status: 'Available' } },
      { trigger: 'agent_status_changed', set: { previous_status: 'Available', agent_status: 'Away' } },
      { trigger: 'agent_logged_out' },
    ],
  },
] as const satisfies readonly Scenario[];

export const ScenarioId = z.enum(SCENARIO_LIST.map((s) => s.id) as [(typeof SCENARIO_LIST)[number]['id'], ...(typeof SCENARIO_LIST)[number]['id'][]]);
export type ScenarioId = z.infer<typeof ScenarioId>;

export const SCENARIOS: ReadonlyMap<ScenarioId, Scenario> = new Map(SCENARIO_LIST.map((s) => [s.id, s]));

/** A scenario as GET /v1/simulations lists it. */
export const scenarioView = (s: Scenario) => ({ id: s.id, name: s.name, description: s.description, triggers: s.steps.map((step) => step.trigger) });

/** The ids one run shares across its events; minted fresh for every run. */
export interface SimulationIds {
  call_id: string;
  interaction_id: string;
  contact_id: string;
  agent_id: string;
}

export interface SimulatedEvent {
  type: string;
  data: Record<string, string>;
  /** When it happened: `start` plus one step per event before it. */
  occurredAt: number;
}

/** Catalog fields that are times get the simulated event's own time instead of the example's. */
const isTimeField = (type: string) => type.includes('(datetime)');

export function simulatedEvents(scenario: Scenario, ids: SimulationIds, start: number): SimulatedEvent[] {
  const fresh: Record<string, string> = { ...ids };
  return scenario.steps.map((step, i) => {
    const trigger = findTrigger(step.trigger)!;
    const occurredAt = start + i * SIMULATION_STEP_MS;
    const data: Record<string, string> = {};
    for (const field of trigger.fields) {
      data[field.name] = fresh[field.name] ?? (isTimeField(field.type) ? new Date(occurredAt).toISOString() : field.example);
    }
    return { type: step.trigger, data: { ...data, ...step.set }, occurredAt };
  });
}
