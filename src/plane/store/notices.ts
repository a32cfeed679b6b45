/** The notices an account is shown (and, with an operations webhook, sent). */
import type { NoticeType } from '../../domain/vocabulary';
import { iso, toPage, type Page } from '../../db/rows';

export interface Notice {
  id: string;
  type: NoticeType;
  automation_id: string | null;
  delivery_id: string | null;
  message: string;
  created_at: string;
}

type NoticeRow = Omit<Notice, 'created_at'> & { created_at: number };

export function insertNotice(sql: SqlStorage, n: NoticeRow): void {
  sql.exec(
    'INSERT INTO notices (id, type, automation_id, delivery_id, message, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    n.id, n.type, n.automation_id, n.delivery_id, n.message, n.created_at,
  );
}

/** Newest first. */
export function listNotices(sql: SqlStorage, limit: number, cursor: string | undefined): Page<Notice> {
  const rows = sql
    .exec<NoticeRow>('SELECT * FROM notices WHERE (?1 IS NULL OR id < ?1) ORDER BY id DESC LIMIT ?2', cursor ?? null, limit + 1)
    .toArray();
  return toPage(rows, limit, (r) => ({ ...r, created_at: iso(r.created_at) }));
}

