import {
  addressBucket,
  isTrustedProxyEntry,
  normalizeIp,
  parseRange,
  TrustedProxies,
} from './trusted-proxies';

describe('TrustedProxies', () => {
  const none = TrustedProxies.parse([]);
  const loopback = TrustedProxies.parse(['loopback']);
  const chain = TrustedProxies.parse(['10.0.0.0/8', '2001:db8:ffff::/48']);

  it('ignores X-Forwarded-For when no proxy is trusted', () => {
    expect(none.clientIp('127.0.0.1', '198.51.100.7')).toBe('127.0.0.1');
  });

  it('ignores X-Forwarded-For from a peer that is not a trusted proxy', () => {
    expect(loopback.clientIp('203.0.113.5', '198.51.100.7')).toBe('203.0.113.5');
  });

  it('believes a trusted proxy and takes the nearest untrusted hop', () => {
    expect(loopback.clientIp('127.0.0.1', '198.51.100.7')).toBe('198.51.100.7');
    // A client may prepend anything; only hops added by trusted proxies count.
    expect(chain.clientIp('10.1.1.1', '6.6.6.6, 198.51.100.7, 10.2.2.2')).toBe('198.51.100.7');
  });

  it('falls back to the farthest hop when every hop is trusted', () => {
    expect(chain.clientIp('10.1.1.1', '10.3.3.3, 10.2.2.2')).toBe('10.3.3.3');
  });

  it('stops at a malformed hop and keeps the last genuine address', () => {
    expect(chain.clientIp('10.1.1.1', 'garbage, 10.2.2.2')).toBe('10.2.2.2');
    expect(loopback.clientIp('127.0.0.1', 'not-an-ip')).toBe('127.0.0.1');
  });

  it('handles IPv6 peers, IPv4-mapped peers and ports in hops', () => {
    expect(loopback.clientIp('::1', '2001:db8::7')).toBe('2001:db8::7');
    expect(loopback.clientIp('::ffff:127.0.0.1', '198.51.100.7:4711')).toBe('198.51.100.7');
    expect(chain.clientIp('2001:db8:ffff::1', '[2001:db8::9]:443')).toBe('2001:db8::9');
    expect(none.clientIp('::ffff:192.0.2.1', undefined)).toBe('192.0.2.1');
  });

  it('accepts repeated headers as one list', () => {
    expect(loopback.clientIp('127.0.0.1', ['198.51.100.1', '198.51.100.2'])).toBe('198.51.100.2');
  });

  it('validates entries', () => {
    expect(isTrustedProxyEntry('loopback')).toBe(true);
    expect(isTrustedProxyEntry('192.0.2.0/24')).toBe(true);
    expect(isTrustedProxyEntry('fd00::/8')).toBe(true);
    expect(isTrustedProxyEntry('192.0.2.0/33')).toBe(false);
    expect(isTrustedProxyEntry('proxy.example.com')).toBe(false);
    expect(() => TrustedProxies.parse(['nope'])).toThrow();
  });
});

describe('address helpers', () => {
  it('normalises addresses', () => {
    expect(normalizeIp('::ffff:10.0.0.1')).toBe('10.0.0.1');
    expect(normalizeIp('2001:DB8:0:0::1')).toBe('2001:db8::1');
    expect(normalizeIp('fe80::1%eth0')).toBe('fe80::1');
    expect(normalizeIp('nope')).toBeUndefined();
  });

  it('parses ranges and clears host bits', () => {
    expect(parseRange('10.1.2.3/8')?.[0].toString()).toBe('10.0.0.0');
    expect(parseRange('2001:db8::1/32')?.map(String)).toEqual(['2001:db8::', '32']);
    expect(parseRange('192.0.2.9')?.[1]).toBe(32);
    expect(parseRange('::ffff:10.0.0.0/104')?.map(String)).toEqual(['10.0.0.0', '8']);
    expect(parseRange('10.0.0.0/40')).toBeUndefined();
  });

  it('buckets IPv6 clients by network and IPv4 by address', () => {
    expect(addressBucket('2001:db8:1:2:aaaa::1', 64)).toBe('2001:db8:1:2::/64');
    expect(addressBucket('2001:db8:1:2:bbbb::9', 64)).toBe('2001:db8:1:2::/64');
    expect(addressBucket('198.51.100.7', 64)).toBe('198.51.100.7');
  });
});
