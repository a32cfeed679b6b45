/**
 * The cookie that carries the reader's time zone (an IANA name, as the browser reports it) from
 * the page scripts to the server, which draws the 7-day health view in the reader's calendar
 * days. The browser (lib/reader-zone.ts) may take only types from the server, so it spells the
 * name against this type: tsc refuses any other spelling.
 */
export type ZoneCookie = 'hn_tz';
export const ZONE_COOKIE: ZoneCookie = 'hn_tz';
