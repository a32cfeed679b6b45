/**
 * Tells the server the reader's time zone, in a cookie it reads when it draws a page: the
 * 7-day health view then counts the reader's calendar days, so today's deliveries are filed
 * under today. Set on every page, the sign-in page included, so the first console page already
 * has it. A 7-day card drawn for another zone (the reader travelled, or this is the first
 * visit) is drawn again once in the reader's zone.
 */
import type { ZoneCookie } from '../../zone-cookie';

/** Its name, as the server reads it (the type allows no other). */
const ZONE_COOKIE: ZoneCookie = 'hn_tz';

function cookie(name: string): string | null {
  const found = document.cookie.split('; ').find((part) => part.startsWith(name + '='));
  return found === undefined ? null : decodeURIComponent(found.slice(name.length + 1));
}

export function shareReaderZone(): void {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (!zone || cookie(ZONE_COOKIE) === zone) return;
  const secure = location.protocol === 'https:' ? '; Secure' : '';
  document.cookie = `${ZONE_COOKIE}=${encodeURIComponent(zone)}; Path=/console; Max-Age=31536000; SameSite=Strict${secure}`;
  // Only when the cookie took (cookies may be off) and the card was drawn for a zone other than
  // the one now asked for: a zone the server cannot read is asked for as well, so no loop.
  const card = document.querySelector<HTMLElement>('[data-health-window="7d"][data-zone-asked]');
  if (card && cookie(ZONE_COOKIE) === zone && card.dataset.zoneAsked !== zone) location.reload();
}
