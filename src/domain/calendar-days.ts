/**
 * The reader's calendar days: where each local midnight falls, for a time zone given as an
 * IANA name (`Europe/Lisbon`, daylight saving time included) or a fixed offset (`+05:30`,
 * `-03:00`, `Z`). Pure: Intl's time zone data is read, nothing else. A 7-day view buckets its
 * hours by these days, so today's deliveries are filed under today wherever the reader is.
 */

/** A zone the reader's times are in: its name as given, and how far its clocks are from UTC at an instant. */
export interface Zone {
  name: string;
  /** Local wall-clock time minus UTC, in ms, at the instant `ms`. */
  offsetAt(ms: number): number;
}

export const UTC_ZONE: Zone = { name: 'UTC', offsetAt: () => 0 };

const OFFSET = /^([+-])(\d{2}):?(\d{2})$/;
const MAX_OFFSET_MINUTES = 14 * 60;

/** The zone named by `tz`, or null when it names none (the API answers 422 naming `tz`). */
export function parseZone(tz: string): Zone | null {
  if (tz === 'Z' || tz === 'UTC') return UTC_ZONE;
  const fixed = OFFSET.exec(tz);
  if (fixed) {
    const minutes = (Number(fixed[2]) * 60 + Number(fixed[3])) * (fixed[1] === '-' ? -1 : 1);
    if (Number(fixed[3]) >= 60 || Math.abs(minutes) > MAX_OFFSET_MINUTES) return null;
    return { name: tz, offsetAt: () => minutes * 60_000 };
  }
  if (tz.length > 64 || !/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(tz)) return null;
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
  } catch {
    return null;
  }
  return {
    // As the reader's browser named it (Intl may answer an older alias, Asia/Calcutta for Asia/Kolkata).
    name: tz,
    offsetAt(ms: number) {
      const parts = Object.fromEntries(format.formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
      const wall = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
      return wall - Math.floor(ms / 1000) * 1000;
    },
  };
}

/** The reader's zone (the API checked it already); UTC when none was given. */
export const zoneOf = (tz: string | undefined): Zone => (tz === undefined ? UTC_ZONE : (parseZone(tz) ?? UTC_ZONE));

/** The instant the local day holding `ms` began (local midnight), in UTC ms. */
export function startOfLocalDay(zone: Zone, ms: number): number {
  const local = ms + zone.offsetAt(ms);
  const midnightWall = local - (((local % 86_400_000) + 86_400_000) % 86_400_000);
  // The offset at midnight may differ from the one now (a daylight saving change in between):
  // ask again at the guess, twice, which settles on either side of a change.
  let guess = midnightWall - zone.offsetAt(midnightWall);
  guess = midnightWall - zone.offsetAt(guess);
  return guess;
}

/**
 * The starts of the `days` local days ending with the one holding `now`, oldest first, and the
 * start of the day after (the end of the last). Days are 23, 24 or 25 hours long.
 */
export function localDays(zone: Zone, now: number, days: number): { starts: number[]; end: number } {
  const starts = [startOfLocalDay(zone, now)];
  for (let i = 1; i < days; i++) starts.unshift(startOfLocalDay(zone, starts[0]! - 3_600_000));
  // The next day starts at least 23 hours on: its midnight is found from 26 hours on, back.
  const end = startOfLocalDay(zone, starts[starts.length - 1]! + 26 * 3_600_000);
  return { starts, end };
}
