/** The editor's "Personal data" control, as the server renders it. */
import { describe, expect, it } from 'vitest';
import { findTrigger } from '../../src/catalog';
import { createAccount, createAutomation } from '../helpers';
import { fetchConsole, signIn } from './console-helpers';

async function editor(path: string, cookie: string) {
  const response = await fetchConsole(path, { cookie });
  expect(response.status).toBe(200);
  return response.text();
}

/** The options of the select for `field`, and which one is selected. */
function choiceOf(html: string, field: string) {
  const select = new RegExp(`<select id="redact-${field}"[^>]*>([\\s\\S]*?)</select>`).exec(html)?.[1];
  if (select === undefined) return null;
  const options = [...select.matchAll(/<option value="([^"]*)"( selected="")?>([^<]*)<\/option>/g)];
  return { labels: options.map((o) => o[3]), selected: options.filter((o) => o[2]).map((o) => o[1]) };
}

describe('console editor: personal data', () => {
  it('has one choice per field of the saved trigger, showing the saved redaction', async () => {
    const account = await createAccount();
    const automation = await createAutomation(account, { redact: { contact_phone_number: 'last4', contact_email: 'hide' } });
    const { cookie } = await signIn(account.admin);
    const html = await editor(`/console/automations/${automation.id}`, cookie);
    expect(html).toContain('<h3 id="redact-heading">Personal data</h3>');
    const fields = findTrigger('inbound_call_ended')!.fields;
    expect(html.match(/<select id="redact-[a-z_]+" class="redact-choice"/g)).toHaveLength(fields.length);
    expect(choiceOf(html, 'contact_phone_number')).toEqual({ labels: ['Send as is', 'Last 4 only', 'Hide'], selected: ['last4'] });
    expect(choiceOf(html, 'contact_email')?.selected).toEqual(['hide']);
    expect(choiceOf(html, 'call_id')?.selected).toEqual(['']);
    expect(html).toMatch(/<label for="redact-contact_email"><code>contact_email<\/code><\/label>/);
    // Open, with the count, when something is redacted.
    expect(html).toMatch(/<details id="redact-details" class="redact-details" open="">/);
    expect(html).toContain('<span id="redact-count">2 fields redacted</span>');
    // The template the page script builds other triggers' rows from.
    expect(html).toMatch(/<template id="redact-row-template"><tr data-field=""><th scope="row"><label for="redact-">/);
  });

  it('is closed when nothing is redacted, and empty until a trigger is chosen', async () => {
    const account = await createAccount();
    const automation = await createAutomation(account);
    const { cookie } = await signIn(account.admin);
    const saved = await editor(`/console/automations/${automation.id}`, cookie);
    expect(saved).toMatch(/<details id="redact-details" class="redact-details">/);
    expect(saved).toContain('<span id="redact-count">all sent as is</span>');
    const fresh = await editor('/console/automations/new', cookie);
    expect(fresh).not.toMatch(/<select id="redact-[a-z_]+"/);
    expect(fresh).toMatch(/<p id="redact-empty" class="help">Choose a trigger to see its fields.<\/p>/);
    expect(fresh).toMatch(/<table class="data redact-table" id="redact-table" hidden="">/);
  });
  it('lists the fields the body uses first, marked "in body", each row with the kind of personal data it carries', async () => {
    const account = await createAccount();
    const body = '{"phone": "{{customer_phone_number}}", "call": "{{call_id}}"}';
    const automation = await createAutomation(account, { body });
    const { cookie } = await signIn(account.admin);
    const html = await editor(`/console/automations/${automation.id}`, cookie);
    const rows = [...html.matchAll(/<tr data-field="([a-z_]+)"( data-kind="([a-z]+)")?( data-in-body="true")?/g)].map((m) => [m[1], m[3] ?? null, Boolean(m[4])]);
    const fields = findTrigger('inbound_call_ended')!.fields;
    expect(rows).toHaveLength(fields.length);
    // In the catalog's order within each group: call_id comes before customer_phone_number there.
    expect(rows.slice(0, 2)).toEqual([['call_id', null, true], ['customer_phone_number', 'phone', true]]);
    expect(rows.slice(2).every(([, , inBody]) => !inBody)).toBe(true);
    expect(rows.filter(([, kind]) => kind === 'phone').map(([name]) => name)).toEqual(
      ['customer_phone_number', 'contact_phone_number', 'talkdesk_phone_number', 'contact_phone']);
    expect(rows.find(([name]) => name === 'agent_email')?.[1]).toBe('email');
    // Beside the preview: inside the body section, right after it.
    expect(html).toMatch(/<div class="preview-redact"><section class="preview-section"[\s\S]*?<\/section><section class="redact-panel"/);
  });
});
