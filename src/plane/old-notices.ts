/**
 * The one-time conversion of notices stored as text (account object schema v5 and before) into
 * data (v6), run by the v6 migration in schema.ts. This is the only code that knows the words
 * notices were ever stored in; nothing at run time reads words back. Like a shipped migration
 * it is never edited: it writes v6's stored form, declared here rather than taken from the
 * domain's types, so that a later change to those types is a later migration, not a change to
 * this one. A row in words it does not know keeps them, as {"text": …}.
 */

/** v6's `notices.data`: the notice's data without its type. */
type V6Data =
  | { last_error: string | null; last_status_code: number | null }
  | { attempt: number }
  | { since: string }
  | { cause: { kind: 'gone'; at: string; delivery_id: string } | { kind: 'failing'; since: string; hours: number } }
  | { text: string };

type OldRow = {
  id: string;
  type: string;
  automation_id: string | null;
  delivery_id: string | null;
  message: string;
  created_at: number;
};

const ISO = String.raw`(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)`;
const PREFIX = 'Turned off automatically: ';
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const exactly = (...pieces: string[]) => new RegExp(`^${pieces.join('')}$`, 's');

/** Every wording a notice was ever stored in, by type, with what it says as data (null: not this one after all). */
const WORDINGS: Record<string, { pattern: RegExp; data(groups: string[], row: OldRow): V6Data | null }[]> = {
  'delivery.exhausted': [{
    // The last error is everything up to the closing full stop; "unknown error" stood for none.
    pattern: exactly(escape('Every attempt failed; the last: '), '(.*)', escape('.')),
    data: ([error]) => ({ last_error: error === 'unknown error' ? null : error!, last_status_code: null }),
  }],
  'delivery.recovered': [{
    pattern: exactly(escape('Delivered on attempt '), String.raw`(\d+)`, escape(' after earlier failures.')),
    data: ([attempt]) => ({ attempt: Number(attempt) }),
  }],
  'automation.failing': [{
    pattern: exactly(escape('Every delivery attempt has failed since '), ISO, escape('.')),
    data: ([since]) => ({ since: since! }),
  }],
  'automation.disabled': [
    {
      // Today's words for 410 Gone: the notice names the delivery in its own column.
      pattern: exactly(escape(`${PREFIX}on `), ISO,
        escape(' your endpoint answered 410 Gone, which means the address no longer exists, so nothing more is sent to it.')),
      data: ([at], row) => (row.delivery_id ? { cause: { kind: 'gone', at: at!, delivery_id: row.delivery_id } } : null),
    },
    {
      pattern: exactly(escape(`${PREFIX}every attempt to deliver to your endpoint has failed since `), ISO,
        String.raw` \((\d+) (hours?|days)\)`, escape(', so nothing more is sent to it.')),
      // "5 days" was rounded down from the hours: 5 × 24 words it the same again.
      data: ([since, count, unit]) => ({ cause: { kind: 'failing', since: since!, hours: Number(count) * (unit === 'days' ? 24 : 1) } }),
    },
    {
      // The first words for 410 Gone had no time: the notice was written in the transaction
      // that recorded the 410, so its own time is the answer's.
      pattern: exactly(escape('The receiver answered 410 Gone: it says the endpoint is gone for good, so the automation was turned off.')),
      data: (_groups, row) =>
        row.delivery_id ? { cause: { kind: 'gone', at: new Date(row.created_at).toISOString(), delivery_id: row.delivery_id } } : null,
    },
    {
      pattern: exactly(escape(`${PREFIX}every delivery attempt has failed for `), String.raw`(\d+)`, escape(' hours (since '), ISO, escape(').')),
      data: ([hours, since]) => ({ cause: { kind: 'failing', since: since!, hours: Number(hours) } }),
    },
  ],
};

/** What an old row says, as v6 data. */
export function oldNoticeData(row: OldRow): V6Data {
  for (const wording of WORDINGS[row.type] ?? []) {
    const match = wording.pattern.exec(row.message);
    const data = match && wording.data(match.slice(1), row);
    if (data) return data;
  }
  return { text: row.message };
}

/** Copies every notice of `from` (v5: with `message`) into `to` (v6: with `data`). */
export function convertOldNotices(sql: SqlStorage, from: string, to: string): void {
  // Read whole before writing: retention keeps the table small, and no cursor stays open across the inserts.
  for (const row of sql.exec<OldRow>(`SELECT id, type, automation_id, delivery_id, message, created_at FROM ${from}`).toArray()) {
    sql.exec(
      `INSERT INTO ${to} (id, type, automation_id, delivery_id, data, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
      row.id, row.type, row.automation_id, row.delivery_id, JSON.stringify(oldNoticeData(row)), row.created_at,
    );
  }
}
