/**
 * IP addresses and CIDR ranges as IAM's IpAddress operators read them, parsed with
 * ipaddr.js: "The value must be in the standard CIDR format (for example, 203.0.113.0/24
 * or 2001:DB8:1234:5678::/64)" (IAM JSON policy elements: Condition operators).
 */
import ipaddr from 'ipaddr.js';

export type Address = ipaddr.IPv4 | ipaddr.IPv6;

/**
 * A strictly written IPv4 (four decimal parts) or IPv6 address, or null. ipaddr.parse
 * alone also takes the legacy IPv4 forms (`10.1`, `0x0a.0.0.1`), which are not standard
 * CIDR notation.
 */
export function parseAddress(value: string): Address | null {
  if (ipaddr.IPv4.isValidFourPartDecimal(value)) return ipaddr.IPv4.parse(value);
  if (value.includes(':') && !value.includes('%') && ipaddr.IPv6.isValid(value)) return ipaddr.IPv6.parse(value);
  return null;
}

/**
 * An address with its prefix length (`203.0.113.0/24`), or a bare address (prefix
 * `undefined`), or null when either part is not standard: a prefix of one to three
 * decimal digits no longer than the address.
 */
export function parseCidr(value: string): { address: Address; prefix: number | undefined } | null {
  const slash = value.indexOf('/');
  const address = parseAddress(slash === -1 ? value : value.slice(0, slash));
  if (address === null) return null;
  if (slash === -1) return { address, prefix: undefined };
  const prefix = value.slice(slash + 1);
  if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > (address.kind() === 'ipv4' ? 32 : 128)) return null;
  return { address, prefix: Number(prefix) };
}
