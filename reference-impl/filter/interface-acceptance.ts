// Which filter commands an interface kind accepts, for config validation.
// Source: yamaha-platform-facts.md §1.5 and §5 (what the command reference lists per command);
// the seed's lists of filters for members and for the bridge interface are lost (§5 NOT FOUND).

import type { FilterCapabilitySet } from './stages.ts';

export type FilterCommand =
  | 'ethernet-filter' // ethernet IF filter in|out LIST
  | 'ip-secure-filter' // ip IF secure filter in|out LIST [dynamic LIST]
  | 'ip-intrusion-detection' // ip IF intrusion detection ...
  | 'url-filter' // url IF filter in|out LIST
  | 'ip-inbound-filter'; // ip IF inbound filter LIST (input blocking)

export type InterfaceKind = 'lan' | 'bridge' | 'tunnel' | 'pp';

export type Evidence = 'confirmed' | 'inferred' | 'assumption';

export interface AcceptanceEntry {
  readonly accepted: boolean;
  readonly evidence: Evidence;
  readonly note: string;
}

const A = (accepted: boolean, evidence: Evidence, note: string): AcceptanceEntry => ({ accepted, evidence, note });
const UNCHECKED = 'ASSUMPTION: not checked in the command reference (§5) (not documented; a hardware run confirms or refutes)';

export const FILTER_COMMAND_ACCEPTANCE: Readonly<Record<FilterCommand, Readonly<Record<InterfaceKind, AcceptanceEntry>>>> = {
  'ethernet-filter': {
    lan: A(true, 'confirmed', '§1.5: physical LAN and LAN-division interfaces'),
    tunnel: A(true, 'confirmed', '§1.5: applied only while the tunnel is a bridge member; not on vRX EC2'),
    bridge: A(false, 'inferred', '§5: bridgeN not listed'),
    pp: A(false, 'assumption', 'ASSUMPTION: no Ethernet header on PPP (not documented; a hardware run confirms or refutes)'),
  },
  'ip-secure-filter': {
    lan: A(true, 'confirmed', '§1.5'),
    tunnel: A(true, 'confirmed', '§1.5: `ip tunnel secure filter` in real L2TPv3 configs'),
    bridge: A(true, 'confirmed', '§1.5: accepts a bridge interface name'),
    pp: A(true, 'assumption', 'ASSUMPTION: `ip pp secure filter` as in the command reference (not in the digest)'),
  },
  'ip-intrusion-detection': {
    lan: A(true, 'inferred', '§5'),
    tunnel: A(true, 'inferred', '§5: `ip tunnel ...`'),
    bridge: A(false, 'inferred', '§5: bridgeN not listed'),
    pp: A(true, 'assumption', UNCHECKED),
  },
  'url-filter': {
    lan: A(true, 'inferred', '§5'),
    tunnel: A(true, 'inferred', '§5: `url tunnel ...`'),
    bridge: A(false, 'inferred', '§5: bridgeN not listed'),
    pp: A(true, 'assumption', UNCHECKED),
  },
  'ip-inbound-filter': {
    lan: A(true, 'assumption', UNCHECKED),
    tunnel: A(true, 'assumption', UNCHECKED),
    bridge: A(false, 'assumption', UNCHECKED),
    pp: A(true, 'assumption', UNCHECKED),
  },
};

export interface AcceptanceVerdict extends AcceptanceEntry {
  readonly command: FilterCommand;
  readonly kind: InterfaceKind;
}

/**
 * Whether `command` may be set on an interface of `kind` on a model with `caps`.
 * ASSUMPTION: input blocking exists only on policy-filter models, and filters on a tunnel member are
 * refused where the model lacks tunnel-interface filtering (seed figure filter3); the firmware may
 * instead accept and ignore them. (not documented; a hardware run confirms or refutes)
 */
export function filterCommandAccepted(command: FilterCommand, kind: InterfaceKind, caps: FilterCapabilitySet): AcceptanceVerdict {
  const e = FILTER_COMMAND_ACCEPTANCE[command][kind];
  if (command === 'ip-inbound-filter' && !caps.policyFilterModel) {
    return { command, kind, accepted: false, evidence: 'assumption', note: 'input blocking: policy-filter models only (ASSUMPTION)' };
  }
  // `ip tunnel secure filter` stays accepted: it also filters routed (IPsec) tunnels; on such models
  // pathStages() simply does not apply it to bridged frames.
  if (kind === 'tunnel' && e.accepted && !caps.tunnelInterfaceFilter && command !== 'ip-secure-filter') {
    return { command, kind, accepted: false, evidence: 'assumption', note: 'model without tunnel-interface filtering (ASSUMPTION)' };
  }
  return { command, kind, ...e };
}
