import { describe, expect, it } from 'vitest';
import { disabledCause } from '../../src/domain/automation-health';
import {
  disabledReasonParts, disabledReasonText, noticeDetails, noticeParts, noticeText, type DisabledCause, type NoticeData,
} from '../../src/domain/causes';

const H = 3_600_000;
const gone: DisabledCause = { kind: 'gone', at: '2030-01-03T00:00:00.000Z', delivery_id: 'dlv_abc123' };

describe('why an automation was turned off, worded for an administrator', () => {
  it('410 Gone: says what the answer means and what follows, with the time and the delivery', () => {
    expect(disabledReasonText(gone)).toBe(
      'Turned off automatically: on 2030-01-03T00:00:00.000Z your endpoint answered 410 Gone, which means the address no longer exists,' +
        ' so nothing more is sent to it (delivery dlv_abc123)',
    );
    expect(disabledReasonText(gone, { delivery: false })).not.toContain('dlv_abc123');
    expect(disabledReasonParts(gone)).toContainEqual({ time: '2030-01-03T00:00:00.000Z' });
    expect(disabledReasonParts(gone)).toContainEqual({ delivery: 'dlv_abc123' });
  });

  it('failing for days: since when, and how long in days (hours below two days)', () => {
    const since = Date.parse('2030-01-01T10:00:00.000Z');
    const cause = disabledCause({ streakStartedAt: since, failureDays: ['2030-01-01', '2030-01-02'], failingSince: since + 24 * H }, since + 121 * H);
    expect(cause).toEqual({ kind: 'failing', since: '2030-01-01T10:00:00.000Z', hours: 121 });
    expect(disabledReasonText(cause)).toBe(
      'Turned off automatically: every attempt to deliver to your endpoint has failed since 2030-01-01T10:00:00.000Z (5 days), so nothing more is sent to it',
    );
    expect(disabledReasonText({ ...cause, hours: 30 })).toContain('(30 hours)');
    expect(disabledReasonText({ ...cause, hours: 1 })).toContain('(1 hour)');
  });

  it('a reason kept as text (words the conversion did not know) is served as it is', () => {
    expect(disabledReasonText({ kind: 'text', text: 'Turned off by Support' })).toBe('Turned off by Support');
  });
});

describe('notices, worded from their data', () => {
  const cases: [NoticeData, string][] = [
    [{ type: 'delivery.exhausted', last_error: 'receiver answered 500', last_status_code: 500 }, 'Every attempt failed; the last: receiver answered 500.'],
    [{ type: 'delivery.exhausted', last_error: null, last_status_code: null }, 'Every attempt failed; the last: unknown error.'],
    [{ type: 'delivery.recovered', attempt: 3 }, 'Delivered on attempt 3 after earlier failures.'],
    [{ type: 'automation.failing', since: '2030-05-01T09:00:00.000Z' }, 'Every delivery attempt has failed since 2030-05-01T09:00:00.000Z.'],
    [
      { type: 'automation.disabled', cause: gone },
      // The notice names its delivery itself: the words leave it out.
      'Turned off automatically: on 2030-01-03T00:00:00.000Z your endpoint answered 410 Gone, which means the address no longer exists, so nothing more is sent to it.',
    ],
    [
      { type: 'automation.disabled', cause: { kind: 'failing', since: '2030-01-01T10:00:00.000Z', hours: 121 } },
      'Turned off automatically: every attempt to deliver to your endpoint has failed since 2030-01-01T10:00:00.000Z (5 days), so nothing more is sent to it.',
    ],
  ];

  it.each(cases)('%o reads “%s”', (data, text) => {
    expect(noticeText(data)).toBe(text);
    expect(noticeParts(data).some((part) => typeof part === 'object' && 'delivery' in part)).toBe(false);
  });

  it('gives times as parts to show as times, and its data without the type as details', () => {
    expect(noticeParts({ type: 'automation.failing', since: '2030-05-01T09:00:00.000Z' })).toEqual([
      'Every delivery attempt has failed since ', { time: '2030-05-01T09:00:00.000Z' }, '.',
    ]);
    expect(noticeDetails({ type: 'delivery.recovered', attempt: 3 })).toEqual({ attempt: 3 });
    expect(noticeDetails({ type: 'automation.disabled', cause: gone })).toEqual({ cause: gone });
  });

  it('a notice kept as text (words the conversion did not know) keeps them, and has no details', () => {
    const old = { type: 'delivery.exhausted' as const, text: 'Something else happened.' };
    expect(noticeText(old)).toBe('Something else happened.');
    expect(noticeDetails(old)).toBeNull();
  });
});
