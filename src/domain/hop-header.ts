/**
 * The header every webhook the service sends carries, naming where it comes from, so that a
 * webhook that reaches the service's own event ingestion (an automation posting to
 * /v1/events, directly or through a relay that forwards headers) is recognised and refused
 * instead of being stored and delivered again. It is a `webhook-*` header, which an
 * automation's extra headers can never set, so no template can remove or forge it away.
 */
export const HOP_HEADER = 'webhook-origin';
export const HOP_VALUE = 'http-notifier';

/** Why an event carrying the header is refused (any value: another notifier's webhook is a loop's hop too). */
export const HOP_REFUSAL =
  `this request carries the ${HOP_HEADER} header, so it is a webhook sent by HTTP Notifier: an automation posting ` +
  'its webhooks to the events API would feed itself. Nothing was stored; point the automation at another URL';
