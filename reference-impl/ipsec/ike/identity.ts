// ID payload data for identities (RFC 2407 §4.6.2.1): addresses as 4 or 16 octets, names as
// their octets without terminator. Address parsing is the capture module's (one parser).
import { parseIpv4, parseIpv6 } from '../../capture/ip.ts';
import { ID_TYPE } from '../isakmp/constants.ts';
import type { IkeIdentity } from './ike-events.ts';

export function identityData(id: IkeIdentity): Uint8Array {
  if (id.type === ID_TYPE.ipv4Addr) return parseIpv4(id.value);
  if (id.type === ID_TYPE.ipv6Addr) return parseIpv6(id.value);
  return Uint8Array.from(Buffer.from(id.value, 'utf8'));
}

export function addressIdentity(address: string): IkeIdentity {
  return { type: address.includes(':') ? ID_TYPE.ipv6Addr : ID_TYPE.ipv4Addr, value: address };
}

export function addressOctets(address: string): Uint8Array {
  return address.includes(':') ? parseIpv6(address) : parseIpv4(address);
}
