import ipaddr from 'ipaddr.js';

/**
 * What failures from one caller's address are counted under. IPv4 (and IPv4-mapped IPv6)
 * addresses count alone; IPv6 addresses count per /64, since one host is usually given a
 * whole /64 and could otherwise step through its addresses to dodge the limit.
 */
export function addressKey(ip: string): string {
  const bare = ip.replace(/^\[|\]$/g, '').split('%')[0];
  if (!ipaddr.isValid(bare)) return ip;
  const address = ipaddr.process(bare);
  if (address.kind() === 'ipv4') return address.toString();
  const network = (address as ipaddr.IPv6).parts.slice(0, 4).map((part) => part.toString(16));
  return `${network.join(':')}::/64`;
}
