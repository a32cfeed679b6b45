/**
 * The console's controls for running webhooks day to day (issue #9): finding a call's
 * deliveries and replaying events in the log, task health, notices and the operations webhook
 * on the settings page, and per-call ordering and "Resend failed since…" in the editor.
 */
import { describe, expect, it } from 'vitest';
import { newId } from '../../src/crypto/ids';
import { NoticesPanel, TaskHealth } from '../../src/console/pages/operations-panels';
import type { NoticeData } from '../../src/domain/causes';
import type { ManualClock } from '../../src/lib/clock';
import { insertDelivery } from '../../src/plane/store/deliveries';
import { insertEvent } from '../../src/plane/store/events';
import { insertNotice } from '../../src/plane/store/notices';
import { deliver, inPlane, manualClock, nextAttempt, row, seedDeliveries } from '../delivery/support';
import { call, createAccount, createAutomation, postEvent, sinkUrl, unique, waitForDelivery, type TestAccount } from '../helpers';
import { listedIds, pageHtml, signIn } from './console-helpers';


/** Posts an event and returns the ids of its deliveries, once they are final. */
async function postAndSettle(account: TestAccount, data: Record<string, unknown>): Promise<{ eventId: string; ids: string[] }> {
  const posted = await postEvent(account, { type: 'inbound_call_ended', data });
  expect(posted.status).toBe(202);
  const eventId = posted.body.event_id as string;
  const ids = ((await call(`/v1/deliveries?event_id=${eventId}`, { token: account.admin })).body.data as { id: string }[]).map((d) => d.id);
  for (const id of ids) await waitForDelivery(account, id, ['succeeded', 'failed']);
  return { eventId, ids };
}

async function addNotice(account: TestAccount, notice: { automation_id?: string; delivery_id?: string; data: NoticeData }, at = Date.now()) {
  await inPlane(account.id, (_i, sql) =>
    insertNotice(sql, {
      id: newId('evt', at), automation_id: null, delivery_id: null, ...notice, created_at: at,
    }),
  );
}

/**
 * Seeds one delivery for the account's inbound_call_ended tasks and has it fail every attempt
 * through the consumer, moving the object's clock to each retry (the schedule here allows four).
 */
async function failEveryAttempt(account: TestAccount, clock: ManualClock) {
  const [id] = await seedDeliveries(account, {}, clock.now());
  await deliver([id!]);
  for (let attempt = 2; attempt <= 4; attempt++) await nextAttempt(account.id, id!, clock);
  expect(await row(id!)).toMatchObject({ status: 'failed', attempt_count: 4 });
}

/** A rendered component's HTML. */
const html = async (element: unknown) => String(await element);

describe('delivery log: find by call', () => {
  it('lists only the searched call’s deliveries, across tasks; the query string keeps the search', async () => {
    const account = await createAccount();
    const [one, two] = [await createAutomation(account), await createAutomation(account)];
    const wanted = await postAndSettle(account, { call_id: 'CA42', agent_id: 'AG1' });
    const other = await postAndSettle(account, { call_id: 'CA43', agent_id: 'AG1' });
    expect(wanted.ids).toHaveLength(2);
    const { cookie } = await signIn(account.admin);

    const everything = await pageHtml('/console/deliveries', cookie);
    expect(new Set(listedIds(everything))).toEqual(new Set([...wanted.ids, ...other.ids]));

    // The shareable form, the form's own (by/q), and with surrounding blanks: the same two rows.
    for (const path of ['/console/deliveries?call_id=CA42', '/console/deliveries?by=call_id&q=CA42', '/console/deliveries?by=call_id&q=%20CA42%20']) {
      const page = await pageHtml(path, cookie);
      expect(new Set(listedIds(page)), path).toEqual(new Set(wanted.ids));
      expect(page).toContain('<option value="call_id" selected="">Call ID</option>');
      expect(page).toMatch(/<input id="search-value" name="q" type="search"[^>]* value="CA42"/);
      // Both tasks' rows, each naming its task.
      expect(page).toContain(`href="/console/automations/${one.id}"`);
      expect(page).toContain(`href="/console/automations/${two.id}"`);
      // The status filter keeps the search, and "Clear" drops it.
      expect(page).toContain('<input type="hidden" name="call_id" value="CA42"/>');
      expect(page).toContain('href="/console/deliveries">Clear</a>');
    }
    expect(new Set(listedIds(await pageHtml('/console/deliveries?agent_id=AG1', cookie)))).toEqual(new Set([...wanted.ids, ...other.ids]));
    expect(new Set(listedIds(await pageHtml('/console/deliveries?by=agent_id&q=AG1&status=succeeded', cookie)))).toEqual(new Set([...wanted.ids, ...other.ids]));
    expect(listedIds(await pageHtml(`/console/deliveries?automation=${one.id}&call_id=CA42`, cookie))).toHaveLength(1);
    // An unknown key is no search; a key's value too long to be stored finds nothing.
    expect(listedIds(await pageHtml('/console/deliveries?by=caller_mood&q=CA42', cookie))).toHaveLength(4);
    expect(listedIds(await pageHtml(`/console/deliveries?call_id=${'9'.repeat(300)}`, cookie))).toEqual([]);
  });

  it('escapes the searched text and says when nothing matches', async () => {
    const account = await createAccount();
    await createAutomation(account);
    await postAndSettle(account, { call_id: 'CA1' });
    const { cookie } = await signIn(account.admin);
    const page = await pageHtml(`/console/deliveries?call_id=${encodeURIComponent('"><script>alert(1)</script>')}`, cookie);
    expect(listedIds(page)).toEqual([]);
    expect(page).toContain('No deliveries for Call ID “&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;”');
    expect(page).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
    expect(page).not.toContain('<script>alert(1)');
  });
});

describe('delivery log: replay', () => {
  it('marks replays, offers "Replay this event" on event rows (not tests), and shows one delivery by id', async () => {
    const account = await createAccount();
    const automation = await createAutomation(account);
    const { eventId, ids: [original] } = await postAndSettle(account, { call_id: 'CA7' });
    const test = await call(`/v1/automations/${automation.id}/test`, { token: account.admin, body: {} });
    const replayed = await call(`/v1/events/${eventId}/replay`, { token: account.admin, body: {} });
    expect(replayed.status).toBe(202);
    const [copy] = replayed.body.delivery_ids as string[];
    const { cookie } = await signIn(account.admin);

    const page = await pageHtml('/console/deliveries?call_id=CA7', cookie);
    expect(listedIds(page)).toEqual([copy, original]); // newest first; the test send has no call
    const rowOf = (id: string) => new RegExp(`<tr data-delivery-id="${id}"[\\s\\S]*?</tr>`).exec(page)![0];
    expect(rowOf(copy!)).toContain('>Replay</span>');
    expect(rowOf(original!)).not.toContain('>Replay</span>');
    for (const id of [copy!, original!]) {
      expect(rowOf(id)).toContain(`data-replay-event="${eventId}" data-replay-automation="${automation.id}"`);
    }
    expect(page).toContain('<dialog id="replay-dialog"');

    const all = await pageHtml('/console/deliveries', cookie);
    const testRow = new RegExp(`<tr data-delivery-id="${test.body.delivery_id}"[\\s\\S]*?</tr>`).exec(all)![0];
    expect(testRow).toContain('>Test</span>');
    expect(testRow).not.toContain('data-replay-event');

    const one = await pageHtml(`/console/deliveries?delivery=${original}`, cookie);
    expect(listedIds(one)).toEqual([original]);
    expect(listedIds(await pageHtml('/console/deliveries?delivery=dlv_nope', cookie))).toEqual([]);

    expect(await pageHtml('/console/deliveries?call_id=CA7&replayed=1', cookie)).toContain('One new delivery was queued, marked “Replay” in the log.');
    expect(await pageHtml('/console/deliveries?replayed=3', cookie)).toContain('3 new deliveries were queued');
    expect(await pageHtml('/console/deliveries?replayed=%3Cb%3E', cookie)).not.toContain('Event replayed');
  });

  it('names the operations webhook’s own deliveries, which cannot be replayed', async () => {
    const account = await createAccount();
    await call('/v1/account/operations-webhook', { method: 'PUT', token: account.admin, body: { url: sinkUrl(unique('ops')) } });
    // A delivery of the operations webhook, as a notice would make it.
    const id = newId('dlv');
    await inPlane(account.id, (_i, sql) => {
      const now = Date.now();
      insertEvent(sql, { id: 'evt_ops1', type: 'delivery.exhausted', occurredAt: now, data: '{}', isTest: false, receivedAt: now });
      insertDelivery(sql, { id, automationId: `ops_${account.id}`, eventId: 'evt_ops1', destination: 'x', isTest: false, now });
    });
    const { cookie } = await signIn(account.admin);
    const row = new RegExp(`<tr data-delivery-id="${id}"[\\s\\S]*?</tr>`).exec(await pageHtml('/console/deliveries', cookie))![0];
    expect(row).toContain('Operations webhook');
    expect(row).not.toContain('Deleted task');
    expect(row).not.toContain('data-replay-event');
  });
});

describe('settings: task health, notices and the operations webhook', () => {
  it('says beside a task that it is failing, and why the system turned one off, in plain language', async () => {
    // Each task gets there as it would in production: its deliveries fail through the consumer
    // while the account object's clock is moved on. The task turned off after days of failures
    // has an account of its own, so that its failures and the failing task's never add up at
    // their shared destination's gate (which would pause it).
    const account = await createAccount();
    const failing = await createAutomation(account, { url: sinkUrl(unique('b'), 'status=503') });
    const gone = await createAutomation(account, { trigger: 'contact_created', url: sinkUrl(unique('b'), 'status=410'), body: '{"c":"{{contact_id}}"}' });
    const clock = await manualClock(account.id, Date.parse('2030-01-02T03:04:05.000Z'));
    // The failing task's streak starts here; its delivery uses every attempt, so none is left to go later on its own.
    await failEveryAttempt(account, clock);
    clock.set(Date.parse('2030-01-03T00:00:00.000Z'));
    const [goneDelivery] = await seedDeliveries(account, {}, clock.now(), 'contact_created');
    await deliver([goneDelivery!]);
    // A day and an hour after the streak began, still failing.
    clock.set(Date.parse('2030-01-03T04:04:05.000Z'));
    await deliver(await seedDeliveries(account, {}, clock.now()));

    const other = await createAccount();
    const failed = await createAutomation(other, { url: sinkUrl(unique('b'), 'status=503') });
    const otherClock = await manualClock(other.id, Date.parse('2030-01-01T10:00:00.000Z'));
    await failEveryAttempt(other, otherClock);
    // Five days and an hour later (failures on two days), still failing: turned off.
    otherClock.set(Date.parse('2030-01-06T11:00:00.000Z'));
    await deliver(await seedDeliveries(other, {}, otherClock.now()));

    const page = await pageHtml('/console', (await signIn(account.admin)).cookie);
    const otherPage = await pageHtml('/console', (await signIn(other.admin)).cookie);
    const rowOf = (id: string, html = page) => new RegExp(`<tr data-automation-id="${id}"[\\s\\S]*?</tr>`).exec(html)![0];
    expect(rowOf(failing.id)).toContain(
      'Failing: every delivery has failed since <time datetime="2030-01-02T03:04:05.000Z">2030-01-02 03:04:05 UTC</time>. It is turned off if this goes on for days.',
    );
    expect(rowOf(gone.id)).not.toContain('Failing');
    // Reasons stored in earlier words were converted to the same causes (test/schema.test.ts), so they read the same.
    expect(rowOf(gone.id)).toContain(
      'Turned off automatically: on <time datetime="2030-01-03T00:00:00.000Z">2030-01-03 00:00:00 UTC</time> your endpoint answered 410 Gone,' +
        ` which means the address no longer exists, so nothing more is sent to it (<a href="/console/deliveries?delivery=${goneDelivery}">see the delivery</a>).` +
        ' Check the URL with whoever runs the endpoint, then turn it on again.',
    );
    expect(rowOf(failed.id, otherPage)).toContain(
      'Turned off automatically: every attempt to deliver to your endpoint has failed since <time datetime="2030-01-01T10:00:00.000Z">2030-01-01 10:00:00 UTC</time>' +
        ' (5 days), so nothing more is sent to it. Fix the endpoint, then turn it on again.',
    );
    for (const html of [page, otherPage]) {
      expect(html).not.toContain('Turned off: Turned off');
      expect(html).not.toMatch(/\(delivery dlv_/);
    }
  });

  it('shows words kept from before reasons and notices were data as they are (escaped), their times as times', async () => {
    // Only the migrations make these (from text they did not recognise), so the parts are rendered directly.
    const reason = await html(TaskHealth({ enabled: false, failingSince: null, cause: { kind: 'text', text: 'Switched off by <b>Support</b> on 2030-01-04T00:00:00.000Z' } }));
    expect(reason).toContain(
      'Turned off: Switched off by &lt;b&gt;Support&lt;/b&gt; on <time datetime="2030-01-04T00:00:00.000Z">2030-01-04 00:00:00 UTC</time>. Fix the endpoint, then turn it on again.',
    );
    // Text in the system's own words that the conversion did not recognise is not prefixed twice.
    const own = await html(TaskHealth({ enabled: false, failingSince: null, cause: { kind: 'text', text: 'Turned off automatically: for a reason of old' } }));
    expect(own).toContain('Turned off automatically: for a reason of old. Fix the endpoint');
    expect(own).not.toContain('Turned off: Turned off');

    const notices = await html(NoticesPanel({
      notices: [{
        id: 'evt_1', automation_id: null, delivery_id: null, created_at: '2030-01-05T00:00:00.000Z', closed_at: null, closed_by: null,
        data: { type: 'automation.failing', text: 'Failing <i>since</i> 2030-01-04T00:00:00.000Z, by old words.' },
      }],
      automations: new Map(),
      nextCursor: null,
    }));
    expect(notices).toContain(
      '<p class="notice-message">Failing &lt;i&gt;since&lt;/i&gt; <time datetime="2030-01-04T00:00:00.000Z">2030-01-04 00:00:00 UTC</time>, by old words.</p>',
    );
  });

  it('lists the newest notices with type, message, time and links to the task and the delivery; older ones a page further', async () => {
    const account = await createAccount();
    const automation = await createAutomation(account, { name: 'CRM <sync>' });
    const { cookie } = await signIn(account.admin);
    expect(await pageHtml('/console', cookie)).toContain('No notices.');

    const base = Date.parse('2030-05-01T10:00:00.000Z');
    for (let i = 0; i < 11; i++) {
      await addNotice(account, { automation_id: automation.id, delivery_id: `dlv_old${i}`, data: { type: 'delivery.recovered', attempt: i + 2 } }, base + i);
    }
    await addNotice(account, {
      automation_id: automation.id, delivery_id: 'dlv_x1', data: { type: 'delivery.exhausted', last_error: '<img src=x onerror=alert(1)>', last_status_code: null },
    }, base + 100);
    await addNotice(account, { automation_id: 'aut_gone', data: { type: 'automation.failing', since: '2030-05-01T09:00:00.000Z' } }, base + 200);

    const page = await pageHtml('/console', cookie);
    const items = [...page.matchAll(/<li class="notice-item" data-notice-type="([^"]+)">([\s\S]*?)<\/li>/g)];
    expect(items).toHaveLength(10);
    expect(items.map((m) => m[1]).slice(0, 3)).toEqual(['automation.failing', 'delivery.exhausted', 'delivery.recovered']);
    const [failing, exhausted] = [items[0]![2]!, items[1]![2]!];
    expect(failing).toContain('Task failing');
    expect(failing).toContain('failed since <time datetime="2030-05-01T09:00:00.000Z">');
    expect(failing).toContain('Deleted task');
    expect(exhausted).toContain('Delivery failed');
    expect(exhausted).toContain('Every attempt failed; the last: &lt;img src=x onerror=alert(1)&gt;.');
    expect(exhausted).toContain(`<time datetime="${new Date(base + 100).toISOString()}">`);
    expect(exhausted).toContain(`href="/console/automations/${automation.id}">An inbound call ends (CRM &lt;sync&gt;)</a>`);
    expect(exhausted).toContain('href="/console/deliveries?delivery=dlv_x1">Show the delivery</a>');
    expect(page).not.toContain('<img src=x');

    const cursor = /href="\/console\?notices=([^"#]+)#notices">Older notices<\/a>/.exec(page)?.[1];
    expect(cursor).toBeTruthy();
    const older = await pageHtml(`/console?notices=${cursor}`, cookie);
    const rest = [...older.matchAll(/<li class="notice-item"[^>]*>[\s\S]*?<p class="notice-message">([^<]*)<\/p>/g)].map((m) => m[1]);
    expect(rest).toEqual([4, 3, 2].map((n) => `Delivered on attempt ${n} after earlier failures.`));
    expect(older).not.toContain('Older notices');
  });

  it('shows the operations webhook setting: empty with Save, then the saved URL with Remove and Show secret', async () => {
    const account = await createAccount();
    const { cookie } = await signIn(account.admin);
    const empty = await pageHtml('/console', cookie);
    expect(empty).toMatch(/<input id="ops-url" name="url" type="url"[^>]* value=""/);
    expect(empty).toMatch(/<button type="button" class="button button-danger" id="ops-remove" hidden=""/);
    expect(empty).toContain('None set: notices are only shown on this page.');

    const url = `${sinkUrl(unique('ops'))}?a=1&b=<2>`;
    const saved = await call('/v1/account/operations-webhook', { method: 'PUT', token: account.admin, body: { url } });
    expect(saved.status).toBe(200);
    const page = await pageHtml('/console', cookie);
    expect(page).toContain(`value="${(saved.body.url as string).replaceAll('&', '&amp;')}"`);
    expect(page).toMatch(/<button type="button" class="button button-danger" id="ops-remove">Remove<\/button>/);
    expect(page).toMatch(/id="ops-show-secret" aria-expanded="false"/);
    // The secret itself is never in the page; the browser asks the API for it.
    expect(page).not.toContain(saved.body.signing_secret);
  });
});

describe('editor: ordering and "Resend failed since…"', () => {
  it('shows the ordering switch bound to the task, explained; resending is offered on saved tasks only', async () => {
    const account = await createAccount();
    const ordered = await createAutomation(account, { ordering: 'per_call' });
    const plain = await createAutomation(account);
    const { cookie } = await signIn(account.admin);

    const orderedPage = await pageHtml(`/console/automations/${ordered.id}`, cookie);
    expect(orderedPage).toMatch(/<input type="checkbox" id="ordering" name="ordering" value="per_call" checked=""/);
    expect(orderedPage).toContain('Order deliveries per call');
    expect(orderedPage).toMatch(/held about a second before sending, and a call’s webhooks go out one at a time/);
    // Inside the form, so Save sends it with the other fields.
    const form = /<form id="automation-form"[\s\S]*?<\/form>/.exec(orderedPage)![0];
    expect(form).toContain('id="ordering"');
    expect(orderedPage).toMatch(/<form class="card-body recover-form" id="recover-form" novalidate="" data-max-days="14">/);
    expect(orderedPage).toMatch(/<input id="recover-since" name="since" type="datetime-local"/);
    expect(orderedPage).toContain('Resend failed</button>');

    const plainPage = await pageHtml(`/console/automations/${plain.id}`, cookie);
    expect(plainPage).toMatch(/<input type="checkbox" id="ordering" name="ordering" value="per_call" aria-describedby/);

    const creating = await pageHtml('/console/automations/new', cookie);
    expect(creating).toContain('id="ordering"');
    expect(creating).not.toContain('id="recover-form"');
  });
});
