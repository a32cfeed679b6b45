/** The notices an account is shown (and, with an operations webhook, sent). */
import type { NoticeData, RecordedNotice } from '../../domain/causes';
import type { NoticeType } from '../../domain/vocabulary';
import { iso, toPage, type Page } from '../../db/rows';

/** A notice as kept: what it says is data (src/domain/causes.ts words it). */
export interface Notice {
  id: string;
  automation_id: string | null;
  delivery_id: string | null;
  data: RecordedNotice;
  created_at: string;
  /** When a later success of its delivery closed it, and the `delivery.recovered` notice that did. */
  closed_at: string | null;
  closed_by: string | null;
}

type NoticeRow = {
  id: string;
  type: NoticeType;
  automation_id: string | null;
  delivery_id: string | null;
  /** JSON: the notice's data without its type (the column beside it). */
  data: string;
  created_at: number;
  closed_at: number | null;
  closed_by: string | null;
};

export function insertNotice(
  sql: SqlStorage,
  n: { id: string; automation_id: string | null; delivery_id: string | null; data: NoticeData; created_at: number },
): void {
  const { type, ...data } = n.data;
  sql.exec(
    'INSERT INTO notices (id, type, automation_id, delivery_id, data, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    n.id, type, n.automation_id, n.delivery_id, JSON.stringify(data), n.created_at,
  );
}

/** Newest first. */
export function listNotices(sql: SqlStorage, limit: number, cursor: string | undefined): Page<Notice> {
  const rows = sql
    .exec<NoticeRow>('SELECT * FROM notices WHERE (?1 IS NULL OR id < ?1) ORDER BY id DESC LIMIT ?2', cursor ?? null, limit + 1)
    .toArray();
  return toPage(rows, limit, (r) => ({
    id: r.id,
    automation_id: r.automation_id,
    delivery_id: r.delivery_id,
    // Written by insertNotice or by the one-time conversion of older rows (src/plane/old-notices.ts).
    data: { type: r.type, ...JSON.parse(r.data) } as RecordedNotice,
    created_at: iso(r.created_at),
    closed_at: r.closed_at === null ? null : iso(r.closed_at),
    closed_by: r.closed_by,
  }));
}

/** The delivery's "every attempt failed" notices still open (read through their partial index). */
export function openNoticesOf(sql: SqlStorage, deliveryId: string): string[] {
  return sql
    .exec<{ id: string }>(
      "SELECT id FROM notices WHERE delivery_id = ? AND closed_at IS NULL AND type = 'delivery.exhausted' ORDER BY id", deliveryId,
    )
    .toArray()
    .map((r) => r.id);
}

/** Marks notices closed by a later notice (`by`). */
export function closeNotices(sql: SqlStorage, ids: readonly string[], by: string, at: number): void {
  sql.exec(
    'UPDATE notices SET closed_at = ?, closed_by = ? WHERE closed_at IS NULL AND id IN (SELECT value FROM json_each(?))',
    at, by, JSON.stringify(ids),
  );
}
