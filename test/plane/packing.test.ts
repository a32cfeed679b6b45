/**
 * Packing (src/plane/store/packing.ts): what is packed reads back exactly, whatever the text,
 * and the dictionaries stored rows were packed with never change.
 */
import { createHash } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { SAMPLE_BODY } from '../../src/catalog/sample-body';
import {
  EVENT_DICTIONARY_V1, eventKeyHash, fnv1a64, keyHash, packEventData, packRequest, requestDictionary, requestDictionaryV2, unpackEventData, unpackRequest,
  type RequestContext,
} from '../../src/plane/store/packing';

const sha256 = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');

const EVENT = JSON.stringify({
  event: 'call_finished', call_id: 'ca-8f2d41c0b7e94d1a9c3e', interaction_id: '5c67cabb34d8c6d4a3d2d2a9638a9f06',
  contact_id: '51e7234e191ecb92fa7c8572', agent_id: '4f78ded32b0ac00001000001', contact_phone_number: '+351961900000',
  agent_name: 'Amanda Lewis', contact_address: '1 Market St, San Francisco, CA 94105', duration: '30', in_business_hours: 'true',
});
const NON_ASCII = JSON.stringify({ call_id: 'CA-é-😀', contact_name: 'Zoë Ångström 中文', notes: 'naïve café — “quoted” \u2028 line' });

const context = (eventData: string): RequestContext => ({ deliveryId: 'dlv_01a2427be78627250d0d778904e2', startedAt: 1_796_411_746_210, eventData });
const headers = {
  'content-type': 'application/json', 'user-agent': 'HTTP-Notifier/1.0.0', 'webhook-id': 'dlv_01a2427be78627250d0d778904e2',
  'webhook-signature': 'v1,N51pHSUts/NZiSDUgyr0s+IGEp9lDEZtFshh3aKHYUY=', 'webhook-timestamp': '1796411746', 'x-tenant': 'acmé',
};

describe('event data', () => {
  it('reads back exactly, packed when that is smaller', () => {
    for (const text of [EVENT, NON_ASCII, JSON.stringify({ big: 'x'.repeat(100_000), tail: '😀' })]) {
      const stored = packEventData(text);
      expect(stored).toBeInstanceOf(ArrayBuffer);
      expect((stored as ArrayBuffer).byteLength).toBeLessThan(new TextEncoder().encode(text).length);
      expect(unpackEventData(stored)).toBe(text);
    }
    expect(unpackEventData(packEventData(EVENT)).length).toBe(EVENT.length);
  });

  it('a tiny value stays text, and text (rows from before v7) reads as it is', () => {
    expect(packEventData('{}')).toBe('{}');
    expect(unpackEventData('{"call_id":"CA42"}')).toBe('{"call_id":"CA42"}');
  });

  it('the field names take little room: a realistic event shrinks by over 30 %', () => {
    const stored = packEventData(EVENT) as ArrayBuffer;
    expect(stored.byteLength / EVENT.length).toBeLessThan(0.7);
  });

  it('refuses a format it does not know', () => {
    expect(() => unpackEventData(new Uint8Array([9, 1, 2]).buffer)).toThrow(/unknown format \(9\)/);
  });

  it('its dictionary is the one rows were packed with: never edited', () => {
    expect(sha256(EVENT_DICTIONARY_V1)).toBe('7b0404b58daf98a3a460bd14e9ceeab566e9ebe2ea14150c992055046699e1d9');
  });
});

describe('the request an attempt sent', () => {
  const body = SAMPLE_BODY.replace('{{call_id}}', 'ca-8f2d41c0b7e94d1a9c3e').replace('{{agent_id}}', '4f78ded32b0ac00001000001');

  it('reads back exactly: headers in their order, the body', () => {
    for (const [eventData, text] of [[EVENT, body], [NON_ASCII, `{"name":"Zoë Ångström 中文","emoji":"😀"}`], ['', ''], [EVENT, '']] as const) {
      const stored = packRequest({ headers, body: text }, context(eventData), null);
      const read = unpackRequest(stored, context(eventData));
      expect(read).toEqual({ headers, body: text });
      expect(Object.keys(read.headers)).toEqual(Object.keys(headers));
    }
  });

  it('the event data and the usual headers make it small', () => {
    const plain = JSON.stringify(headers).length + body.length;
    const packed = packRequest({ headers, body }, context(EVENT), null).byteLength;
    expect(packed / plain).toBeLessThan(0.45);
  });

  it('a repeated body is named, not stored', () => {
    const stored = packRequest({ headers, body }, context(EVENT), 3);
    expect(unpackRequest(stored, context(EVENT))).toEqual({ headers, sameBodyAs: 3 });
    expect(stored.byteLength).toBeLessThan(packRequest({ headers, body }, context(EVENT), null).byteLength);
  });

  it('an event larger than the compression window (32 KiB) still reads back', () => {
    const large = JSON.stringify({ notes: 'é'.repeat(40_000), call_id: 'CA42' });
    const text = `{"call":"CA42","notes":"${'é'.repeat(30_000)}"}`;
    const stored = packRequest({ headers, body: text }, context(large), null);
    expect(unpackRequest(stored, context(large))).toEqual({ headers, body: text });
  });

  it('is read with the dictionary it was packed with: that of another delivery cannot read it', () => {
    const stored = packRequest({ headers, body }, context(EVENT), null);
    let read: unknown = null;
    try {
      read = unpackRequest(stored, { ...context(EVENT), deliveryId: 'dlv_01a2427be78627250d0d778904e3' });
    } catch {
      // An inconsistent stream is refused, or else reads as something else.
    }
    expect(read).not.toEqual({ headers, body });
  });

  it('its dictionaries are the ones rows were packed with: never edited', () => {
    expect(sha256(requestDictionary(context('{"call_id":"CA42"}')))).toBe('f70a329ec132a6f840b906c967713eafc8c37c6b6ac57ed3e39832a6a4cc56b0');
    expect(sha256(requestDictionaryV2(context('{"call_id":"CA42"}')))).toBe('8c7778c4a8237c21851b6550fe38cc570049519c90a5e24c2bd3f4e69d8235db');
  });

  it('rows packed in formats 1 and 2 (before schema v14) read back; new ones, with the loop-protection header, are smaller', () => {
    const withHop = { ...headers, 'webhook-origin': 'http-notifier' };
    const v1 = (code: number, text: string) => {
      const packed = deflateRawSync(new TextEncoder().encode(text), { dictionary: requestDictionary(context(EVENT)) });
      return new Uint8Array([code, ...packed]).buffer;
    };
    expect(unpackRequest(v1(1, `${JSON.stringify(withHop)}\n${body}`), context(EVENT))).toEqual({ headers: withHop, body });
    expect(unpackRequest(v1(2, `3\n${JSON.stringify(withHop)}`), context(EVENT))).toEqual({ headers: withHop, sameBodyAs: 3 });
    const now = packRequest({ headers: withHop, body }, context(EVENT), null);
    expect(new Uint8Array(now)[0]).toBe(3);
    expect(new Uint8Array(packRequest({ headers: withHop, body }, context(EVENT), 3))[0]).toBe(4);
    expect(now.byteLength).toBeLessThanOrEqual(v1(1, `${JSON.stringify(withHop)}\n${body}`).byteLength - 10);
  });
});

describe('business keys', () => {
  it('are kept as 8 bytes of their SHA-256', () => {
    const hash = new Uint8Array(keyHash('CA42'));
    expect(hash).toHaveLength(8);
    expect(Buffer.from(hash).toString('hex')).toBe(sha256('CA42').slice(0, 16));
    expect(Buffer.from(new Uint8Array(keyHash('CA43'))).toString('hex')).not.toBe(Buffer.from(hash).toString('hex'));
  });
});

describe('business keys in event_keys', () => {
  const hex = (buffer: ArrayBuffer) => Buffer.from(buffer).toString('hex');

  it('are 64-bit FNV-1a: the published test vectors', () => {
    expect(hex(fnv1a64(''))).toBe('cbf29ce484222325');
    expect(hex(fnv1a64('a'))).toBe('af63dc4c8601ec8c');
    expect(hex(fnv1a64('foobar'))).toBe('85944171f73967e8');
  });

  it('hash the key name in, and never change (stored rows are found by them)', () => {
    expect(hex(eventKeyHash('call_id', 'CA42'))).not.toBe(hex(eventKeyHash('agent_id', 'CA42')));
    expect(hex(eventKeyHash('call_id', 'CA42'))).toBe(hex(fnv1a64('call_id\u0000CA42')));
    expect(hex(eventKeyHash('call_id', 'CA-é-😀'))).toBe('37fe111c8a3c826b');
  });
});
