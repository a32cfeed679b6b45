/**
 * Why an automation was turned off, and what each notice says, as data, and the one place
 * their words are written from that data. The data is what is stored (D1's `disabled_cause`,
 * the account object's `notices.data`), served (the API's `disabled_cause` and a notice's
 * `details`) and sent (the operations webhook's `data.details`), so its keys are the API's
 * (snake_case): a client acts on it without parsing text. The text (`disabled_reason`, a
 * notice's `message`) is written on read, with times as ISO and the delivery by its id; the
 * console asks for the parts instead, to show a time in the reader's zone and a delivery as a
 * link. Reasons and notices stored as text before they were data were converted once, by the
 * migrations (migrations/0009, src/plane/old-notices.ts); words those did not recognise are
 * kept as they were, as a `text` fallback, and shown as they are.
 */
import type { NoticeType } from './vocabulary';

/** What the engine decides when it turns an automation off. */
export type DisabledCause =
  /** The receiver answered 410 Gone (`at`, ISO) to this delivery. */
  | { kind: 'gone'; at: string; delivery_id: string }
  /** Every attempt failed from `since` (ISO) for `hours` hours. */
  | { kind: 'failing'; since: string; hours: number }
  /** Its webhooks came back as events of its own trigger (`echoes` within a minute, the last `event_id`), at `at` (ISO). */
  | { kind: 'loop'; at: string; event_id: string; echoes: number };

/** A reason stored as text before reasons were data, in words the conversion did not know. */
export interface TextCause {
  kind: 'text';
  text: string;
}

/** What D1 keeps for a turned-off automation. */
export type RecordedCause = DisabledCause | TextCause;

/** What each notice says, by notice type. */
export type NoticeData =
  /** Every attempt of the notice's delivery failed; the last one's error and HTTP status (null when no answer, or not known). */
  | { type: 'delivery.exhausted'; last_error: string | null; last_status_code: number | null }
  /**
   * The notice's delivery succeeded on this attempt (numbered as the log numbers it), after
   * earlier ones failed; `closes`: the `delivery.exhausted` notices of it this closes (a failed
   * delivery sent again). Absent on notices recorded before notices were closed.
   */
  | { type: 'delivery.recovered'; attempt: number; closes?: string[] }
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
  if (cause.kind === 'loop') {
    return [
      PREFIX + 'on ', { time: cause.at },
      ` its webhooks were coming back as events of its own trigger (${cause.echoes} within a minute, the last event ${cause.event_id}), ` +
        'so each delivery made another one without end',
    ];
  }
  return [PREFIX + 'every attempt to deliver to your endpoint has failed since ', { time: cause.since }, ` (${duration(cause.hours)}), so nothing more is sent to it`];
}

/** The reason as the API serves it (`disabled_reason`); a text fallback as it was stored. */
export function disabledReasonText(cause: RecordedCause, options: { delivery?: boolean } = {}): string {
  return cause.kind === 'text' ? cause.text : plain(disabledReasonParts(cause, options));
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
