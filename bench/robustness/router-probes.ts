// One canonical packet per class of bad L2TPv3 input, and the exact syslog lines the oracle says
// the router logs for it: a fresh oracle node (reference-impl/control) built from the router's own
// config is fed the packet; its syslog actions are the expectation (never typed by hand).
import { l2tpTunnels, parseConfig } from '../../reference-impl/config/index.ts';
import { L2tpNode } from '../../reference-impl/control/node.ts';
import { tunnelSettingsFromConfig } from '../../reference-impl/control/tunnel-settings-from-config.ts';
import { avps, encodeControlMessage, MESSAGE_TYPE, type Avp } from '../../reference-impl/l2tpv3/index.ts';
import { Mulberry32 } from '../../reference-impl/sim/prng.ts';

export interface ClassProbe {
  /** the class of bad input */
  name: string;
  from: string;
  bytes: Uint8Array;
}

/** A well-formed SCCRQ as a peer would send it (RFC 3931 §6.1 mandatory AVPs). */
function sccrq(extra: Avp[] = []): Uint8Array {
  return encodeControlMessage({
    ccid: 0, ns: 0, nr: 0,
    avps: [avps.messageType(MESSAGE_TYPE.SCCRQ), avps.hostName('robustness-peer'), avps.routerId(0x0a000002), avps.assignedControlConnectionId(0x1234), avps.pseudowireCapabilities([5]), ...extra],
  });
}

export function classProbes(peer: string, stranger: string): ClassProbe[] {
  const hdr = (flags: number, length: number, rest: number[] = []) => Uint8Array.from([flags >> 8, flags & 0xff, length >> 8, length & 0xff, 0, 0, 0, 0, 0, 0, 0, 0, ...rest]);
  const unknownMandatory: Avp = { mandatory: true, hidden: false, vendorId: 0, attributeType: 999, value: { kind: 'opaque', value: Uint8Array.of(1, 2), reason: 'unknown-type' } };
  return [
    { name: 'too short (8-octet control header)', from: peer, bytes: hdr(0xc803, 20).subarray(0, 8) },
    { name: 'version 2 header', from: peer, bytes: hdr(0xc802, 12) },
    { name: 'control header without the L bit', from: peer, bytes: hdr(0x8803, 12) },
    { name: 'AVP length below its header', from: peer, bytes: hdr(0xc803, 20, [0x80, 0x03, 0, 0, 0, 0, 0, 1]) },
    { name: 'unknown mandatory AVP in an SCCRQ', from: peer, bytes: sccrq([unknownMandatory]) },
    { name: 'SCCRQ from an address no tunnel points at', from: stranger, bytes: sccrq() },
    { name: 'data message of version 2', from: peer, bytes: Uint8Array.from([0x00, 0x02, 0, 0, 0, 0, 0, 7, 1, 2, 3, 4]) },
  ];
}

/** The oracle's node for a router config (the tunnels with an endpoint address). */
export function oracleNode(config: string, model: string, seed = 1): L2tpNode {
  const tunnels = l2tpTunnels(parseConfig(config)).filter((v) => v.endpointAddress).map((v) => ({
    settings: tunnelSettingsFromConfig(v, model), remoteAddress: v.endpointAddress!.remote, enabled: v.enabled,
  }));
  return new L2tpNode({ tunnels, random: new Mulberry32(seed) });
}

/** The syslog lines (DEBUG and INFO) the oracle logs for this one packet, on a node just switched on. */
export function expectedLines(config: string, model: string, p: ClassProbe): { id: string; text: string }[] {
  const node = oracleNode(config, model);
  node.handle({ kind: 'serviceOn' }, 0);
  return node.handle({ kind: 'packet', from: p.from, bytes: p.bytes }, 1).flatMap((a) => (a.kind === 'syslog' ? [{ id: a.id, text: a.text }] : []));
}
