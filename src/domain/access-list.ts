import { isIP } from 'node:net';

/**
 * One entry of an API key's IP access list. A single address is kept as a /32 (or /128) CIDR block
 * with its `ipAddress`; a range keeps `ipAddress` null. Once a key has any entry, only addresses
 * inside one of its blocks may use it.
 */
export interface AccessListEntry {
  keyId: string;
  cidrBlock: string;
  ipAddress: string | null;
  createdAt: number;
  count: number;
  lastUsedAt: number | null;
  lastUsedAddress: string | null;
}

export interface ParsedCidr {
  cidrBlock: string;
  ipAddress: string | null;
}

/** Parses `ipAddress` or `cidrBlock` input into the canonical block; undefined when malformed. */
export function parseAccessListInput(ipAddress?: string, cidrBlock?: string): ParsedCidr | undefined {
  if (ipAddress !== undefined) {
    const v = isIP(ipAddress);
    if (!v) return undefined;
    return { cidrBlock: `${ipAddress}/${v === 4 ? 32 : 128}`, ipAddress };
  }
  if (cidrBlock === undefined) return undefined;
  const m = /^([^/]+)\/(\d{1,3})$/.exec(cidrBlock);
  if (!m) return undefined;
  const v = isIP(m[1]);
  const bits = Number(m[2]);
  if (!v || bits > (v === 4 ? 32 : 128)) return undefined;
  const single = bits === (v === 4 ? 32 : 128);
  return { cidrBlock, ipAddress: single ? m[1] : null };
}

function ipv4ToInt(ip: string): number {
  return ip.split('.').reduce((acc, part) => (acc << 8) + Number(part), 0) >>> 0;
}

function ipv6ToBigInt(ip: string): bigint {
  const [head, tail] = ip.includes('::') ? ip.split('::') : [ip, undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const missing = tail === undefined ? 0 : 8 - h.length - t.length;
  const groups = [...h, ...Array(missing).fill('0'), ...t];
  return groups.reduce((acc, g) => (acc << 16n) + BigInt(parseInt(g || '0', 16)), 0n);
}

/** A client address as clients know it: an IPv4-mapped IPv6 socket address (`::ffff:a.b.c.d`) becomes `a.b.c.d`. */
export function clientAddress(address: string): string {
  return address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}

/** Whether `address` (as the socket reports it, IPv4-mapped IPv6 included) lies inside `cidrBlock`. */
export function cidrContains(cidrBlock: string, address: string): boolean {
  const addr = clientAddress(address);
  const [base, bitsText] = cidrBlock.split('/');
  const bits = Number(bitsText);
  const vb = isIP(base);
  const va = isIP(addr);
  if (!vb || vb !== va) return false;
  if (vb === 4) {
    if (bits === 0) return true;
    const mask = (0xffffffff << (32 - bits)) >>> 0;
    return (ipv4ToInt(base) & mask) === (ipv4ToInt(addr) & mask);
  }
  const shift = BigInt(128 - bits);
  return ipv6ToBigInt(base) >> shift === ipv6ToBigInt(addr) >> shift;
}
