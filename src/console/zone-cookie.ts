/**
 * The cookie that carries the reader's time zone (an IANA name, as the browser reports it) from
 * the page scripts to the server, which draws the 7-day health view in the reader's calendar
 * days. Shared by the server (page-routes) and the browser (lib/reader-zone.ts).
 */
export const ZONE_COOKIE = 'hn_tz';
