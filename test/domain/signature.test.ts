/**
 * The signer checked against an independent implementation: `standardwebhooks`, the Standard
 * Webhooks reference library (its own base64 and SHA-256 code, nothing shared with ours).
 */
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { generateSigningSecret, signatureHeader, signWebhook } from '../../src/domain/signature';

async function signedHeaders(secret: string, id: string, timestamp: number, body: string) {
  return { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': await signWebhook(secret, id, timestamp, body) };
}

const now = () => Math.floor(Date.now() / 1000);

describe('signWebhook', () => {
  it('matches the Standard Webhooks test vector', async () => {
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const expected = 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=';
    expect(await signWebhook(secret, 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, '{"test": 2432232314}')).toBe(expected);
    expect(new Webhook(secret).sign('msg_p5jXN8AQM9LWM0D4loKWxJek', new Date(1614265330 * 1000), '{"test": 2432232314}')).toBe(expected);
  });

  it.each([
    ['JSON', '{"data":{"call_id":"CA1","agent_id":"AG\\"7"}}'],
    ['XML', '<call><id>CA1</id><note>a &amp; b</note></call>'],
    ['non-ASCII text', '{"name":"Zoë – 東京 👍","sep":"\u2028"}'],
    ['a dot-laden body', '1.2.3'],
  ])('produces signatures the reference library accepts: %s body', async (_label, body) => {
    // Fresh random secrets: their key bytes are arbitrary, so a wrong key decoding cannot pass by luck.
    for (let i = 0; i < 5; i++) {
      const secret = generateSigningSecret();
      const headers = await signedHeaders(secret, `del_${crypto.randomUUID()}`, now(), body);
      expect(() => new Webhook(secret).verify(body, headers, { jsonParse: false })).not.toThrow();
    }
  });

  it('is refused by the reference library when the id, timestamp, body or secret differ', async () => {
    const secret = generateSigningSecret();
    const body = '{"a":"b"}';
    const headers = await signedHeaders(secret, 'del_1', now(), body);
    const verify = (b: string, h: Record<string, string>, s = secret) => () => new Webhook(s).verify(b, h, { jsonParse: false });
    expect(verify(body, headers)).not.toThrow();
    expect(verify('{"a":"c"}', headers)).toThrow('No matching signature found');
    expect(verify(body, { ...headers, 'webhook-id': 'del_2' })).toThrow('No matching signature found');
    expect(verify(body, { ...headers, 'webhook-timestamp': String(now() - 1) })).toThrow('No matching signature found');
    expect(verify(body, headers, generateSigningSecret())).toThrow('No matching signature found');
  });
});

describe('signatureHeader', () => {
  it('signs with every secret, space-separated in the given order; the reference library accepts either secret', async () => {
    const [current, previous, stranger] = [generateSigningSecret(), generateSigningSecret(), generateSigningSecret()];
    const body = '{"a":"b"}';
    const timestamp = now();
    const header = await signatureHeader([current, previous], 'del_1', timestamp, body);
    expect(header.split(' ')).toEqual([await signWebhook(current, 'del_1', timestamp, body), await signWebhook(previous, 'del_1', timestamp, body)]);
    const headers = { 'webhook-id': 'del_1', 'webhook-timestamp': String(timestamp), 'webhook-signature': header };
    for (const secret of [current, previous]) expect(() => new Webhook(secret).verify(body, headers, { jsonParse: false })).not.toThrow();
    expect(() => new Webhook(stranger).verify(body, headers, { jsonParse: false })).toThrow('No matching signature found');
    expect(await signatureHeader([current], 'del_1', timestamp, body)).toBe(await signWebhook(current, 'del_1', timestamp, body));
  });
});
