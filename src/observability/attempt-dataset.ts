/**
 * The Analytics Engine data point of an attempt. ATTEMPT_COLUMNS is the one statement of the
 * dataset's layout: the writer follows it, and README's column table and queries are checked
 * against it (test-node/observability-readme.test.ts). Columns are positional in Analytics
 * Engine (blob1…, double1…), so a new field goes at the end of its list; moving one would make
 * old and new rows disagree for as long as the dataset keeps data (three months).
 */
import type { AttemptFields } from './attempt';

type FieldsOfType<T> = { [K in keyof AttemptFields]: AttemptFields[K] extends T ? K : never }[keyof AttemptFields];

/** Analytics Engine refuses a longer index; account ids may have up to 128 characters. */
export const MAX_INDEX_BYTES = 96;

export const ATTEMPT_COLUMNS = {
  /**
   * The sampling key: Analytics Engine samples an index only when it is busy, so a busy account
   * never thins out the others' data. At most its first 96 bytes; blob1 has the whole id.
   */
  index1: 'account_id',
  blobs: ['account_id', 'automation_id', 'destination', 'outcome', 'error_class', 'lane', 'delivery_id'],
  /** `status_code` is 0 when no response came. */
  doubles: ['duration_ms', 'status_code', 'attempt', 'schedule_attempt'],
} as const satisfies {
  index1: FieldsOfType<string>;
  blobs: readonly FieldsOfType<string>[];
  doubles: readonly FieldsOfType<number | null>[];
};

export function attemptDataPoint(fields: AttemptFields): AnalyticsEngineDataPoint {
  return {
    indexes: [cutToBytes(fields[ATTEMPT_COLUMNS.index1], MAX_INDEX_BYTES)],
    blobs: ATTEMPT_COLUMNS.blobs.map((name) => fields[name]),
    doubles: ATTEMPT_COLUMNS.doubles.map((name) => fields[name] ?? 0),
  };
}

/** The longest start of `text` that fits in `limit` bytes of UTF-8, ending on a character boundary. */
function cutToBytes(text: string, limit: number): string {
  const bytes = new TextEncoder().encode(text);
  if (bytes.length <= limit) return text;
  // In stream mode the decoder holds back a character cut in two instead of writing U+FFFD.
  return new TextDecoder().decode(bytes.subarray(0, limit), { stream: true });
}
