/**
 * Why the system turned an automation off, worded for an administrator — the one place this
 * wording lives. The reason is stored as text (the API's `disabled_reason`, with ISO times and
 * the delivery's id, so an API client reads it as is); the console reads it back into its parts
 * to show the time in the reader's zone and the delivery as a link. Reasons stored with the
 * earlier wording are read too, so they are shown in today's words.
 */

export type DisabledCause =
  /** The receiver answered 410 Gone (`at`, ISO) to this delivery. */
  | { kind: 'gone'; at: string; deliveryId: string }
  /** Every attempt failed from `since` (ISO) for `hours` hours. */
  | { kind: 'failing'; since: string; hours: number };

/** Text, a time (ISO) to show as a time, or a delivery to point to. */
export type ReasonPart = string | { time: string } | { delivery: string };

const PREFIX = 'Turned off automatically: ';

/** "5 days" from 48 hours on, whole hours below: an administrator thinks of days of failures. */
function duration(hours: number): string {
  if (hours >= 48) return `${Math.floor(hours / 24)} days`;
  return hours === 1 ? '1 hour' : `${hours} hours`;
}

/** The reason in parts; `delivery: false` leaves the delivery out (a notice links it on its own). */
export function disabledReasonParts(cause: DisabledCause, options: { delivery?: boolean } = {}): ReasonPart[] {
  if (cause.kind === 'gone') {
    return [
      PREFIX + 'on ', { time: cause.at },
      ' your endpoint answered 410 Gone, which means the address no longer exists, so nothing more is sent to it',
      ...(options.delivery === false ? [] : [' (', { delivery: cause.deliveryId }, ')']),
    ];
  }
  return [PREFIX + 'every attempt to deliver to your endpoint has failed since ', { time: cause.since }, ` (${duration(cause.hours)}), so nothing more is sent to it`];
}

/** The reason as it is stored and served by the API: times as ISO, the delivery by its id. */
export function disabledReasonText(cause: DisabledCause, options: { delivery?: boolean } = {}): string {
  return disabledReasonParts(cause, options)
    .map((part) => (typeof part === 'string' ? part : 'time' in part ? part.time : `delivery ${part.delivery}`))
    .join('');
}

const ISO = String.raw`(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z)`;
const ID = String.raw`([A-Za-z0-9_-]+)`;
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Each wording ever stored, newest first, with how to read its captures back into a cause. */
const WORDINGS: { pattern: RegExp; cause(groups: string[]): DisabledCause }[] = [
  {
    pattern: new RegExp(`^${escape(PREFIX)}on ${ISO} your endpoint answered 410 Gone, which means the address no longer exists, so nothing more is sent to it \\(delivery ${ID}\\)$`),
    cause: ([at, deliveryId]) => ({ kind: 'gone', at: at!, deliveryId: deliveryId! }),
  },
  {
    pattern: new RegExp(`^${escape(PREFIX)}every attempt to deliver to your endpoint has failed since ${ISO} \\((\\d+) (hours?|days)\\), so nothing more is sent to it$`),
    cause: ([since, count, unit]) => ({ kind: 'failing', since: since!, hours: Number(count) * (unit === 'days' ? 24 : 1) }),
  },
  // The first wordings (before the reasons were written for administrators).
  {
    pattern: new RegExp(`^${escape(PREFIX)}the receiver answered 410 Gone on ${ISO} \\(delivery ${ID}\\)$`),
    cause: ([at, deliveryId]) => ({ kind: 'gone', at: at!, deliveryId: deliveryId! }),
  },
  {
    pattern: new RegExp(`^${escape(PREFIX)}every delivery attempt has failed for (\\d+) hours \\(since ${ISO}\\)$`),
    cause: ([hours, since]) => ({ kind: 'failing', since: since!, hours: Number(hours) }),
  },
];

/** The cause of a stored reason in any wording ever stored; null for text of another origin. */
export function readDisabledReason(text: string): DisabledCause | null {
  for (const wording of WORDINGS) {
    const match = wording.pattern.exec(text);
    if (match) return wording.cause(match.slice(1));
  }
  return null;
}
