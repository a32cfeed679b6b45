/**
 * "Resend all N shown by these filters" in the delivery log: offered while the log lists
 * failed deliveries, stating N (the log's own count), and carrying the request that sends
 * exactly those: the page's filters, ending when the page was drawn.
 */
import { describe, expect, it } from 'vitest';
import { resendBody } from '../../src/console/pages/resend-all';
import { seedLog } from '../delivery/support';
import { createAccount, createAutomation } from '../helpers';
import { pageHtml, signIn } from './console-helpers';

const decode = (s: string) => s.replaceAll('&quot;', '"').replaceAll('&amp;', '&');
const filterOf = (html: string) => JSON.parse(decode(/id="resend-all" data-filter="([^"]+)"/.exec(html)![1]!));

describe('console: resend a filtered set', () => {
  it('offers it for failed deliveries only, stating N, with the page’s filters as the request', async () => {
    const account = await createAccount();
    const task = await createAutomation(account);
    const now = Date.now();
    await seedLog(account, [
      ...[1, 2, 3].map((i) => ({ automation: task.id, status: 'failed' as const, at: now - i * 60_000 })),
      { automation: task.id, status: 'failed' as const, at: now - 3 * 3_600_000 },
      { automation: task.id, status: 'succeeded' as const, at: now - 60_000 },
    ]);
    const { cookie } = await signIn(account.admin);
    const before = Date.now();
    const html = await pageHtml(`/console/deliveries?automation=${task.id}&status=failed&range=1h`, cookie);
    expect(html).toContain('Resend all 3 shown by these filters</button>');
    expect(html).toContain('Resend all 3 failed deliveries?');
    const body = filterOf(html);
    expect(body).toMatchObject({ status: 'failed', automation_id: task.id });
    expect(Date.parse(body.until) - Date.parse(body.since)).toBe(3_600_000);
    expect(Date.parse(body.until)).toBeGreaterThanOrEqual(before - 1);

    // A call search with nothing failed offers nothing; the search is carried when it does (below).
    const all = await pageHtml('/console/deliveries?status=failed&call_id=CA42', cookie);
    expect(all).not.toContain('id="resend-all"'); // nothing of CA42 failed
    expect(await pageHtml('/console/deliveries?status=failed', cookie)).toContain('Resend all 4 shown by these filters');
    // Not for other statuses, nor for none.
    expect(await pageHtml('/console/deliveries?status=succeeded', cookie)).not.toContain('id="resend-all"');
    expect(await pageHtml('/console/deliveries', cookie)).not.toContain('id="resend-all"');

    // Expired deliveries are never sent late: the log says so instead of offering to resend them.
    await seedLog(account, [{ automation: task.id, status: 'expired' as const, at: now - 60_000, lastError: 'too old' }]);
    const expired = await pageHtml('/console/deliveries?status=expired', cookie);
    expect(expired).not.toContain('id="resend-all"');
    expect(expired).toContain('Expired deliveries are never sent late, so they cannot be sent again.');

    // After a press, the page says what was done.
    const after = await pageHtml('/console/deliveries?status=failed&resent=3&skipped=1', cookie);
    expect(after).toContain('Sent again: 3');
    expect(after).toContain('1 were left as they are: their task is off or deleted.');
  });

  it('carries a search and an open range as the log applied them, ending when the page was drawn', () => {
    const drawnAt = Date.parse('2026-12-04T12:00:00Z');
    const filters = { automation: null, status: 'failed' as const, range: null, since: null, until: null, search: { key: 'call_id' as const, value: 'CA42' }, limit: 50, cursor: null, endingBefore: null };
    expect(resendBody(filters, drawnAt)).toEqual({ status: 'failed', call_id: 'CA42', until: '2026-12-04T12:00:00.000Z' });
    expect(resendBody({ ...filters, status: 'succeeded' }, drawnAt)).toBeNull();
  });
});
