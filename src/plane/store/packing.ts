/**
 * How the account object keeps its largest values small: an event's data and the request each
 * attempt sent are stored deflated (raw DEFLATE) against a preset dictionary — text the reader
 * can rebuild, so it costs nothing to store — and an event's business keys are stored as short
 * hashes for the indexes that find them. node:zlib's synchronous calls are used, so packing and
 * unpacking happen where rows are written and read, inside the object's transactions (about
 * 30 µs for a 1.4 KB event); CompressionStream would be asynchronous and have no dictionary.
 *
 * A packed value is a BLOB whose first byte says how it was packed. A format, and every
 * dictionary it names, never changes once shipped (rows were written with it): add a new code.
 * Values stored as TEXT (rows from before schema v7, or too small to gain) are read as they are.
 */
import { createHash } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';

/** What SQLite hands back for a TEXT or a BLOB column. */
export type Stored = string | ArrayBuffer;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** DEFLATE keeps a 32 KiB window: only that much of a dictionary's end can be referred to. */
const WINDOW = 32 * 1024;

function deflate(text: string | Uint8Array, dictionary: Uint8Array): Uint8Array {
  return deflateRawSync(typeof text === 'string' ? encoder.encode(text) : text, { dictionary });
}

function inflate(packed: Uint8Array, dictionary: Uint8Array): string {
  return decoder.decode(inflateRawSync(packed, { dictionary }));
}

function withCode(code: number, body: Uint8Array): ArrayBuffer {
  const out = new Uint8Array(body.length + 1);
  out[0] = code;
  out.set(body, 1);
  return out.buffer;
}

function codeOf(stored: ArrayBuffer): { code: number; body: Uint8Array } {
  const bytes = new Uint8Array(stored);
  return { code: bytes[0] ?? 0, body: bytes.subarray(1) };
}

// ---- event data ------------------------------------------------------------------------------

/**
 * Event data, format 1: deflated against EVENT_DICTIONARY_V1 — every field name of the trigger
 * catalog as it was when the format shipped, as a JSON object (each name is then a short
 * reference instead of its letters). Frozen: a test pins its hash; new names go in a format 2.
 */
const EVENT_V1 = 1;
export const EVENT_DICTIONARY_V1 =
  '{"account_email":"","account_id":"","account_name":"","agent_email":"","agent_id":"","agent_name":"","agent_status":"",' +
  '"agent_tags":"","agents_emails":"","agents_names":"","call_id":"","contact_address":"","contact_company":"",' +
  '"contact_email":"","contact_first_name":"","contact_id":"","contact_last_name":"","contact_name":"","contact_phone":"",' +
  '"contact_phone_number":"","contact_title":"","contact_website":"","content":"","csat_score":"","csat_survey_time":"",' +
  '"customer_phone_number":"","disposition_code":"","duration":"","event":"","hangup":"","hold_time":"","holding_time":"",' +
  '"in_business_hours":"","interaction_context_id":"","interaction_id":"","interaction_type":"","is_transfer":"","notes":"",' +
  '"phone_ivr":"","phone_vip":"","previous_agent_id":"","previous_status":"","proactive_outbound":"","recording_url":"",' +
  '"start_time":"","tags":"","talkdesk_phone_number":"","timestamp":"","title":"","total_duration":"","transcription":"",' +
  '"waiting_time":""}';
const eventDictionary = encoder.encode(EVENT_DICTIONARY_V1);

/** The data as stored: packed, unless packing would not make it smaller (then the text itself). */
export function packEventData(text: string): Stored {
  const bytes = encoder.encode(text);
  const packed = deflate(bytes, eventDictionary);
  return packed.length + 1 < bytes.length ? withCode(EVENT_V1, packed) : text;
}

export function unpackEventData(stored: Stored): string {
  if (typeof stored === 'string') return stored;
  const { code, body } = codeOf(stored);
  if (code !== EVENT_V1) throw new Error(`event data packed in an unknown format (${code})`);
  return inflate(body, eventDictionary);
}

// ---- the request an attempt sent -------------------------------------------------------------

/**
 * The request's headers and body, format 1: `<headers JSON>\n<body>`; format 2:
 * `<attempt>\n<headers JSON>`, the body being that earlier attempt's of the same delivery (a
 * retry usually sends the same body: it is kept once). Both deflated against a dictionary made
 * of the event's data (a body is mostly the event's values) followed by the headers every
 * request carries, with this delivery's id and this attempt's timestamp in them.
 * The headers' JSON has no raw line break (JSON escapes it), so the first one ends it.
 */
const REQUEST_WITH_BODY = 1;
const REQUEST_SAME_BODY = 2;
/** Formats 3 and 4: as 1 and 2, against `requestDictionaryV2` (schema v14's code writes these). */
const REQUEST_WITH_BODY_V2 = 3;
const REQUEST_SAME_BODY_V2 = 4;

/** What the reader knows without the packed value: it rebuilds the dictionary from these. */
export interface RequestContext {
  deliveryId: string;
  /** The attempt's start (epoch ms): the signature's timestamp is its second. */
  startedAt: number;
  /** The delivery's event data as stored ('' when the event is gone). */
  eventData: string;
}

/**
 * Frozen with formats 1 and 2 (the user agent of the version they shipped with, the content
 * types of that time; a test pins it): a later version's headers only compress a little less.
 */
export function requestDictionary(c: RequestContext): Uint8Array {
  const headers =
    '"content-type":"application/xml",' +
    `{"content-type":"application/json","user-agent":"HTTP-Notifier/1.0.0","webhook-id":"${c.deliveryId}",` +
    `"webhook-signature":"v1,","webhook-timestamp":"${Math.floor(c.startedAt / 1000)}"}`;
  return withEvent(c.eventData, headers);
}

/**
 * Formats 3 and 4 (frozen likewise; a test pins it): the headers of formats 1 and 2 with the
 * loop-protection header every request has carried since (src/domain/hop-header.ts), which
 * format 1 stores as about 15 bytes of its own.
 */
export function requestDictionaryV2(c: RequestContext): Uint8Array {
  const headers =
    '"content-type":"application/xml",' +
    `{"content-type":"application/json","user-agent":"HTTP-Notifier/1.0.0","webhook-id":"${c.deliveryId}",` +
    `"webhook-origin":"http-notifier","webhook-signature":"v1,","webhook-timestamp":"${Math.floor(c.startedAt / 1000)}"}`;
  return withEvent(c.eventData, headers);
}

/** The dictionary: the end of the event's data that fits the window, then the headers. */
function withEvent(eventData: string, headers: string): Uint8Array {
  const event = encoder.encode(eventData);
  const tail = encoder.encode(headers);
  const dictionary = new Uint8Array(Math.min(event.length, WINDOW - tail.length) + tail.length);
  dictionary.set(event.subarray(event.length - (dictionary.length - tail.length)), 0);
  dictionary.set(tail, dictionary.length - tail.length);
  return dictionary;
}

export interface PackedRequestParts {
  headers: Record<string, string>;
  body: string;
}

/** `sameBodyAs`: an earlier attempt of the delivery that sent exactly this body, if any. */
export function packRequest(request: PackedRequestParts, context: RequestContext, sameBodyAs: number | null): ArrayBuffer {
  const headers = JSON.stringify(request.headers);
  const dictionary = requestDictionaryV2(context);
  return sameBodyAs === null
    ? withCode(REQUEST_WITH_BODY_V2, deflate(`${headers}\n${request.body}`, dictionary))
    : withCode(REQUEST_SAME_BODY_V2, deflate(`${sameBodyAs}\n${headers}`, dictionary));
}

/** The headers, and the body or the attempt whose body it is. */
export function unpackRequest(stored: ArrayBuffer, context: RequestContext): { headers: Record<string, string> } & ({ body: string } | { sameBodyAs: number }) {
  const { code, body } = codeOf(stored);
  const v1 = code === REQUEST_WITH_BODY || code === REQUEST_SAME_BODY;
  if (!v1 && code !== REQUEST_WITH_BODY_V2 && code !== REQUEST_SAME_BODY_V2) throw new Error(`request packed in an unknown format (${code})`);
  const text = inflate(body, v1 ? requestDictionary(context) : requestDictionaryV2(context));
  const cut = text.indexOf('\n');
  if (code === REQUEST_WITH_BODY || code === REQUEST_WITH_BODY_V2) return { headers: JSON.parse(text.slice(0, cut)) as Record<string, string>, body: text.slice(cut + 1) };
  return { headers: JSON.parse(text.slice(cut + 1)) as Record<string, string>, sameBodyAs: Number(text.slice(0, cut)) };
}

// ---- business keys ---------------------------------------------------------------------------

/**
 * A business key as the index keeps it: the first 8 bytes of its SHA-256 (instead of up to
 * 40 characters, in the row and again in the index). Two different keys of one account share a
 * hash with odds of about one in 10^13 at a million keys; a search would then also list the
 * other key's deliveries.
 */
export function keyHash(value: string): ArrayBuffer {
  const digest = createHash('sha256').update(value).digest();
  return new Uint8Array(digest.subarray(0, 8)).buffer;
}

/**
 * A business key as `event_keys` holds it (schema v9): 64-bit FNV-1a of the key's name and value
 * — computed in a few hundred nanoseconds, where a SHA-256 costs microseconds of each event's
 * ingestion. The name is hashed in, so one table serves every kind of key and a call id never
 * finds an agent with the same text. Collisions are as rare as with `keyHash`'s 8 bytes; one
 * could only be forced by the account's own sender, and would only add rows to its own search.
 * Stable forever: stored rows are found by it.
 */
export function eventKeyHash(name: string, value: string): ArrayBuffer {
  return fnv1a64(`${name}\u0000${value}`);
}

/** FNV-1a, 64-bit, over the text's UTF-16 units (its bytes, for ASCII), big-endian. */
export function fnv1a64(text: string): ArrayBuffer {
  // The 64-bit state in four 16-bit limbs, low first, so every product fits a 32-bit integer.
  // The prime is 2^40 + 435: h × prime = h × 435 + (h << 40), and << 40 moves limb n to n + 2, shifted 8.
  let h0 = 0x2325, h1 = 0x8422, h2 = 0x9ce4, h3 = 0xcbf2;
  for (let i = 0; i < text.length; i++) {
    h0 ^= text.charCodeAt(i);
    const t0 = h0 * 435;
    const t1 = h1 * 435 + (t0 >>> 16);
    const t2 = h2 * 435 + (h0 << 8) + (t1 >>> 16);
    h3 = (h3 * 435 + (h1 << 8) + (t2 >>> 16)) & 0xffff;
    h0 = t0 & 0xffff;
    h1 = t1 & 0xffff;
    h2 = t2 & 0xffff;
  }
  const out = new DataView(new ArrayBuffer(8));
  out.setUint32(0, ((h3 << 16) | h2) >>> 0);
  out.setUint32(4, ((h1 << 16) | h0) >>> 0);
  return out.buffer;
}
