/**
 * Save-time and send-time policy for webhook target URLs (SSRF defence).
 *
 * Pure and DNS-free: it judges only what the URL text says. Names that *resolve* to private
 * addresses are stopped at fetch time by the `global_fetch_strictly_public` compatibility flag.
 *
 * Host notation is left to the WHATWG parser on purpose: it already folds every IPv4 spelling
 * (hex, octal, decimal, short forms, percent-escapes) to a dotted quad and compresses IPv6, so we
 * classify exactly the host that fetch() would connect to instead of re-implementing the parser.
 * Address ranges come from ipaddr.js (maintained against the IANA registries); this module only
 * decides which of them a webhook may reach.
 */
import ipaddr from 'ipaddr.js';

export interface TargetUrlPolicy {
  /** Local development only: permits 127/8, ::1, localhost and *.localhost. */
  allowLoopback: boolean;
  /**
   * The service's own hosts (SELF_HOSTNAMES, and the origin an API request came in on): a
   * webhook sent there would post events to the service itself, a loop.
   */
  selfHosts: readonly SelfHost[];
}

/** A host of the service itself; `port` null means every port of that host name. */
export interface SelfHost {
  hostname: string;
  port: number | null;
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
  // Port 0 means "any port" to a socket API and reaches no server; the parser keeps it (":00" too).
  if (url.port === '0') return { ok: false, reason: 'port 0 is not allowed; leave the port out or use 1-65535' };
  // Normalisation can lengthen the URL (percent-encoding), and the href is what gets stored.
  if (url.href.length > MAX_TARGET_URL_LENGTH) return tooLong();

  const host = url.hostname;
  if (policy.selfHosts.some((self) => isSelfHost(url, self))) {
    return { ok: false, reason: `host ${host} is this service's own: a webhook sent there would post to the service itself (a loop)` };
  }
  const refusal = classifyHost(host);
  if (refusal && !(refusal.loopback && policy.allowLoopback)) {
    return { ok: false, reason: `host ${host} is ${refusal.what}` };
  }
  return { ok: true, url };
}

const effectivePort = (url: URL): number => (url.port !== '' ? Number(url.port) : url.protocol === 'https:' ? 443 : 80);
/** "notifier.example." and "notifier.example" are one name to a resolver. */
const bareName = (hostname: string): string => hostname.toLowerCase().replace(/\.+$/, '');

function isSelfHost(url: URL, self: SelfHost): boolean {
  return bareName(url.hostname) === self.hostname && (self.port === null || effectivePort(url) === self.port);
}

/**
 * One SELF_HOSTNAMES entry, `name` or `name:port` (an IPv6 address in brackets), as a self
 * host; null when it is not a bare host (a scheme, path or credentials make it a URL, not a host).
 */
export function parseSelfHost(entry: string): SelfHost | null {
  let url: URL;
  try {
    url = new URL(`http://${entry}`);
  } catch {
    return null;
  }
  if (url.username !== '' || url.password !== '' || url.pathname !== '/' || url.search !== '' || url.hash !== '') return null;
  const explicitPort = /:\d+$/.test(entry) && !entry.endsWith(']');
  return { hostname: bareName(url.hostname), port: explicitPort ? Number(entry.slice(entry.lastIndexOf(':') + 1)) : null };
}

/**
 * The origin an API request came in on, as a self host. On Cloudflare every port the zone
 * proxies reaches the Worker, so the whole host name is the service's; a loopback host is
 * shared by every local process (the local receiver listens beside the service), so there
 * only the service's own port is.
 */
export function selfHostOf(origin: URL): SelfHost {
  const hostname = bareName(origin.hostname);
  return { hostname, port: classifyHost(hostname)?.loopback ? effectivePort(origin) : null };
}

function tooLong(): TargetUrlCheck {
  return { ok: false, reason: `URL is longer than ${MAX_TARGET_URL_LENGTH} characters` };
}

/** A loopback host (what `allowLoopback` lets through), by the same classification as the checks above. */
export const isLoopbackHost = (host: string): boolean => classifyHost(host)?.loopback === true;

/** null = acceptable public host. */
function classifyHost(host: string): Refusal | null {
  if (host.startsWith('[')) {
    const text = host.slice(1, -1);
    // Cannot fail after the URL parser accepted the host; kept so a parser change fails closed.
    if (!ipaddr.IPv6.isValid(text)) return refuse('not a valid IPv6 address');
    return classifyIpv6(ipaddr.IPv6.parse(text));
  }
  // For http(s) the URL parser turns any host whose last label is numeric into a canonical
  // dotted quad or rejects the URL, so that is the only IPv4 form that can arrive here (the
  // looser spellings ipaddr.js would also accept never reach it).
  if (ipaddr.IPv4.isValidFourPartDecimal(host)) return classifyIpv4(ipaddr.IPv4.parse(host));
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

// ------------------------------------------------------------------------------ addresses
//
// The range tables are ipaddr.js's (IANA special-purpose registries); this module only decides
// what each range means for a webhook target. The rule is "only ordinary unicast is public":
// IPv4 range 'unicast'; IPv6 range 'unicast' inside 2000::/3, or a transition form (IPv4-mapped,
// NAT64 64:ff9b::/96, 6to4, Teredo) whose embedded IPv4 address is itself 'unicast'. Every other
// range, including any ipaddr.js adds in a later version, is refused.

/** How each refused ipaddr.js range is described; loopback is handled apart (allowLoopback). */
const IPV4_RANGES = new Map<string, string>([
  ['unspecified', 'an unspecified ("this network") address'],
  ['broadcast', 'a broadcast address'],
  ['multicast', 'a multicast address'],
  // Includes 169.254.169.254, the cloud instance-metadata endpoint.
  ['linkLocal', 'a link-local address'],
  ['carrierGradeNat', 'a carrier-grade NAT (shared) address'],
  ['private', 'a private address'],
  // ipaddr.js folds IETF protocol assignments, documentation, benchmarking, the 6to4 relay
  // anycast and 240/4 into one range.
  ['reserved', 'a reserved (special-purpose, documentation or benchmarking) address'],
  ['as112', 'an AS112 (DNS sink) address'],
  ['amt', 'an AMT relay (multicast tunnelling) address'],
]);

const IPV6_RANGES = new Map<string, string>([
  ['unspecified', 'an unspecified address'],
  ['linkLocal', 'a link-local address'],
  ['multicast', 'a multicast address'],
  ['uniqueLocal', 'a unique-local (private) address'],
  ['deprecatedSiteLocal', 'a site-local (deprecated private) address'],
  ['discard', 'a discard-only address'],
  ['benchmarking', 'a benchmarking address'],
  ['amt', 'an AMT relay (multicast tunnelling) address'],
  ['as112v6', 'an AS112 (DNS sink) address'],
  ['deprecatedOrchid', 'an ORCHID (non-routable identifier) address'],
  ['orchid2', 'an ORCHID (non-routable identifier) address'],
  ['droneRemoteIdProtocolEntityTags', 'a DRIP entity tag (non-routable identifier) address'],
  ['segmentRouting', 'a segment-routing (SRv6) address'],
  // 2001::/23 (IETF special-purpose), 2001:db8::/32 and 3fff::/20 (documentation).
  ['reserved', 'a reserved (special-purpose or documentation) address'],
]);

const describeRange = (table: ReadonlyMap<string, string>, range: string) => table.get(range) ?? `a special-purpose (${range}) address`;

function classifyIpv4(addr: ipaddr.IPv4): Refusal | null {
  const range = addr.range();
  if (range === 'unicast') return null;
  if (range === 'loopback') return LOOPBACK;
  return refuse(describeRange(IPV4_RANGES, range));
}

const NAT64_WELL_KNOWN = ipaddr.IPv6.parseCIDR('64:ff9b::/96');
const IPV4_COMPATIBLE = ipaddr.IPv6.parseCIDR('::/96');
// Only 2000::/3 is allocated for global unicast; ipaddr.js calls the unassigned rest 'unicast' too.
const GLOBAL_UNICAST = ipaddr.IPv6.parseCIDR('2000::/3');

function classifyIpv6(addr: ipaddr.IPv6): Refusal | null {
  const p = addr.parts;
  const range = addr.range();
  switch (range) {
    case 'loopback':
      return LOOPBACK;
    case 'ipv4Mapped':
      return embedded(ipv4(p[6], p[7]), 'IPv4-mapped', MAPPED);
    // ::ffff:0:a.b.c.d is used inside stateless translators only (RFC 6145); nothing routes to it.
    case 'rfc6145':
      return embedded(ipv4(p[6], p[7]), 'IPv4-translated', TRANSLATOR_ONLY);
    case 'rfc6052':
      return addr.match(NAT64_WELL_KNOWN) ? embedded(ipv4(p[6], p[7]), 'NAT64', GATEWAY) : refuse('a private (local-use NAT64) address');
    case '6to4':
      return embedded(ipv4(p[1], p[2]), '6to4', GATEWAY);
    case 'teredo':
      return teredo(p);
    case 'unicast':
      // ::a.b.c.d is deprecated (RFC 4291); ipaddr.js has no range for it.
      if (addr.match(IPV4_COMPATIBLE)) return embedded(ipv4(p[6], p[7]), 'IPv4-compatible', DEPRECATED);
      return addr.match(GLOBAL_UNICAST) ? null : refuse('a reserved (not global unicast) address');
    default:
      return refuse(describeRange(IPV6_RANGES, range));
  }
}

/**
 * 2001:0:SSSS:SSSS:flags:port:CCCC:CCCC (RFC 4380 §4): the Teredo server's IPv4 address, then
 * the client's public IPv4 address with every bit inverted. Relays deliver to the client's
 * address, and a private server means the address is not a real Teredo address: both must be public.
 */
function teredo(p: number[]): Refusal | null {
  const client = ipv4(~(p[6] ?? 0), ~(p[7] ?? 0));
  return embedded(client, 'Teredo client', GATEWAY) ?? embedded(ipv4(p[2], p[3]), 'Teredo server', GATEWAY);
}

interface Carrier {
  /** Only ::ffff:127.x is this machine; the others go through a gateway, so allowLoopback must not lift them. */
  thisMachine: boolean;
  /** Set when the form reaches nothing even with a public embedded address: why not. */
  unrouted?: string;
}
const MAPPED: Carrier = { thisMachine: true };
const GATEWAY: Carrier = { thisMachine: false };
const DEPRECATED: Carrier = { thisMachine: false, unrouted: 'deprecated' };
const TRANSLATOR_ONLY: Carrier = { thisMachine: false, unrouted: 'translator-internal' };

/** Judges a transition form by the IPv4 host it really reaches. */
function embedded(v4: ipaddr.IPv4, form: string, carrier: Carrier): Refusal | null {
  const inner = classifyIpv4(v4);
  if (inner) return { loopback: inner.loopback && carrier.thisMachine, what: `${inner.what} (${form} ${v4.toString()})` };
  if (carrier.unrouted) return refuse(`a reserved (${carrier.unrouted} ${form} ${v4.toString()}) address`);
  return null;
}

/** An IPv4 address from two 16-bit groups (only their low 16 bits count). */
function ipv4(high = 0, low = 0): ipaddr.IPv4 {
  return new ipaddr.IPv4([(high >>> 8) & 0xff, high & 0xff, (low >>> 8) & 0xff, low & 0xff]);
}
