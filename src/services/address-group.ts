/**
 * The unit in which per-IP limits count a client: an IPv4 address (IPv4-mapped IPv6 included) as
 * it is, an IPv6 address by its /64 prefix. One subscriber or host gets a whole /64, so counting
 * single IPv6 addresses would give one attacker 2^64 budgets, and would split one device's
 * requests over the temporary addresses it rotates through.
 */
import { isIPv6 } from 'node:net'

/** `203.0.113.7` → `203.0.113.7`; `2001:db8:1:2::a` → `2001:db8:1:2::/64`; anything else as it is. */
export function addressGroup(ip: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip)
  if (mapped) return mapped[1]!
  if (!isIPv6(ip)) return ip
  const address = ip.split('%')[0]! // a zone index (fe80::1%eth0) names a local interface, not a host
  const [left, right] = address.includes('::') ? address.split('::').map((part) => (part ? part.split(':') : [])) : [address.split(':'), []]
  // An embedded IPv4 (::ffff:0:1.2.3.4) fills the last two of the eight groups.
  const width = (groups: string[]) => groups.reduce((n, group) => n + (group.includes('.') ? 2 : 1), 0)
  const groups = [...left!, ...Array<string>(8 - width(left!) - width(right!)).fill('0'), ...right!]
  return `${groups
    .slice(0, 4)
    .map((group) => parseInt(group, 16).toString(16))
    .join(':')}::/64`
}
