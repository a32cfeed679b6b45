import { describe, expect, it } from 'vitest';
import { attemptFields, originOnly, stoppedBefore, verdictOf, type AttemptRecord } from '../../src/observability/attempt';
import { ATTEMPT_COLUMNS, attemptDataPoint } from '../../src/observability/attempt-dataset';

const response = (status: number) => ({ kind: 'response' as const, status, retryAfter: null });

describe('verdictOf', () => {
  it('2xx succeeds, as the retry policy says; every other answer fails with its class', () => {
    expect(verdictOf(response(200))).toEqual({ outcome: 'succeeded', errorClass: 'none' });
    expect(verdictOf(response(299))).toEqual({ outcome: 'succeeded', errorClass: 'none' });
    const classes = [[199, 'http_other'], [301, 'http_3xx'], [399, 'http_3xx'], [400, 'http_4xx'], [410, 'http_4xx'], [429, 'http_4xx'], [500, 'http_5xx'], [599, 'http_5xx']] as const;
    for (const [status, errorClass] of classes) expect(verdictOf(response(status)), String(status)).toEqual({ outcome: 'failed', errorClass });
  });

  it('a timeout and any other fetch error', () => {
    expect(verdictOf({ kind: 'error', message: 'timed out after 15000 ms', timedOut: true })).toEqual({ outcome: 'failed', errorClass: 'timeout' });
    expect(verdictOf({ kind: 'error', message: 'network error: x' })).toEqual({ outcome: 'failed', errorClass: 'network' });
  });

  it('an attempt stopped before sending fails with why', () => {
    expect(stoppedBefore('render')).toEqual({ outcome: 'failed', errorClass: 'render' });
  });
});

describe('originOnly', () => {
  it('keeps scheme, host and port; drops credentials, path, query and fragment', () => {
    expect(originOnly('https://example.com')).toBe('https://example.com');
    expect(originOnly('https://user:pw@hooks.example.com:8443/p/secret?token=s#f')).toBe('https://hooks.example.com:8443');
  });

  it('never passes through what is not a URL with an origin', () => {
    expect(originOnly('hooks.example.com/secret?token=s')).toBe('(not a URL)');
    expect(originOnly('mailto:someone@example.com')).toBe('(no origin)');
  });
});

describe('the data point of an attempt', () => {
  const record: AttemptRecord = {
    accountId: 'acc_1', automationId: 'aut_1', deliveryId: 'dlv_1', destination: 'https://example.com/path-secret?q=s', lane: 'slow',
    attempt: 5, scheduleAttempt: 2, statusCode: null, durationMs: 1500.4, outcome: 'failed', errorClass: 'timeout',
  };

  it('follows ATTEMPT_COLUMNS: the account as index, ids and classes as blobs, numbers as doubles (0 for no status)', () => {
    const fields = attemptFields(record);
    expect(fields.destination).toBe('https://example.com');
    expect(fields.duration_ms).toBe(1500);
    expect(attemptDataPoint(fields)).toEqual({
      indexes: ['acc_1'],
      blobs: ['acc_1', 'aut_1', 'https://example.com', 'failed', 'timeout', 'slow', 'dlv_1'],
      doubles: [1500, 0, 5, 2],
    });
  });

  it('indexes at most the first 96 bytes of an account id (Analytics Engine refuses more); blob1 keeps it whole', () => {
    const long = 'a'.repeat(120);
    const point = attemptDataPoint(attemptFields({ ...record, accountId: long }));
    expect(point.indexes).toEqual(['a'.repeat(96)]);
    expect(point.blobs![0]).toBe(long);
    // Cut on a character boundary: 95 ASCII bytes, then a 2-byte character that would not fit.
    expect(attemptDataPoint(attemptFields({ ...record, accountId: `${'a'.repeat(95)}é-more` })).indexes).toEqual(['a'.repeat(95)]);
  });

  it('has a column for every field, each once, within Analytics Engine limits (20 blobs, 20 doubles)', () => {
    const columns = [...ATTEMPT_COLUMNS.blobs, ...ATTEMPT_COLUMNS.doubles];
    expect(new Set(columns).size).toBe(columns.length);
    expect(columns.sort()).toEqual(Object.keys(attemptFields(record)).sort());
    expect(ATTEMPT_COLUMNS.blobs.length).toBeLessThanOrEqual(20);
    expect(ATTEMPT_COLUMNS.doubles.length).toBeLessThanOrEqual(20);
  });
});
