// A small valid topology (inline configs, so no files are needed) and helpers to break it in one
// place and find where, in the text itself, an error must point.
import { formatDiagnostic, parseTopology, type ParseOptions } from '../../../topologies/schema/index.ts';

export const FILE = 'lab/t.yaml';

export const VALID = `name: t
description: two sites
source: test
routers:
  - name: rt1
    role: site1
    model: RTX1210
    firmware: Rev.14.01.26
    config: |
      bridge member bridge1 lan1 tunnel1
      tunnel select 1
       tunnel encapsulation l2tpv3-raw
       tunnel endpoint address 198.51.100.1 198.51.100.2
       l2tp keepalive use on 60 3
       tunnel enable 1
      l2tp service on l2tpv3
    wan:
      - { interface: lan2, link: internet, ipv4: 198.51.100.1/24 }
    lan:
      - { port: lan1, bridge: bridge1, segment: lan-a, ipv4: 192.168.100.1/24, dhcp_server: { pool: 192.168.100.10-192.168.100.99 } }
  - name: rt2
    role: site2
    model: RTX830
    firmware: Rev.15.02.22
    config: |
      bridge member bridge1 lan1 tunnel1
      l2tp service on l2tpv3
    wan:
      - { interface: lan2, link: internet, ipv4: 198.51.100.2/24 }
    lan:
      - { port: lan1, bridge: bridge1, segment: lan-b, ipv4: 192.168.100.2/24, dhcp_server: { pool: 192.168.100.110-192.168.100.199 } }
links:
  - { name: internet, kind: internet, ipv4: 198.51.100.0/24, ipv6: "2001:db8:1::/64" }
segments:
  - name: lan-a
    ipv4: 192.168.100.0/24
    vlans:
      - { vid: 10, ipv4: 192.168.10.0/24 }
  - { name: lan-b, ipv4: 192.168.100.0/24 }
hosts:
  - { name: pc1, segment: lan-a, ipv4: 192.168.100.11/24 }
  - { name: pc2, segment: lan-b, ipv4: 192.168.100.12/24 }
pseudowires:
  - name: pw1
    encapsulation: l2tpv3-raw
    underlay: ipv4
    ends: [{ node: rt1, tunnel: 1, bridge: bridge1 }, { node: rt2, tunnel: 1, bridge: bridge1 }]
scenarios:
  - name: ping
    stimulus: { kind: ping, from: pc1, to: pc2 }
    expect: [{ kind: reachable }]
`;

/** Replace the one occurrence of `from` (it must occur exactly once). */
export function edit(text: string, from: string, to: string): string {
  const at = text.indexOf(from);
  if (at < 0 || text.indexOf(from, at + 1) >= 0) throw new Error(`fixture edit: '${from}' must occur exactly once`);
  return text.slice(0, at) + to + text.slice(at + from.length);
}

/** `line:column` of the first occurrence of `needle` after the line containing `after` (1-based). */
export function where(text: string, needle: string, after = ''): string {
  const lines = text.split('\n');
  const start = after ? lines.findIndex((l) => l.includes(after)) : 0;
  for (let i = Math.max(0, start); i < lines.length; i++) {
    const c = lines[i].indexOf(needle);
    if (c >= 0) return `${i + 1}:${c + 1}`;
  }
  throw new Error(`fixture: '${needle}' not found`);
}

export function errors(text: string, opts: ParseOptions = {}): string[] {
  return parseTopology(text, FILE, { readConfigFile: () => undefined, ...opts }).diagnostics.map(formatDiagnostic);
}
