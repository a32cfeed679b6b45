/**
 * README's Operations section describes the attempts dataset: its column table and its queries
 * must follow ATTEMPT_COLUMNS (src/observability/attempt-dataset.ts), which the writer follows,
 * and its example log line must have exactly the fields the consumer logs.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { attemptFields, type AttemptRecord } from '../src/observability/attempt';
import { ATTEMPT_COLUMNS } from '../src/observability/attempt-dataset';
import { ROOT } from './support/wrangler';

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const operations = readme.slice(readme.indexOf('\n## Operations\n'), readme.indexOf('\n## Development\n'));

const expectedColumns: [string, string][] = [
  ['index1', ATTEMPT_COLUMNS.index1],
  ...ATTEMPT_COLUMNS.blobs.map((field, i): [string, string] => [`blob${i + 1}`, field]),
  ...ATTEMPT_COLUMNS.doubles.map((field, i): [string, string] => [`double${i + 1}`, field]),
];

describe('README: the attempts dataset', () => {
  it('has an Operations section', () => {
    expect(operations.length).toBeGreaterThan(1000);
  });

  it('lists every column with its field, in the order written', () => {
    const rows = [...operations.matchAll(/^\| `((?:index|blob|double)\d+)` \| `(\w+)`/gm)].map((m) => [m[1], m[2]]);
    expect(rows).toEqual(expectedColumns);
  });

  it('queries name each column by its field and use no column that is not written', () => {
    const field = new Map(expectedColumns);
    const sql = [...operations.matchAll(/```sql\n([\s\S]*?)```/g)].map((m) => m[1]!).join('\n');
    expect(sql).toContain('_sample_interval');
    for (const [, column, alias] of sql.matchAll(/\b((?:index|blob|double)\d+) AS (\w+)/g)) {
      expect(alias, column).toBe(field.get(column!));
    }
    for (const [column] of sql.matchAll(/\b(?:index|blob|double)\d+\b/g)) expect(field.has(column), column).toBe(true);
  });

  it('shows an attempt line with exactly the fields the consumer logs', () => {
    const example = /```json\n(\{"msg":"delivery attempt".*\})\n```/.exec(operations);
    expect(example).not.toBeNull();
    const record: AttemptRecord = {
      accountId: 'a', automationId: 'b', deliveryId: 'c', destination: 'https://example.com', lane: 'fast',
      attempt: 1, scheduleAttempt: 1, statusCode: 200, durationMs: 1, outcome: 'succeeded', errorClass: 'none',
    };
    expect(Object.keys(JSON.parse(example![1]!))).toEqual(['msg', ...Object.keys(attemptFields(record))]);
  });
});
