/** Read-only views of an account object: destinations, usage, health stats and dry runs of conditions. */
import { matchesConditions, type Conditions } from '../domain/conditions';
import type { JudgedEvent } from '../domain/dry-run';
import { zoneOf } from '../domain/calendar-days';
import { summarize, windowBuckets, type HourStats, type LiveCounts, type StatsWindow, type WindowStats } from '../domain/delivery-stats';
import { destinationOf, endpointOf } from '../domain/destination-gate';
import { viewOf } from '../domain/gate-pair';
import { operationsId } from './account-config';
import type { DestinationView } from './protocol';
import type { PlaneRuntime } from './runtime';
import { recentEventsOfType } from './store/events';
import { usageCounts } from './store/retention';
import { inFlightByDestination } from './store/schedule';
import { streakStart } from './store/gates';
import { openCounts, statsHours } from './store/stats';

/** The state of each URL's destination: its endpoint's gate and its origin's, the more restrictive. */
export function destinationViews(rt: PlaneRuntime, urls: string[]): Record<string, DestinationView> {
  const inFlight = inFlightByDestination(rt.sql);
  const now = rt.now();
  return Object.fromEntries(
    urls.map((url) => {
      const origin = destinationOf(url);
      const gate = viewOf({ origin: rt.gate(origin), endpoint: rt.gate(endpointOf(url)) }, now);
      const view: DestinationView = {
        state: gate.state,
        ...(gate.scope ? { scope: gate.scope } : {}),
        ...(gate.until !== null ? { until: new Date(gate.until).toISOString() } : {}),
        ...(gate.reason ? { reason: gate.reason } : {}),
        in_flight: inFlight.get(origin) ?? 0,
      };
      return [url, view];
    }),
  );
}

export function usage(rt: PlaneRuntime): { events_stored: number; deliveries_stored: number; open_deliveries: number; storage_bytes: number } {
  const counts = usageCounts(rt.sql);
  return {
    events_stored: counts.events,
    deliveries_stored: counts.deliveries,
    open_deliveries: counts.open_deliveries,
    storage_bytes: rt.sql.databaseSize,
  };
}

/**
 * Health over a window from the hourly rollups (one automation, or the whole account without
 * the operations webhook); test sends are never counted.
 */
export function stats(rt: PlaneRuntime, window: StatsWindow, automationId: string | null, tz?: string): WindowStats {
  const { hours, live } = statsParts(rt, window, automationId, tz);
  // An automation this object never saw an attempt of is not failing.
  const failingSince = automationId === null ? undefined : (live.failingSince ?? null);
  return summarize(window, hours, { ...live, failingSince }, rt.now(), zoneOf(tz));
}

/**
 * The window's hourly rollups and live counts as they are, for summing over partitions. For one
 * automation `failingSince` is its streak's start here, null when healthy, and undefined when
 * this object never saw an attempt of it.
 */
export function statsParts(rt: PlaneRuntime, window: StatsWindow, automationId: string | null, tz?: string): { hours: HourStats[]; live: LiveCounts } {
  const exclude = operationsId(rt.bound());
  return {
    hours: statsHours(rt.sql, automationId, windowBuckets(window, rt.now(), zoneOf(tz)).firstHour, exclude),
    live: { ...openCounts(rt.sql, automationId, exclude), ...(automationId === null ? {} : { failingSince: streakStart(rt.sql, automationId) }) },
  };
}

/** This partition's newest `limit` events of the trigger, each judged against the conditions. */
export function dryRun(rt: PlaneRuntime, trigger: string, conditions: Conditions, limit: number): JudgedEvent[] {
  return recentEventsOfType(rt.sql, trigger, limit).map((event) => ({
    id: event.id,
    receivedAt: event.received_at,
    matched: matchesConditions(conditions, JSON.parse(event.data) as Record<string, unknown>),
  }));
}
