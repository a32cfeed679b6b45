/**
 * Save-time and send-time policy for webhook target URLs (SSRF defence).
 *
 * Pure and DNS-free: it judges only what the URL text says. Names that *resolve* to private
 * addresses are stopped at fetch time by the `global_fetch_strictly_public` compatibility flag.
 *
 * Host notation is left to the WHATWG parser on purpose: it already folds every IPv4 spelling
 * (hex, octal, decimal, short forms, percent-escapes) to a dotted quad and compresses IPv6, so we
 * classify exactly the host that fetch() would connect to instead of re-implementing the parser.
 */

export interface TargetUrlPolicy {
  /** Local development only: permits 127/8, ::1, localhost and *.localhost. */
  allowLoopback: boolean;
}

export type TargetUrlCheck = { ok: true; url: URL } | { ok: false; reason: string };

export const MAX_TARGET_URL_LENGTH = 2048;

/** Why a host is refused; `loopback` is the only class `allowLoopback` can lift. */
interface Refusal {
  loopback: boolean;
  what: string;
}

const LOOPBACK: Refusal = { loopback: true, what: 'a loopback address' };
const refuse = (what: string): Refusal => ({ loopback: false, what });

export function checkTargetUrl(raw: string, policy: TargetUrlPolicy): TargetUrlCheck {
  // Checked before parsing so a huge string is never handed to the parser.
  if (raw.length > MAX_TARGET_URL_LENGTH) return tooLong();
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'not a valid absolute URL' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { ok: false, reason: `scheme "${url.protocol}" is not allowed; use http: or https:` };
  }
  // Credentials in the URL would be stored and logged in clear; the reason never repeats them.
  if (url.username !== '' || url.password !== '') {
    return { ok: false, reason: 'URL must not contain a username or password; use an Authorization header instead' };
  }
  // Normalisation can lengthen the URL (percent-encoding), and the href is what gets stored.
  if (url.href.length > MAX_TARGET_URL_LENGTH) return tooLong();

  const host = url.hostname;
  const refusal = classifyHost(host);
  if (refusal && !(refusal.loopback && policy.allowLoopback)) {
    return { ok: false, reason: `host ${host} is ${refusal.what}` };
  }
  return { ok: true, url };
}

function tooLong(): TargetUrlCheck {
  return { ok: false, reason: `URL is longer than ${MAX_TARGET_URL_LENGTH} characters` };
}

/** null = acceptable public host. */
function classifyHost(host: string): Refusal | null {
  if (host.startsWith('[')) {
    const hextets = parseIpv6(host.slice(1, -1));
    return hextets ? classifyIpv6(hextets) : refuse('not a valid IPv6 address');
  }
  // For http(s) the parser turns anything whose last label is numeric into a dotted quad or
  // rejects the URL, so a numeric-looking host here is always a canonical IPv4 address.
  const v4 = parseDottedQuad(host);
  if (v4 !== null) return classifyIpv4(v4);
  return classifyName(host);
}

// ---------------------------------------------------------------------------------- names

function classifyName(host: string): Refusal | null {
  // "localhost." and "localhost" are the same name to a resolver.
  const name = host.replace(/\.+$/, '');
  if (name === '') return refuse('not a valid host name');
  // RFC 6761: every *.localhost name is loopback, whatever DNS might say.
  if (name === 'localhost' || name.endsWith('.localhost')) return { loopback: true, what: 'a loopback host name' };
  if (name === 'local' || name.endsWith('.local')) return refuse('a local-network (.local, mDNS) name');
  if (name === 'internal' || name.endsWith('.internal')) return refuse('a private-use (.internal) name');
  if (name === 'home.arpa' || name.endsWith('.home.arpa')) return refuse('a home-network (.home.arpa) name');
  // Single labels are resolved through resolver search lists, i.e. intranet names.
  if (!name.includes('.')) return refuse('a single-label (intranet) name; use a fully qualified domain name');
  return null;
}

// ----------------------------------------------------------------------------------- IPv4

/** [base, prefix length, refusal]; first match wins, so broadcast precedes 240/4. */
const IPV4_BLOCKS: ReadonlyArray<readonly [string, number, Refusal]> = [
  ['127.0.0.0', 8, LOOPBACK],
  ['0.0.0.0', 8, refuse('an unspecified ("this network") address')],
  ['10.0.0.0', 8, refuse('a private address')],
  ['172.16.0.0', 12, refuse('a private address')],
  ['192.168.0.0', 16, refuse('a private address')],
  // Includes 169.254.169.254, the cloud instance-metadata endpoint.
  ['169.254.0.0', 16, refuse('a link-local address')],
  ['100.64.0.0', 10, refuse('a carrier-grade NAT (shared) address')],
  ['224.0.0.0', 4, refuse('a multicast address')],
  ['255.255.255.255', 32, refuse('a broadcast address')],
  ['240.0.0.0', 4, refuse('a reserved address')],
  ['192.0.0.0', 24, refuse('a reserved (IETF protocol assignment) address')],
  ['192.0.2.0', 24, refuse('a documentation address')],
  ['198.51.100.0', 24, refuse('a documentation address')],
  ['203.0.113.0', 24, refuse('a documentation address')],
  ['198.18.0.0', 15, refuse('a benchmarking address')],
  ['192.88.99.0', 24, refuse('a reserved (6to4 relay anycast) address')],
];

const IPV4_TABLE = IPV4_BLOCKS.map(([base, bits, refusal]) => {
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return { net: (parseDottedQuad(base)! & mask) >>> 0, mask, refusal };
});

function classifyIpv4(addr: number): Refusal | null {
  for (const { net, mask, refusal } of IPV4_TABLE) {
    if (((addr & mask) >>> 0) === net) return refusal;
  }
  return null;
}

/** Strict a.b.c.d with decimal octets 0-255, as an unsigned 32-bit number; else null. */
function parseDottedQuad(text: string): number | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return null;
  let value = 0;
  for (let i = 1; i <= 4; i++) {
    const octet = Number(m[i]);
    if (octet > 255) return null;
    value = value * 256 + octet;
  }
  return value;
}

function formatIpv4(addr: number): string {
  return [addr >>> 24, (addr >>> 16) & 0xff, (addr >>> 8) & 0xff, addr & 0xff].join('.');
}

// ----------------------------------------------------------------------------------- IPv6

/**
 * Eight 16-bit groups from IPv6 text (no brackets, no zone): handles `::` compression and a
 * trailing dotted IPv4. The parser already emits canonical hex, but we do not depend on that.
 */
export function parseIpv6(text: string): number[] | null {
  let head = text;
  let tail: number[] = [];
  const dotted = /^(.*:)(\d{1,3}(?:\.\d{1,3}){3})$/.exec(text);
  if (dotted) {
    const v4 = parseDottedQuad(dotted[2]!);
    if (v4 === null) return null;
    // Keep the colon so "::1.2.3.4" still splits into "::" + groups.
    head = dotted[1]!.endsWith('::') ? dotted[1]! : dotted[1]!.slice(0, -1);
    tail = [v4 >>> 16, v4 & 0xffff];
  }
  const parts = head.split('::');
  if (parts.length > 2) return null;
  const groups = (s: string): number[] | null => {
    if (s === '') return [];
    const out: number[] = [];
    for (const g of s.split(':')) {
      if (!/^[0-9a-f]{1,4}$/i.test(g)) return null;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const left = groups(parts[0]!);
  const right = parts.length === 2 ? groups(parts[1]!) : [];
  if (!left || !right) return null;
  const explicit = left.length + right.length + tail.length;
  if (parts.length === 1) return explicit === 8 ? [...left, ...tail] : null;
  if (explicit > 7) return null; // "::" must stand for at least one zero group
  return [...left, ...new Array<number>(8 - explicit).fill(0), ...right, ...tail];
}

function classifyIpv6(h: number[]): Refusal | null {
  const at = (i: number) => h[i] ?? 0;
  const zeroUpTo = (n: number) => h.slice(0, n).every((g) => g === 0);
  const v4 = ((at(6) << 16) | at(7)) >>> 0;

  if (zeroUpTo(8)) return refuse('an unspecified address');
  if (zeroUpTo(7) && at(7) === 1) return LOOPBACK;
  // Transition forms that carry an IPv4 address: judge the IPv4 host they really reach.
  if (zeroUpTo(5) && at(5) === 0xffff) return embedded(v4, 'IPv4-mapped', true);
  if (zeroUpTo(6)) return embedded(v4, 'IPv4-compatible', false);
  if (at(0) === 0x64 && at(1) === 0xff9b && at(2) === 0 && at(3) === 0 && at(4) === 0 && at(5) === 0) {
    return embedded(v4, 'NAT64', true);
  }
  if (at(0) === 0x64 && at(1) === 0xff9b && at(2) === 1) return refuse('a private (local-use NAT64) address');
  if (at(0) === 0x2002) return embedded(((at(1) << 16) | at(2)) >>> 0, '6to4', true);

  const top = at(0);
  if (top >>> 8 === 0xff) return refuse('a multicast address');
  if ((top & 0xffc0) === 0xfe80) return refuse('a link-local address');
  if ((top & 0xffc0) === 0xfec0) return refuse('a site-local (deprecated private) address');
  if ((top & 0xfe00) === 0xfc00) return refuse('a unique-local (private) address');
  if (top === 0x100 && at(1) === 0 && at(2) === 0 && at(3) === 0) return refuse('a discard-only address');
  if ((top === 0x2001 && at(1) === 0x0db8) || (top === 0x3fff && at(1) >>> 12 === 0)) {
    return refuse('a documentation address');
  }
  // 2001::/23 holds Teredo, benchmarking, ORCHID and other IETF special-purpose blocks.
  if (top === 0x2001 && at(1) < 0x200) return refuse('a reserved (IETF special-purpose) address');
  // Only 2000::/3 is allocated for global unicast; everything else is special or unassigned.
  if ((top & 0xe000) !== 0x2000) return refuse('a reserved (not global unicast) address');
  return null;
}

function embedded(v4: number, form: string, publicAllowed: boolean): Refusal | null {
  const inner = classifyIpv4(v4);
  // Only ::ffff:127.x really is this machine; NAT64/6to4 forms of 127.x go through a gateway,
  // so allowLoopback must not lift them.
  const loopback = inner?.loopback === true && form === 'IPv4-mapped';
  if (inner) return { loopback, what: `${inner.what} (${form} ${formatIpv4(v4)})` };
  // ::a.b.c.d is deprecated (RFC 4291) and not routed; no legitimate receiver uses it.
  if (!publicAllowed) return refuse(`a reserved (deprecated ${form} ${formatIpv4(v4)}) address`);
  return null;
}
