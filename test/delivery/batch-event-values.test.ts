/**
 * The consumer converts an event's data to template values once per batch and shares them
 * between that event's deliveries: one automation's redaction must never reach another's body.
 */
import { describe, expect, it } from 'vitest';
import { createAccount, createAutomation, sinkRequests, sinkUrl, unique } from '../helpers';
import { deliver, seedDeliveries } from './support';

const PHONE = '+351961918192';
const BODY = '{"phone": "{{contact_phone_number}}", "call": "{{call_id}}"}';

describe('one event, several automations, one batch', () => {
  it('each delivery is rendered with its own automation’s redaction only', async () => {
    const account = await createAccount();
    const buckets = [unique('plain'), unique('masked'), unique('plain-after'), unique('hidden')];
    // Deliveries are seeded, and so sent, in the order the automations were created.
    await createAutomation(account, { body: BODY, url: sinkUrl(buckets[0]!) });
    await createAutomation(account, { body: BODY, url: sinkUrl(buckets[1]!), redact: { contact_phone_number: 'last4' } });
    await createAutomation(account, { body: BODY, url: sinkUrl(buckets[2]!) });
    await createAutomation(account, { body: BODY, url: sinkUrl(buckets[3]!), redact: { contact_phone_number: 'hide' } });
    const ids = await seedDeliveries(account, { call_id: 'CA-7', contact_phone_number: PHONE });
    expect(ids).toHaveLength(4);
    expect((await deliver(ids)).explicitAcks).toHaveLength(4);

    const bodies = await Promise.all(buckets.map(async (bucket) => JSON.parse((await sinkRequests(bucket))[0]!.body) as Record<string, string>));
    expect(bodies).toEqual([
      { phone: PHONE, call: 'CA-7' },
      { phone: '*********8192', call: 'CA-7' },
      { phone: PHONE, call: 'CA-7' },
      { phone: '', call: 'CA-7' },
    ]);
  });
});
