import { describe, expect, it } from 'vitest';
import { checkTargetUrl, parseSelfHost, selfHostOf, type TargetUrlPolicy } from '../../src/domain/target-url';

const STRICT: TargetUrlPolicy = { allowLoopback: false, selfHosts: [] };
const DEV: TargetUrlPolicy = { allowLoopback: true, selfHosts: [] };

function reasonOf(raw: string, policy: TargetUrlPolicy = STRICT): string {
  const result = checkTargetUrl(raw, policy);
  if (result.ok) throw new Error(`expected ${raw} to be refused, got ${result.url.href}`);
  return result.reason;
}

describe('checkTargetUrl: accepted', () => {
  it.each([
    ['https://example.com/hook'],
    ['http://93.184.216.34:8080/x'],
    ['https://[2606:4700::1111]/'],
    ['HTTPS://Example.COM/Path?q=1', 'https://example.com/Path?q=1'],
    ['https://example.com./hook'],
    ['https://hooks.example.co.uk:8443/a/b?c=d#frag'],
    ['https://xn--bcher-kva.example/'],
    ['https://bücher.example/', 'https://xn--bcher-kva.example/'],
    ['http://8.8.8.8/'],
    ['http://172.32.0.1/'], // just past 172.16/12
    ['http://100.128.0.1/'], // just past 100.64/10
    ['http://11.0.0.1/'],
    ['http://[::ffff:93.184.216.34]/', 'http://[::ffff:5db8:d822]/'], // mapped public IPv4
    ['http://[64:ff9b::8.8.8.8]/', 'http://[64:ff9b::808:808]/'], // NAT64 of a public IPv4
    ['http://[2002:5db8:d822::1]/'], // 6to4 of a public IPv4
    ['http://[2001:4860:4860::8888]/'],
    // Teredo with public server 65.54.227.120 and public client 8.8.8.8 (stored inverted).
    ['http://[2001:0:4136:e378:8000:63bf:f7f7:f7f7]/'],
    ['https://example.com:1/'],
    ['https://example.com:65535/'],
    ['http://localhost.example.com/'], // not *.localhost
    ['http://local.example.com/'],
  ])('%s', (raw: string, href?: string) => {
    const result = checkTargetUrl(raw, STRICT);
    expect(result).toEqual({ ok: true, url: expect.any(URL) });
    if (result.ok) expect(result.url.href).toBe(href ?? raw);
  });

  it('accepts a URL of exactly 2048 characters', () => {
    const raw = 'https://example.com/' + 'a'.repeat(2048 - 'https://example.com/'.length);
    expect(raw).toHaveLength(2048);
    expect(checkTargetUrl(raw, STRICT).ok).toBe(true);
  });
});

describe('checkTargetUrl: malformed, scheme, credentials, length', () => {
  it.each(['', 'example.com/hook', '/relative/path', 'http://', 'http://exa mple.com/', 'http://[::1/', 'http://256.0.0.1/', 'http://1.2.3.4.5/'])(
    'refuses %j as not a URL',
    (raw) => {
      expect(reasonOf(raw)).toBe('not a valid absolute URL');
    },
  );

  it.each(['ftp://example.com/', 'file:///etc/passwd', 'javascript:alert(1)', 'data:text/plain,hi', 'ws://example.com/', 'gopher://x.example/'])(
    'refuses the scheme of %s',
    (raw) => {
      expect(reasonOf(raw)).toBe(`scheme "${new URL(raw).protocol}" is not allowed; use http: or https:`);
    },
  );
  it.each([
    'https://alice:s3cretpass@example.com/',
    'https://alice@example.com/',
    'https://:s3cretpass@example.com/',
    'https://alice%40corp:s3cretpass@example.com/',
  ])('refuses userinfo in %s without echoing it', (raw) => {
    const reason = reasonOf(raw);
    expect(reason).toBe('URL must not contain a username or password; use an Authorization header instead');
    expect(reason).not.toContain('s3cretpass');
    expect(reason).not.toContain('alice');
  });

  it('refuses URLs longer than 2048 characters, raw or after normalisation', () => {
    expect(reasonOf('https://example.com/' + 'a'.repeat(2100))).toBe('URL is longer than 2048 characters');
    // 700 spaces become 2100 characters of %20.
    const growing = 'https://example.com/' + ' x'.repeat(700);
    expect(growing.length).toBeLessThanOrEqual(2048);
    expect(reasonOf(growing)).toBe('URL is longer than 2048 characters');
  });
});

describe('checkTargetUrl: refused IPv4 classes', () => {
  it.each([
    ['http://127.0.0.1/', 'host 127.0.0.1 is a loopback address'],
    ['http://127.255.255.254/', 'host 127.255.255.254 is a loopback address'],
    ['http://10.0.0.1/', 'host 10.0.0.1 is a private address'],
    ['http://10.255.255.255/', 'host 10.255.255.255 is a private address'],
    ['http://172.16.0.1/', 'host 172.16.0.1 is a private address'],
    ['http://172.31.255.255/', 'host 172.31.255.255 is a private address'],
    ['http://192.168.1.1/', 'host 192.168.1.1 is a private address'],
    ['http://169.254.169.254/latest/meta-data/', 'host 169.254.169.254 is a link-local address'],
    ['http://169.254.0.1/', 'host 169.254.0.1 is a link-local address'],
    ['http://100.64.0.1/', 'host 100.64.0.1 is a carrier-grade NAT (shared) address'],
    ['http://100.127.255.255/', 'host 100.127.255.255 is a carrier-grade NAT (shared) address'],
    ['http://0.0.0.0/', 'host 0.0.0.0 is an unspecified ("this network") address'],
    ['http://0.1.2.3/', 'host 0.1.2.3 is an unspecified ("this network") address'],
    ['http://224.0.0.1/', 'host 224.0.0.1 is a multicast address'],
    ['http://239.255.255.250/', 'host 239.255.255.250 is a multicast address'],
    ['http://240.0.0.1/', 'host 240.0.0.1 is a reserved (special-purpose, documentation or benchmarking) address'],
    ['http://255.255.255.255/', 'host 255.255.255.255 is a broadcast address'],
    ['http://192.0.0.8/', 'host 192.0.0.8 is a reserved (special-purpose, documentation or benchmarking) address'],
    ['http://192.0.2.1/', 'host 192.0.2.1 is a reserved (special-purpose, documentation or benchmarking) address'],
    ['http://198.51.100.7/', 'host 198.51.100.7 is a reserved (special-purpose, documentation or benchmarking) address'],
    ['http://203.0.113.9/', 'host 203.0.113.9 is a reserved (special-purpose, documentation or benchmarking) address'],
    ['http://198.18.0.1/', 'host 198.18.0.1 is a reserved (special-purpose, documentation or benchmarking) address'],
    ['http://198.19.255.255/', 'host 198.19.255.255 is a reserved (special-purpose, documentation or benchmarking) address'],
    ['http://192.88.99.1/', 'host 192.88.99.1 is a reserved (special-purpose, documentation or benchmarking) address'],
    ['http://192.175.48.1/', 'host 192.175.48.1 is an AS112 (DNS sink) address'],
    ['http://192.52.193.1/', 'host 192.52.193.1 is an AMT relay (multicast tunnelling) address'],
  ])('%s', (raw, reason) => {
    expect(reasonOf(raw)).toBe(reason);
  });
});

describe('checkTargetUrl: IPv4 notations the URL parser folds to a dotted quad', () => {
  it.each([
    ['http://0x7f000001/', '127.0.0.1'],
    ['http://2130706433/', '127.0.0.1'],
    ['http://0177.0.0.1/', '127.0.0.1'],
    ['http://127.1/', '127.0.0.1'],
    ['http://127.0.1/', '127.0.0.1'],
    ['http://0x7f.0.0.1/', '127.0.0.1'],
    ['http://0x7F.1/', '127.0.0.1'],
    ['http://017700000001/', '127.0.0.1'],
    ['http://127.0.0.1./', '127.0.0.1'],
    ['http://%31%32%37.0.0.1/', '127.0.0.1'],
    ['http://１２７.０.０.１/', '127.0.0.1'], // full-width digits
    ['http://127。0。0。1/', '127.0.0.1'], // ideographic full stops
    ['http://12\n7.0.0.1/', '127.0.0.1'], // tabs and newlines are stripped
    ['http://0/', '0.0.0.0'],
    ['http://0xa9fea9fe/', '169.254.169.254'],
    ['http://2852039166/', '169.254.169.254'],
    ['http://0251.0376.0251.0376/', '169.254.169.254'],
    ['http://169.254.43518/', '169.254.169.254'],
    ['http://10.1/', '10.0.0.1'],
    ['http://0xc0a80001/', '192.168.0.1'],
    ['http://3232235521/', '192.168.0.1'],
    ['http://0300.0250.0.1/', '192.168.0.1'],
    ['http://4294967295/', '255.255.255.255'],
  ])('%j is host %s', (raw, host) => {
    expect(reasonOf(raw)).toMatch(new RegExp(`^host ${host.replace(/\./g, '\\.')} is an? `));
  });
});

describe('checkTargetUrl: refused IPv6 classes and embedded IPv4', () => {
  it.each([
    ['http://[::1]/', 'host [::1] is a loopback address'],
    ['http://[0:0:0:0:0:0:0:1]/', 'host [::1] is a loopback address'],
    ['http://[::]/', 'host [::] is an unspecified address'],
    ['http://[fe80::1]/', 'host [fe80::1] is a link-local address'],
    ['http://[febf:ffff::1]/', 'host [febf:ffff::1] is a link-local address'],
    ['http://[fec0::1]/', 'host [fec0::1] is a site-local (deprecated private) address'],
    ['http://[fc00::1]/', 'host [fc00::1] is a unique-local (private) address'],
    ['http://[fd12:3456:789a::1]/', 'host [fd12:3456:789a::1] is a unique-local (private) address'],
    ['http://[ff02::1]/', 'host [ff02::1] is a multicast address'],
    ['http://[ff05::1:3]/', 'host [ff05::1:3] is a multicast address'],
    ['http://[2001:db8::1]/', 'host [2001:db8::1] is a reserved (special-purpose or documentation) address'],
    ['http://[3fff::1]/', 'host [3fff::1] is a reserved (special-purpose or documentation) address'],
    ['http://[100::1]/', 'host [100::1] is a discard-only address'],
    // Teredo 2001::/32: the client's IPv4 is the inverted last 32 bits (here 255.255.255.254).
    ['http://[2001::1]/', 'host [2001::1] is a reserved (special-purpose, documentation or benchmarking) address (Teredo client 255.255.255.254)'],
    ['http://[4000::1]/', 'host [4000::1] is a reserved (not global unicast) address'],
    ['http://[::2:0:0:1]/', 'host [::2:0:0:1] is a reserved (not global unicast) address'],
    ['http://[64:ff9b:1::a00:1]/', 'host [64:ff9b:1::a00:1] is a private (local-use NAT64) address'],
    // IPv4-mapped: the parser rewrites the dotted tail as hex.
    ['http://[::ffff:127.0.0.1]/', 'host [::ffff:7f00:1] is a loopback address (IPv4-mapped 127.0.0.1)'],
    ['http://[::ffff:7f00:1]/', 'host [::ffff:7f00:1] is a loopback address (IPv4-mapped 127.0.0.1)'],
    ['http://[0:0:0:0:0:ffff:10.0.0.1]/', 'host [::ffff:a00:1] is a private address (IPv4-mapped 10.0.0.1)'],
    ['http://[::ffff:169.254.169.254]/', 'host [::ffff:a9fe:a9fe] is a link-local address (IPv4-mapped 169.254.169.254)'],
    ['http://[::ffff:0.0.0.0]/', 'host [::ffff:0:0] is an unspecified ("this network") address (IPv4-mapped 0.0.0.0)'],
    // IPv4-compatible (deprecated): refused whatever it embeds.
    ['http://[::127.0.0.1]/', 'host [::7f00:1] is a loopback address (IPv4-compatible 127.0.0.1)'],
    ['http://[::192.168.0.1]/', 'host [::c0a8:1] is a private address (IPv4-compatible 192.168.0.1)'],
    ['http://[::8.8.8.8]/', 'host [::808:808] is a reserved (deprecated IPv4-compatible 8.8.8.8) address'],
    // NAT64 well-known prefix and 6to4 carrying a forbidden IPv4.
    ['http://[64:ff9b::127.0.0.1]/', 'host [64:ff9b::7f00:1] is a loopback address (NAT64 127.0.0.1)'],
    ['http://[64:ff9b::a9fe:a9fe]/', 'host [64:ff9b::a9fe:a9fe] is a link-local address (NAT64 169.254.169.254)'],
    ['http://[2002:7f00:1::]/', 'host [2002:7f00:1::] is a loopback address (6to4 127.0.0.1)'],
    ['http://[2002:a00:1::1]/', 'host [2002:a00:1::1] is a private address (6to4 10.0.0.1)'],
    ['http://[2002:c0a8:101::]/', 'host [2002:c0a8:101::] is a private address (6to4 192.168.1.1)'],
  ])('%s', (raw, reason) => {
    expect(reasonOf(raw)).toBe(reason);
  });
});

describe('checkTargetUrl: more IPv6 notations and transition forms', () => {
  it.each([
    ['http://[0:0:0:0:0:0:0:0]/', 'host [::] is an unspecified address'],
    ['http://[0000:0000:0000:0000:0000:0000:0000:0001]/', 'host [::1] is a loopback address'],
    ['http://[0:0:0:0:0:ffff:7f00:1]/', 'host [::ffff:7f00:1] is a loopback address (IPv4-mapped 127.0.0.1)'],
    ['http://[::FFFF:7F00:0001]/', 'host [::ffff:7f00:1] is a loopback address (IPv4-mapped 127.0.0.1)'],
    ['http://[::ffff:224.0.0.1]/', 'host [::ffff:e000:1] is a multicast address (IPv4-mapped 224.0.0.1)'],
    ['http://[::ffff:100.64.0.1]/', 'host [::ffff:6440:1] is a carrier-grade NAT (shared) address (IPv4-mapped 100.64.0.1)'],
    ['http://[::ffff:255.255.255.255]/', 'host [::ffff:ffff:ffff] is a broadcast address (IPv4-mapped 255.255.255.255)'],
    // IPv4-compatible ::a.b.c.d and IPv4-translated ::ffff:0:a.b.c.d.
    ['http://[::169.254.169.254]/', 'host [::a9fe:a9fe] is a link-local address (IPv4-compatible 169.254.169.254)'],
    ['http://[::ffff:0:127.0.0.1]/', 'host [::ffff:0:7f00:1] is a loopback address (IPv4-translated 127.0.0.1)'],
    ['http://[::ffff:0:8.8.8.8]/', 'host [::ffff:0:808:808] is a reserved (translator-internal IPv4-translated 8.8.8.8) address'],
    // NAT64 (64:ff9b::/96) written with a dotted tail.
    ['http://[64:ff9b::169.254.169.254]/', 'host [64:ff9b::a9fe:a9fe] is a link-local address (NAT64 169.254.169.254)'],
    ['http://[64:ff9b::10.0.0.1]/', 'host [64:ff9b::a00:1] is a private address (NAT64 10.0.0.1)'],
    ['http://[64:ff9b::0.0.0.0]/', 'host [64:ff9b::] is an unspecified ("this network") address (NAT64 0.0.0.0)'],
    // 6to4 (2002::/16): the IPv4 address is the second and third group.
    ['http://[2002:a9fe:a9fe::1]/', 'host [2002:a9fe:a9fe::1] is a link-local address (6to4 169.254.169.254)'],
    ['http://[2002:ac10:1::]/', 'host [2002:ac10:1::] is a private address (6to4 172.16.0.1)'],
    ['http://[2002:6440:1::1]/', 'host [2002:6440:1::1] is a carrier-grade NAT (shared) address (6to4 100.64.0.1)'],
    // Teredo (2001::/32): server IPv4 in groups 3-4, client IPv4 inverted in groups 7-8.
    ['http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/', 'host [2001:0:4136:e378:8000:63bf:80ff:fffe] is a loopback address (Teredo client 127.0.0.1)'],
    ['http://[2001:0:4136:e378:8000:63bf:f5ff:fffe]/', 'host [2001:0:4136:e378:8000:63bf:f5ff:fffe] is a private address (Teredo client 10.0.0.1)'],
    ['http://[2001:0:4136:e378:8000:63bf:5601:5601]/', 'host [2001:0:4136:e378:8000:63bf:5601:5601] is a link-local address (Teredo client 169.254.169.254)'],
    ['http://[2001:0:a00:1:8000:63bf:f7f7:f7f7]/', 'host [2001:0:a00:1:8000:63bf:f7f7:f7f7] is a private address (Teredo server 10.0.0.1)'],
    // Other special-purpose blocks.
    ['http://[ff0e::1]/', 'host [ff0e::1] is a multicast address'],
    ['http://[fe80::]/', 'host [fe80::] is a link-local address'],
    ['http://[fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]/', 'host [fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff] is a unique-local (private) address'],
    ['http://[2001:2::1]/', 'host [2001:2::1] is a benchmarking address'],
    ['http://[2001:20::1]/', 'host [2001:20::1] is an ORCHID (non-routable identifier) address'],
    ['http://[2620:4f:8000::1]/', 'host [2620:4f:8000::1] is an AS112 (DNS sink) address'],
    ['http://[5f00::1]/', 'host [5f00::1] is a segment-routing (SRv6) address'],
    ['http://[1000::1]/', 'host [1000::1] is a reserved (not global unicast) address'],
  ])('%s', (raw, reason) => {
    expect(reasonOf(raw)).toBe(reason);
  });
});

describe('checkTargetUrl: port 0', () => {
  it.each(['http://example.com:0/', 'https://example.com:00/hook', 'http://8.8.8.8:0/', 'http://[2606:4700::1111]:0/'])('refuses %s', (raw) => {
    expect(reasonOf(raw)).toBe('port 0 is not allowed; leave the port out or use 1-65535');
  });
  it('refuses it for loopback targets too', () => {
    expect(reasonOf('http://127.0.0.1:0/', DEV)).toBe('port 0 is not allowed; leave the port out or use 1-65535');
  });
});

describe('checkTargetUrl: host names', () => {
  it.each([
    ['http://localhost/', 'host localhost is a loopback host name'],
    ['http://localhost:8787/hook', 'host localhost is a loopback host name'],
    ['http://LOCALHOST/', 'host localhost is a loopback host name'],
    ['http://localhost./', 'host localhost. is a loopback host name'],
    ['http://api.localhost/', 'host api.localhost is a loopback host name'],
    ['http://a.b.localhost./', 'host a.b.localhost. is a loopback host name'],
    ['http://localhost\u3002/', 'host localhost. is a loopback host name'], // ideographic full stop
    ['http://printer.local/', 'host printer.local is a local-network (.local, mDNS) name'],
    ['http://printer.local./', 'host printer.local. is a local-network (.local, mDNS) name'],
    ['http://metadata.google.internal/', 'host metadata.google.internal is a private-use (.internal) name'],
    ['http://nas.home.arpa/', 'host nas.home.arpa is a home-network (.home.arpa) name'],
    ['http://intranet/', 'host intranet is a single-label (intranet) name; use a fully qualified domain name'],
    ['http://intranet./', 'host intranet. is a single-label (intranet) name; use a fully qualified domain name'],
    ['http://com/', 'host com is a single-label (intranet) name; use a fully qualified domain name'],
  ])('%s', (raw, reason) => {
    expect(reasonOf(raw)).toBe(reason);
  });
});

describe('checkTargetUrl: allowLoopback', () => {
  const loopbacks = ['http://127.0.0.1:8787/hook', 'http://127.1/', 'http://0x7f000001/', 'http://[::1]:8787/',
    'http://[::ffff:127.0.0.1]/', 'http://[0:0:0:0:0:ffff:7f00:1]/', 'http://localhost:8787/', 'http://localhost./', 'http://api.localhost/'];
  it.each(loopbacks)('refuses %s when off', (raw) => {
    expect(reasonOf(raw, STRICT)).toMatch(/is a loopback (address|host name)/);
  });
  it.each(loopbacks)('accepts %s when on', (raw) => {
    expect(checkTargetUrl(raw, DEV).ok).toBe(true);
  });

  it.each([
    'http://10.0.0.1/', 'http://169.254.169.254/', 'http://0.0.0.0/', 'http://[::]/', 'http://[fd00::1]/',
    'http://[fe80::1]/', 'http://100.64.0.1/', 'http://224.0.0.1/', 'http://printer.local/', 'http://intranet/',
    'http://[::127.0.0.1]/', // deprecated IPv4-compatible is never this machine
    'http://[64:ff9b::127.0.0.1]/', // NAT64 goes through a gateway
    'http://[2002:7f00:1::]/', // 6to4 likewise
    'http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/', // and Teredo
    'http://[::ffff:0:127.0.0.1]/', // IPv4-translated only exists inside translators
    'https://user:pw@localhost/', 'ftp://localhost/',
  ])('still refuses %s when on', (raw) => {
    expect(checkTargetUrl(raw, DEV).ok).toBe(false);
  });
});

describe('checkTargetUrl: the service itself (loop protection)', () => {
  const SELF = {
    allowLoopback: true,
    selfHosts: [parseSelfHost('notifier.example.com')!, parseSelfHost('hooks.example.net:8443')!, selfHostOf(new URL('http://127.0.0.1:8787/v1/automations'))],
  };

  it.each([
    'https://notifier.example.com/v1/events',
    'http://notifier.example.com/v1/events/batch',
    'https://NOTIFIER.example.com./v1/events', // case and a trailing dot name the same host
    'https://notifier.example.com:8443/anything', // every port the zone proxies reaches the Worker
    'https://hooks.example.net:8443/v1/events',
    'http://127.0.0.1:8787/v1/events', // the local service's own port
  ])('refuses %s', (raw) => {
    expect(reasonOf(raw, SELF)).toMatch(/is this service's own: a webhook sent there would post to the service itself \(a loop\)/);
  });

  it.each([
    'https://api.notifier.example.com/hook', // another name, however close
    'https://example.com/hook',
    'https://hooks.example.net/hook', // SELF_HOSTNAMES named one port only
    'http://127.0.0.1:8788/hook', // the local receiver beside the service
  ])('accepts %s', (raw) => {
    expect(checkTargetUrl(raw, SELF).ok).toBe(true);
  });

  it('reads SELF_HOSTNAMES entries as host names, with an optional port', () => {
    expect(parseSelfHost('Notifier.Example.com')).toEqual({ hostname: 'notifier.example.com', port: null });
    expect(parseSelfHost('notifier.example.com:443')).toEqual({ hostname: 'notifier.example.com', port: 443 });
    expect(parseSelfHost('[::1]:8787')).toEqual({ hostname: '[::1]', port: 8787 });
    for (const entry of ['https://notifier.example.com', 'notifier.example.com/v1', 'user@notifier.example.com', 'notifier.example.com:http', '']) {
      expect(parseSelfHost(entry), entry).toBeNull();
    }
  });

  it('takes a public origin by its name, a loopback one by name and port', () => {
    expect(selfHostOf(new URL('https://notifier.example.com/v1/automations'))).toEqual({ hostname: 'notifier.example.com', port: null });
    expect(selfHostOf(new URL('http://localhost:8787/'))).toEqual({ hostname: 'localhost', port: 8787 });
    expect(selfHostOf(new URL('http://[::1]/'))).toEqual({ hostname: '[::1]', port: 80 });
  });
});
