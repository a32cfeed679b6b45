/**
 * An automation's health, with no I/O: when it counts as failing, and when it is turned off
 * for good because its receiver has been failing for days (as Svix does).
 *
 * A *failure streak* starts at the first failed attempt after a success and ends at the next
 * successful attempt. After FAILING_AFTER_MS of streak the automation is marked failing (the
 * API and console show it; the account's operations webhook is told). It is turned off once
 * the streak has lasted `autoDisableAfterMs` (AUTO_DISABLE_AFTER_HOURS, default 120 h) and has
 * seen failures on two separate UTC days, so one bad burst can never turn it off.
 */
import type { DisabledCause } from './causes';

export const FAILING_AFTER_MS = 24 * 3_600_000;
export const DEFAULT_AUTO_DISABLE_AFTER_HOURS = 120;

export interface Health {
  /** First failed attempt of the current streak; null while healthy. */
  streakStartedAt: number | null;
  /** Distinct UTC days (YYYY-MM-DD) with failures in the streak; two are all that matter. */
  failureDays: string[];
  failingSince: number | null;
}

export const healthy = (): Health => ({ streakStartedAt: null, failureDays: [], failingSince: null });

export type HealthChange = 'failing' | 'recovered' | 'disable';

const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export function observeAttempt(health: Health, succeeded: boolean, now: number, autoDisableAfterMs: number): { health: Health; changes: HealthChange[] } {
  if (succeeded) {
    return { health: healthy(), changes: health.failingSince !== null ? ['recovered'] : [] };
  }
  const streakStartedAt = health.streakStartedAt ?? now;
  const day = dayOf(now);
  const failureDays = health.failureDays.includes(day) || health.failureDays.length >= 2 ? health.failureDays : [...health.failureDays, day];
  const changes: HealthChange[] = [];
  let failingSince = health.failingSince;
  if (failingSince === null && now - streakStartedAt >= FAILING_AFTER_MS) {
    failingSince = now;
    changes.push('failing');
  }
  if (failureDays.length >= 2 && now - streakStartedAt >= autoDisableAfterMs) changes.push('disable');
  return { health: { streakStartedAt, failureDays, failingSince }, changes };
}

/** Why a failure streak turned the automation off (worded in causes.ts). */
export function disabledCause(health: Health, now: number): Extract<DisabledCause, { kind: 'failing' }> {
  const since = health.streakStartedAt ?? now;
  return { kind: 'failing', since: new Date(since).toISOString(), hours: Math.floor((now - since) / 3_600_000) };
}
