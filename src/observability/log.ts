/**
 * Structured log lines: one JSON object per console line, which Workers Logs splits into fields
 * that can be filtered and grouped (README "Operations"). Values are flat scalars so that each
 * field is one searchable column; nothing nested hides a value from a query.
 */
export type LogValue = string | number | boolean | null;
export type LogFields = Record<string, LogValue>;
export type LogLevel = 'info' | 'warn' | 'error';

const WRITERS: Record<LogLevel, (line: string) => void> = {
  info: (line) => console.log(line),
  warn: (line) => console.warn(line),
  error: (line) => console.error(line),
};

/**
 * Writes one line, `{"msg": msg, ...fields}`. `msg` comes first and always names the line (a
 * field of that name is overwritten), so lines can be found by it. The level picks the console
 * method, which is the level Workers Logs shows; most lines are `info` (console.log).
 */
export function logEvent(msg: string, fields: LogFields, level: LogLevel = 'info'): void {
  const line: LogFields = { msg, ...fields };
  line.msg = msg;
  WRITERS[level](JSON.stringify(line));
}
