// The input of whole-topology prediction: routers with bridges (LAN and tunnel members), hosts on
// LAN ports, and the stimulus. Plain data, so a topology-YAML adapter can build it; validated here
// with errors that name the router/bridge/member at fault.
import type { BridgeAssumptions } from '../bridge/facts.ts';
import { parseMac } from '../bridge/mac.ts';

export interface NetworkTopology {
  routers: RouterSpec[];
  /** Hosts attached to router LAN ports. Several hosts on one port share a segment (a hub). */
  hosts: HostSpec[];
}

export interface RouterSpec {
  name: string;
  /** Outer (WAN) address the router's tunnels use unless a tunnel overrides it; IPv4 or IPv6 text. */
  wanAddress: string;
  bridges: BridgeSpec[];
}

export interface BridgeSpec {
  /** bridge1, bridge2, ... */
  name: string;
  members: MemberSpec[];
  /** Learning-table sizes for the router's model (seed table; reference-impl/platform per model). */
  dynamicCapacity: number;
  staticCapacity: number;
  /** ms, null = `timer off`; default 300 s (yamaha-platform-facts.md §1.3). */
  ageingMs?: number | null;
  learning?: boolean;
  /** false on vRX (§4.3 "except on vRX"). */
  passTaggedFrames?: boolean;
  statics?: { mac: string; member: string }[];
  assumptions?: Partial<BridgeAssumptions>;
}

export type MemberSpec = LanMemberSpec | TunnelMemberSpec;

export interface LanMemberSpec {
  kind: 'lan';
  /** lan1, lan2, lan1.2, vlan1 ... */
  name: string;
}

export interface TunnelMemberSpec {
  kind: 'tunnel';
  /** tunnel1 ... */
  name: string;
  peer: { router: string; tunnel: string };
  /** Session established (both ends must agree). A tunnel member bridges only then (§4.3). */
  established: boolean;
  /** The Session ID this end assigned: data messages sent TO this end carry it (RFC 3931 §4.1). */
  localSessionId: number;
  /** The cookie this end assigned (hex, 0/4/8 octets): data sent TO this end carries it (facts §1.4). */
  localCookie?: string;
  /** Default L2-Specific Sublayer on data sent TO this end; default none (see NETWORK_ASSUMPTIONS). */
  l2ss?: 'none' | 'default';
  /** Outer addresses; default this router's and the peer router's wanAddress. */
  localAddress?: string;
}

export interface HostSpec {
  name: string;
  mac: string;
  router: string;
  port: string;
}

export interface StimulusFrame {
  /** Virtual time; default the previous frame's time (0 for the first). Must not decrease. */
  atMs?: number;
  fromHost: string;
  /** The Ethernet frame the host sends (no preamble, no FCS). */
  frame: Uint8Array;
  label?: string;
}

/** Throws a clear error naming the first inconsistency. */
export function validateTopology(t: NetworkTopology): void {
  const routers = new Map<string, RouterSpec>();
  for (const r of t.routers) {
    if (!r.name) throw new Error('topology: a router has no name');
    if (routers.has(r.name)) throw new Error(`topology: router ${r.name} is defined twice`);
    if (!r.wanAddress) throw new Error(`topology: router ${r.name} has no wanAddress`);
    routers.set(r.name, r);
    const used = new Set<string>();
    const bridgeNames = new Set<string>();
    for (const b of r.bridges) {
      if (bridgeNames.has(b.name)) throw new Error(`topology: ${r.name} defines ${b.name} twice`);
      bridgeNames.add(b.name);
      for (const m of b.members) {
        // yamaha-platform-facts.md §4.3: an interface can belong to only one bridge.
        if (used.has(m.name)) throw new Error(`topology: ${r.name}.${m.name} is a member of more than one bridge (or listed twice)`);
        used.add(m.name);
        if (m.kind === 'tunnel') validateTunnelFields(r.name, m);
      }
    }
  }
  for (const r of t.routers) {
    for (const b of r.bridges) {
      for (const m of b.members) if (m.kind === 'tunnel') validatePeer(routers, r, m);
    }
  }
  const hostNames = new Set<string>();
  for (const h of t.hosts) {
    if (hostNames.has(h.name)) throw new Error(`topology: host ${h.name} is defined twice`);
    hostNames.add(h.name);
    try {
      parseMac(h.mac);
    } catch (e) {
      throw new Error(`topology: host ${h.name}: ${(e as Error).message}`);
    }
    if (!routers.has(h.router)) throw new Error(`topology: host ${h.name} is attached to unknown router ${h.router}`);
    if (!/^lan[0-9]/.test(h.port)) throw new Error(`topology: host ${h.name} is attached to ${h.router}.${h.port}, not a LAN port`);
  }
}

function validateTunnelFields(router: string, m: TunnelMemberSpec): void {
  const where = `${router}.${m.name}`;
  if (!Number.isInteger(m.localSessionId) || m.localSessionId < 1 || m.localSessionId > 0xffffffff) {
    throw new Error(`topology: ${where}: localSessionId ${m.localSessionId} must be 1..4294967295 (0 is control, RFC 3931 §4.1)`);
  }
  if (m.localCookie !== undefined && !/^([0-9a-fA-F]{8}){0,2}$/.test(m.localCookie)) {
    throw new Error(`topology: ${where}: localCookie "${m.localCookie}" must be 0, 8 or 16 hex digits (0/4/8 octets)`);
  }
}

export function findTunnel(r: RouterSpec, name: string): { bridge: BridgeSpec; member: TunnelMemberSpec } | undefined {
  for (const b of r.bridges) {
    for (const m of b.members) if (m.kind === 'tunnel' && m.name === name) return { bridge: b, member: m };
  }
  return undefined;
}

function addressFamily(a: string): 4 | 6 {
  return a.includes(':') ? 6 : 4;
}

function validatePeer(routers: Map<string, RouterSpec>, r: RouterSpec, m: TunnelMemberSpec): void {
  const where = `${r.name}.${m.name}`;
  const pr = routers.get(m.peer.router);
  if (!pr) throw new Error(`topology: ${where}: peer router ${m.peer.router} does not exist`);
  const peer = findTunnel(pr, m.peer.tunnel);
  if (!peer) throw new Error(`topology: ${where}: peer ${pr.name}.${m.peer.tunnel} is not a tunnel member of any bridge`);
  const back = peer.member.peer;
  if (back.router !== r.name || back.tunnel !== m.name) {
    throw new Error(`topology: ${where} names ${pr.name}.${m.peer.tunnel} as peer, but that tunnel names ${back.router}.${back.tunnel}`);
  }
  if (peer.member.established !== m.established) {
    throw new Error(`topology: ${where} and its peer ${pr.name}.${m.peer.tunnel} disagree on whether the session is established`);
  }
  // yamaha-platform-facts.md §1.2: local and remote endpoint must be the same address family.
  const local = m.localAddress ?? r.wanAddress;
  const remote = peer.member.localAddress ?? pr.wanAddress;
  if (addressFamily(local) !== addressFamily(remote)) {
    throw new Error(`topology: ${where}: endpoints ${local} and ${remote} are of different address families`);
  }
}
