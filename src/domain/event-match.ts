/**
 * Which automations receive an event, with no I/O: those that are on and of its trigger.
 * Ingestion, a backfill and a simulated call all ask here, so a rule about which events an
 * automation wants (such as conditions on the event's fields) is added in this one place.
 */
export interface Receiver {
  enabled: boolean;
  trigger: string;
}

export interface MatchedEvent {
  type: string;
  /** The event's data as posted. */
  data: Record<string, unknown>;
}

export const receives = (automation: Receiver, event: MatchedEvent): boolean => automation.enabled && automation.trigger === event.type;
