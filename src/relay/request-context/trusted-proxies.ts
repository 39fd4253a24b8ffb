import ipaddr from 'ipaddr.js';
import { ValidateBy, type ValidationOptions } from 'class-validator';

export type IpAddress = ipaddr.IPv4 | ipaddr.IPv6;

/** A network: its address and prefix length, in the address's own family. */
export type AddressRange = [IpAddress, number];

/** Named ranges, as Express's `trust proxy` understands them. */
const KEYWORD_RANGES: Record<string, readonly string[]> = {
  loopback: ['127.0.0.0/8', '::1/128'],
  linklocal: ['169.254.0.0/16', 'fe80::/10'],
  uniquelocal: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
};

/** Addresses parsed lately: every proxied call parses its client's address several times. */
const parsedAddresses = new Map<string, IpAddress | null>();
const MAX_PARSED_ADDRESSES = 4_096;

/**
 * Parses an address; an IPv4 address written as IPv6 (`::ffff:10.0.0.1`) becomes plain IPv4,
 * so rules and limits see one form per host. Undefined when `text` is not an address.
 * Callers must not change the returned object: it is shared.
 */
export function parseIp(text: string | undefined | null): IpAddress | undefined {
  if (!text) return undefined;
  let parsed = parsedAddresses.get(text);
  if (parsed === undefined) {
    // Dropping everything at the cap keeps the cache bounded without bookkeeping per hit.
    if (parsedAddresses.size >= MAX_PARSED_ADDRESSES) parsedAddresses.clear();
    parsed = parseIpText(text) ?? null;
    parsedAddresses.set(text, parsed);
  }
  return parsed ?? undefined;
}

function parseIpText(text: string): IpAddress | undefined {
  const trimmed = text.trim();
  // Zone ids (fe80::1%eth0) name a local interface; they never identify a remote client.
  const bare = trimmed.includes('%') ? trimmed.slice(0, trimmed.indexOf('%')) : trimmed;
  if (!ipaddr.isValid(bare)) return undefined;
  const address = ipaddr.parse(bare);
  if (address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress()) {
    return (address as ipaddr.IPv6).toIPv4Address();
  }
  return address;
}

/** The canonical text of an address (`::ffff:1.2.3.4` → `1.2.3.4`, IPv6 compressed). */
export function normalizeIp(text: string | undefined | null): string | undefined {
  return parseIp(text)?.toString();
}

/**
 * Parses `10.0.0.0/8`, `2001:db8::/32` or a single address (a /32 or /128), returning the
 * network with host bits cleared. Undefined when it is not one of those.
 */
export function parseRange(text: string): AddressRange | undefined {
  const trimmed = text.trim();
  if (!trimmed.includes('/')) {
    const address = parseIp(trimmed);
    return address ? [address, address.kind() === 'ipv4' ? 32 : 128] : undefined;
  }
  if (!ipaddr.isValidCIDR(trimmed)) return undefined;
  const [address, prefix] = ipaddr.parseCIDR(trimmed);
  if (address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress() && prefix >= 96) {
    return networkOf([(address as ipaddr.IPv6).toIPv4Address(), prefix - 96]);
  }
  return networkOf([address, prefix]);
}

/** `network/prefix` text of a range, host bits cleared (the form stored and shown). */
export function formatRange(range: AddressRange): string {
  return `${range[0].toString()}/${range[1]}`;
}

export function inRange(address: IpAddress, range: AddressRange): boolean {
  return address.kind() === range[0].kind() && address.match(range);
}

function networkOf([address, prefix]: AddressRange): AddressRange {
  const network =
    address.kind() === 'ipv4'
      ? ipaddr.IPv4.networkAddressFromCIDR(`${address.toString()}/${prefix}`)
      : ipaddr.IPv6.networkAddressFromCIDR(`${address.toString()}/${prefix}`);
  return [network, prefix];
}

/** Whether `entry` is something TRUSTED_PROXIES accepts: an address, a range or a keyword. */
export function isTrustedProxyEntry(entry: string): boolean {
  return entry.toLowerCase() in KEYWORD_RANGES || parseRange(entry) !== undefined;
}

/** Config validation: every TRUSTED_PROXIES entry is an address, a range or a keyword. */
export function IsTrustedProxyList(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isTrustedProxyList',
      validator: {
        validate: (value: unknown) =>
          Array.isArray(value) &&
          value.every((entry) => typeof entry === 'string' && isTrustedProxyEntry(entry)),
        defaultMessage: () =>
          'TRUSTED_PROXIES must be a comma-separated list of IP addresses, CIDR ranges, or loopback, linklocal, uniquelocal',
      },
    },
    options,
  );
}

/**
 * Which peers may tell us the client's address through `X-Forwarded-For`. The header is read
 * right to left, and only while each hop is itself a trusted proxy; a header from anyone
 * else is ignored, so a client cannot choose the address it is judged by.
 */
export class TrustedProxies {
  private constructor(private readonly ranges: readonly AddressRange[]) {}

  static parse(entries: readonly string[]): TrustedProxies {
    const ranges: AddressRange[] = [];
    for (const entry of entries) {
      const keyword = KEYWORD_RANGES[entry.toLowerCase()];
      const texts = keyword ?? [entry];
      for (const text of texts) {
        const range = parseRange(text);
        if (!range) throw new Error(`not an address or range: ${entry}`);
        ranges.push(range);
      }
    }
    return new TrustedProxies(ranges);
  }

  get isEmpty(): boolean {
    return this.ranges.length === 0;
  }

  isTrusted(address: string | IpAddress | undefined): boolean {
    const parsed = typeof address === 'string' ? parseIp(address) : address;
    if (!parsed || this.ranges.length === 0) return false;
    return this.ranges.some((range) => inRange(parsed, range));
  }

  /**
   * The client's address: the peer, unless the peer is a trusted proxy, in which case the
   * nearest `X-Forwarded-For` hop that is not itself trusted (or the farthest one given).
   * A malformed hop ends the walk at the last address known to be genuine.
   */
  clientIp(peer: string | undefined, forwardedFor: string | string[] | undefined): string {
    const peerAddress = parseIp(peer);
    if (!peerAddress) return 'unknown';
    let current = peerAddress;
    if (!this.isTrusted(current) || forwardedFor === undefined) return current.toString();
    const header = Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor;
    const hops = header
      .split(',')
      .map((hop) => hop.trim())
      .filter((hop) => hop.length > 0)
      .reverse();
    for (const hop of hops) {
      const address = parseIp(stripPort(hop));
      if (!address) return current.toString();
      current = address;
      if (!this.isTrusted(current)) return current.toString();
    }
    return current.toString();
  }
}

/** `203.0.113.9:4711` and `[2001:db8::1]:4711` appear in some proxies' headers. */
function stripPort(hop: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(hop);
  if (bracketed) return bracketed[1];
  const v4WithPort = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(hop);
  return v4WithPort ? v4WithPort[1] : hop;
}

/**
 * The key client addresses are counted under: IPv4 per address, IPv6 per network of
 * `ipv6Prefix` bits, since one host usually holds a whole /64.
 */
export function addressBucket(ip: string, ipv6Prefix: number): string {
  const address = parseIp(ip);
  if (!address) return ip;
  if (address.kind() === 'ipv4' || ipv6Prefix >= 128) return address.toString();
  return formatRange(networkOf([address, ipv6Prefix]));
}
