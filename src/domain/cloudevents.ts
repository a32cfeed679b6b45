/**
 * The CloudEvents 1.0 HTTP binding in binary content mode: the event's attributes travel as
 * ce-* headers and the body stays the rendered template (its Content-Type is the event's
 * datacontenttype), so a receiver can route a webhook without parsing its body. Pure.
 */

/** ce-type is this prefix and the trigger id, e.g. `com.http-notifier.inbound_call_ended`. */
export const CLOUDEVENTS_TYPE_PREFIX = 'com.http-notifier.';

export interface CloudEventFacts {
  /** The webhook-id (the delivery id): the same on every retry, as ce-id must be for a receiver's dedupe. */
  id: string;
  trigger: string;
  accountId: string;
  /** The event's occurred_at, in ms. */
  occurredAt: number;
  /** The call id where the event has one (as rendered: a redacted call id stays redacted). */
  callId: string | null;
}

export function cloudEventHeaders(facts: CloudEventFacts): Record<string, string> {
  const headers: Record<string, string> = {
    'ce-specversion': '1.0',
    'ce-id': facts.id,
    'ce-type': `${CLOUDEVENTS_TYPE_PREFIX}${facts.trigger}`,
    // A URI-reference naming the account; account ids are URL-safe (letters, digits, _ . : -).
    'ce-source': `/accounts/${encodeURIComponent(facts.accountId)}`,
    'ce-time': new Date(facts.occurredAt).toISOString(),
  };
  // Header values carry only printable ASCII; a call id that is not (or is empty) is left out.
  if (facts.callId && /^[\x20-\x7e]+$/.test(facts.callId) && facts.callId.trim() === facts.callId) headers['ce-subject'] = facts.callId;
  return headers;
}
