/**
 * Screen-reader names of repeated controls (issue #10): each row's buttons and links say which
 * task and which delivery they act on, so a list of them is not fifty "Send again".
 */
import { describe, expect, it } from 'vitest';
import { call, createAccount, createAutomation, postEvent, waitForDelivery } from '../helpers';
import { pageHtml, signIn } from './console-helpers';
import { manualClock } from '../delivery/support';

/** The aria-labels that start with the given text, decoded. */
function labels(page: string, start: string): string[] {
  return [...page.matchAll(/aria-label="([^"]*)"/g)].map((m) => m[1]!.replaceAll('&amp;', '&').replaceAll('&quot;', '"'))
    .filter((label) => label.startsWith(start));
}

describe('accessible names of repeated controls', () => {
  it('settings: "Edit" and "Log" name the task (its name, else trigger and URL), each one different', async () => {
    const account = await createAccount();
    const unnamed = [await createAutomation(account, { name: null }), await createAutomation(account, { name: null })];
    await createAutomation(account, { name: 'Call summary to CRM' });
    const { cookie } = await signIn(account.admin);
    const page = await pageHtml('/console', cookie);
    const edits = labels(page, 'Edit: ');
    expect(edits).toHaveLength(3);
    expect(new Set(edits).size).toBe(3);
    expect(edits).toContain('Edit: Call summary to CRM (An inbound call ends)');
    for (const task of unnamed) expect(edits).toContain(`Edit: An inbound call ends to ${task.url}`);
    const logs = labels(page, 'Delivery log: ');
    expect(new Set(logs).size).toBe(3);
  });

  it('delivery log: "Send again", "Replay this event" and "Attempts" name the task and the delivery time', async () => {
    const account = await createAccount();
    await createAutomation(account, { name: 'CRM' });
    await createAutomation(account, { name: 'Wallboard' });
    const clock = await manualClock(account.id);
    const ids: string[] = [];
    for (const callId of ['CA1', 'CA2']) {
      const posted = await postEvent(account, { type: 'inbound_call_ended', data: { call_id: callId } });
      expect(posted.status).toBe(202);
      const listed = await call(`/v1/deliveries?event_id=${posted.body.event_id as string}`, { token: account.admin });
      for (const delivery of listed.body.data as { id: string }[]) {
        await waitForDelivery(account, delivery.id, ['succeeded', 'failed']);
        ids.push(delivery.id);
      }
      // The next event a second later, so the two deliveries of a task differ in their time.
      clock.advance(1100);
    }
    expect(ids).toHaveLength(4);
    const { cookie } = await signIn(account.admin);
    const page = await pageHtml('/console/deliveries', cookie);
    for (const action of ['Send again: ', 'Replay this event: ', 'Attempts: ']) {
      const named = labels(page, action);
      expect(named, action).toHaveLength(4);
      expect(new Set(named).size, action).toBe(4);
      for (const label of named) expect(label).toMatch(/^[^:]+: (CRM|Wallboard) \(An inbound call ends\), \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
    }
  });

  it('editor: the page title names the task', async () => {
    const account = await createAccount();
    const named = await createAutomation(account, { name: 'Call summary to CRM' });
    const unnamed = await createAutomation(account, { name: null });
    const { cookie } = await signIn(account.admin);
    expect(await pageHtml(`/console/automations/${named.id}`, cookie)).toContain('<title>Edit: Call summary to CRM (An inbound call ends) · HTTP Notifier</title>');
    expect(await pageHtml(`/console/automations/${unnamed.id}`, cookie)).toContain(`<title>Edit: An inbound call ends to ${unnamed.url} · HTTP Notifier</title>`);
    expect(await pageHtml('/console/automations/new', cookie)).toContain('<title>New automated task · HTTP Notifier</title>');
  });
});
