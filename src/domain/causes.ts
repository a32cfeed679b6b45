/**
 * Why an automation was turned off, and what each notice says, as data, and the one place
 * their words are written from that data. A notice's data is what the account object stores
 * (`notices.data`), serves (a notice's `details`) and sends (the operations webhook's
 * `data.details`), so its keys are the API's (snake_case): a client acts on it without parsing
 * text. The text (a notice's `message`, the API's `disabled_reason`) is written from the data,
 * with times as ISO and the delivery by its id; the console asks for the parts instead, to show
 * a time in the reader's zone and a delivery as a link. Notices stored as text before they were
 * data were converted once (src/plane/old-notices.ts); words it did not recognise are kept as
 * they were, as a `text` fallback, and shown as they are. The reason an automation was turned
 * off is still stored in D1 as its words, read back below.
 */
import type { NoticeType } from './vocabulary';

/** What the engine decides when it turns an automation off. */
export type DisabledCause =
  /** The receiver answered 410 Gone (`at`, ISO) to this delivery. */
  | { kind: 'gone'; at: string; delivery_id: string }
  /** Every attempt failed from `since` (ISO) for `hours` hours. */
  | { kind: 'failing'; since: string; hours: number };

/** What each notice says, by notice type. */
export type NoticeData =
  /** Every attempt of the notice's delivery failed; the last one's error and HTTP status (null when no answer, or not known). */
  | { type: 'delivery.exhausted'; last_error: string | null; last_status_code: number | null }
  /** The notice's delivery succeeded on this attempt, after earlier ones failed. */
  | { type: 'delivery.recovered'; attempt: number }
  /** Every attempt of the automation has failed since this time (ISO). */
  | { type: 'automation.failing'; since: string }
  /** The automation was turned off, and why. */
  | { type: 'automation.disabled'; cause: DisabledCause };

/** A notice stored as text before notices were data, in words the conversion did not know. */
export interface TextNotice {
  type: NoticeType;
  text: string;
}

/** What the account object keeps for a notice. */
export type RecordedNotice = NoticeData | TextNotice;

// Every notice type has its data: a type added to the vocabulary without any fails to compile here.
const everyTypeHasData: [Exclude<NoticeType, NoticeData['type']>] extends [never] ? true : false = true;
void everyTypeHasData;

export const isTextNotice = (notice: RecordedNotice): notice is TextNotice => 'text' in notice;

/** Text, a time (ISO) to show as a time, or a delivery to point to. */
export type Part = string | { time: string } | { delivery: string };

/** The parts as plain text: times as ISO, a delivery by its id. */
const plain = (parts: readonly Part[]): string =>
  parts.map((part) => (typeof part === 'string' ? part : 'time' in part ? part.time : `delivery ${part.delivery}`)).join('');

const PREFIX = 'Turned off automatically: ';

/** "5 days" from 48 hours on, whole hours below: an administrator thinks of days of failures. */
function duration(hours: number): string {
  if (hours >= 48) return `${Math.floor(hours / 24)} days`;
  return hours === 1 ? '1 hour' : `${hours} hours`;
}

/** Why it was turned off, in parts; `delivery: false` leaves the delivery out (a notice links it on its own). */
export function disabledReasonParts(cause: DisabledCause, options: { delivery?: boolean } = {}): Part[] {
  if (cause.kind === 'gone') {
    return [
      PREFIX + 'on ', { time: cause.at },
      ' your endpoint answered 410 Gone, which means the address no longer exists, so nothing more is sent to it',
      ...(options.delivery === false ? [] : [' (', { delivery: cause.delivery_id }, ')']),
    ];
  }
  return [PREFIX + 'every attempt to deliver to your endpoint has failed since ', { time: cause.since }, ` (${duration(cause.hours)}), so nothing more is sent to it`];
}

/** The reason as it is stored and served by the API: times as ISO, the delivery by its id. */
export function disabledReasonText(cause: DisabledCause, options: { delivery?: boolean } = {}): string {
  return plain(disabledReasonParts(cause, options));
}

/** What a notice says, in parts. */
export function noticeParts(notice: NoticeData): Part[] {
  switch (notice.type) {
    case 'delivery.exhausted':
      return [`Every attempt failed; the last: ${notice.last_error ?? 'unknown error'}.`];
    case 'delivery.recovered':
      return [`Delivered on attempt ${notice.attempt} after earlier failures.`];
    case 'automation.failing':
      return ['Every delivery attempt has failed since ', { time: notice.since }, '.'];
    case 'automation.disabled':
      // The notice names its delivery itself.
      return [...disabledReasonParts(notice.cause, { delivery: false }), '.'];
  }
}

/** A notice's `message`; a text fallback as it was stored. */
export function noticeText(notice: RecordedNotice): string {
  return isTextNotice(notice) ? notice.text : plain(noticeParts(notice));
}

/** The notice's data without its type (which goes beside it), as stored and sent. */
export type NoticeDetails = NoticeData extends infer N ? (N extends NoticeData ? Omit<N, 'type'> : never) : never;

/** A notice's `details`: its data; null for a text fallback, which has only its message. */
export function noticeDetails(notice: RecordedNotice): NoticeDetails | null {
  if (isTextNotice(notice)) return null;
  const { type: _type, ...details } = notice;
  return details;
}

const ISO = String.raw`(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z)`;
const ID = String.raw`([A-Za-z0-9_-]+)`;
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Each wording ever stored, newest first, with how to read its captures back into a cause. */
const WORDINGS: { pattern: RegExp; cause(groups: string[]): DisabledCause }[] = [
  {
    pattern: new RegExp(`^${escape(PREFIX)}on ${ISO} your endpoint answered 410 Gone, which means the address no longer exists, so nothing more is sent to it \\(delivery ${ID}\\)$`),
    cause: ([at, deliveryId]) => ({ kind: 'gone', at: at!, delivery_id: deliveryId! }),
  },
  {
    pattern: new RegExp(`^${escape(PREFIX)}every attempt to deliver to your endpoint has failed since ${ISO} \\((\\d+) (hours?|days)\\), so nothing more is sent to it$`),
    cause: ([since, count, unit]) => ({ kind: 'failing', since: since!, hours: Number(count) * (unit === 'days' ? 24 : 1) }),
  },
  // The first wordings (before the reasons were written for administrators).
  {
    pattern: new RegExp(`^${escape(PREFIX)}the receiver answered 410 Gone on ${ISO} \\(delivery ${ID}\\)$`),
    cause: ([at, deliveryId]) => ({ kind: 'gone', at: at!, delivery_id: deliveryId! }),
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
