// Checks a schema-valid topology for what a schema cannot say: names unique, every reference
// resolves, addresses inside the subnet they sit on, DHCP pools that do not collide, pseudowire
// ends that can reach each other, and findings (loops, tunnel limits) matching what the file
// declares. Pure: positions come through the injected locator.
import { addressToBigInt, parseCidr, parseRange, rangesOverlap, subnetContains, type ParsedRange } from './addresses.ts';
import { findBridgeLoops } from './bridge-loops.ts';
import { formatPath, type Diagnostic, type PathSegment } from './diagnostics.ts';
import type { Locate } from './source-positions.ts';
import type { Topology } from './topology-schema.ts';

export interface Finding {
  kind: 'bridge-loop' | 'tunnel-limit-exceeded';
  nodes: string[];
  detail: string;
}

export interface SemanticOptions {
  /** an error message when the platform table does not know this model/revision */
  checkModel?: (model: string, firmware: string) => string | undefined;
  /** the L2TPv3 tunnel limit for a model/revision, when a platform table is available */
  maxTunnels?: (model: string, firmware: string) => number | undefined;
}

export interface SemanticResult {
  diagnostics: Diagnostic[];
  findings: Finding[];
}

export function checkTopologySemantics(t: Topology, file: string, locate: Locate, opts: SemanticOptions = {}): SemanticResult {
  const diagnostics: Diagnostic[] = [];
  const err = (path: PathSegment[], message: string, at: 'key' | 'value' = 'value') => {
    const pos = locate(path, at);
    diagnostics.push({ file, line: pos.line, column: pos.column, key: formatPath(path), message });
  };

  // --- names: one namespace per kind; routers, testers and hosts share one (scenarios name any of them)
  const unique = (what: string, items: { path: PathSegment[]; value: string }[]) => {
    const seen = new Map<string, string>();
    for (const it of items) {
      const first = seen.get(it.value);
      if (first !== undefined) err(it.path, `duplicate ${what} '${it.value}' (first defined at ${first})`);
      else seen.set(it.value, formatPath(it.path));
    }
    return new Set(seen.keys());
  };
  const named = <T extends { name: string }>(list: T[] | undefined, key: string) =>
    (list ?? []).map((x, i) => ({ path: [key, i, 'name'], value: x.name }));
  const nodes = unique('node name', [...named(t.routers, 'routers'), ...named(t.testers, 'testers'), ...named(t.hosts, 'hosts')]);
  const routers = new Set(t.routers.map((r) => r.name));
  const testers = new Set((t.testers ?? []).map((x) => x.name));
  unique('router role', t.routers.map((r, i) => ({ path: ['routers', i, 'role'], value: r.role })));
  const links = new Map(t.links.map((l) => [l.name, l]));
  const segments = new Map(t.segments.map((s) => [s.name, s]));
  unique('link name', named(t.links, 'links'));
  unique('segment name', named(t.segments, 'segments'));
  unique('pseudowire name', named(t.pseudowires, 'pseudowires'));
  unique('scenario name', named(t.scenarios, 'scenarios'));
  unique('DNS name', (t.dns ?? []).map((d, i) => ({ path: ['dns', i, 'fqdn'], value: d.fqdn.toLowerCase() })));
  t.segments.forEach((s, i) => unique(`VLAN ID on segment ${s.name}`, (s.vlans ?? []).map((v, j) => ({ path: ['segments', i, 'vlans', j, 'vid'], value: String(v.vid) }))));

  const ref = (path: PathSegment[], value: string, set: { has(k: string): boolean }, what: string) => {
    if (!set.has(value)) err(path, `unknown ${what} '${value}'`);
  };

  // --- addresses: containment in the subnet of the wire, and no address given out twice
  const assigned = new Map<string, string>();
  const claim = (path: PathSegment[], cidrOrAddr: string) => {
    const a = addressToBigInt(cidrOrAddr.split('/')[0]);
    if (!a) return;
    const k = `${a.family}:${a.value}`;
    const first = assigned.get(k);
    if (first) err(path, `address ${cidrOrAddr.split('/')[0]} is already used at ${first}`);
    else assigned.set(k, formatPath(path));
  };
  const inside = (path: PathSegment[], value: string | undefined, subnet: string | undefined, where: string) => {
    if (value === undefined) return;
    const a = addressToBigInt(value.split('/')[0]);
    if (!a) return;
    const fam = a.family === 4 ? 'IPv4' : 'IPv6';
    if (!subnet) return err(path, `${where} has no ${fam} subnet, so ${value} cannot be placed on it`);
    const s = parseCidr(subnet)!;
    if (!subnetContains(s, a.family, a.value)) err(path, `${value} is outside ${where} (${subnet})`);
    else if (value.includes('/') && parseCidr(value)!.prefix !== s.prefix) {
      err(path, `${value} has prefix /${parseCidr(value)!.prefix} but ${where} is ${subnet}`);
    }
  };
  const pools: { path: PathSegment[]; range: ParsedRange; subnet: string; text: string }[] = [];
  const pool = (path: PathSegment[], text: string, subnet: string | undefined, where: string) => {
    const r = parseRange(text)!;
    const s = subnet ? parseCidr(subnet) : undefined;
    if (!s || !subnetContains(s, r.family, r.first) || !subnetContains(s, r.family, r.last)) {
      return err(path, `pool ${text} is not inside ${where}${subnet ? ` (${subnet})` : ' (which has no IPv4 subnet)'}`);
    }
    pools.push({ path, range: r, subnet: subnet!, text });
  };
  const isStatic = (v: string | undefined) => v !== undefined && v.includes('/');

  const wans = (owner: 'routers' | 'testers', i: number, wan: Topology['routers'][number]['wan']) =>
    wan.forEach((w, j) => {
      const p: PathSegment[] = [owner, i, 'wan', j];
      ref([...p, 'link'], w.link, links, 'link');
      const link = links.get(w.link);
      if (!link) return;
      if (isStatic(w.ipv4)) { inside([...p, 'ipv4'], w.ipv4, link.ipv4, `link ${link.name}`); claim([...p, 'ipv4'], w.ipv4!); }
      if (isStatic(w.ipv6)) { inside([...p, 'ipv6'], w.ipv6, link.ipv6, `link ${link.name}`); claim([...p, 'ipv6'], w.ipv6!); }
      if (w.ipv4 === 'dhcp' && !link.dhcp_pool) err([...p, 'ipv4'], `link ${link.name} has no dhcp_pool to hand out an address`);
      if ((w.ipv6 === 'ra' || w.ipv6 === 'dhcpv6-pd') && !link.ipv6) err([...p, 'ipv6'], `link ${link.name} has no IPv6 prefix to advertise`);
      if (!w.ipv4 && !w.ipv6) err(p, 'a WAN interface needs an ipv4 or ipv6 address (or dhcp/ra)');
      if (w.gateway4) inside([...p, 'gateway4'], w.gateway4, link.ipv4, `link ${link.name}`);
      if (w.gateway6) inside([...p, 'gateway6'], w.gateway6, link.ipv6, `link ${link.name}`);
    });
  t.links.forEach((l, i) => { if (l.dhcp_pool) pool(['links', i, 'dhcp_pool'], l.dhcp_pool, l.ipv4, `link ${l.name}`); });
  t.links.forEach((l, i) => {
    if (!l.nat) return;
    ref(['links', i, 'nat', 'outside'], l.nat.outside, links, 'link');
    if (l.nat.outside === l.name) err(['links', i, 'nat', 'outside'], `link ${l.name} cannot be NATed onto itself`);
    if (!l.ipv4) err(['links', i, 'nat'], `link ${l.name} needs an ipv4 subnet to be masqueraded`);
  });

  // Subnet of a wire for an interface, honouring the VLAN it tags with.
  const lanSubnet = (path: PathSegment[], segName: string, vlan: number | undefined) => {
    ref([...path, 'segment'], segName, segments, 'segment');
    const seg = segments.get(segName);
    if (!seg) return undefined;
    if (vlan === undefined) return { v4: seg.ipv4, v6: seg.ipv6, where: `segment ${seg.name}` };
    const v = (seg.vlans ?? []).find((x) => x.vid === vlan);
    if (!v) { err([...path, 'vlan'], `segment ${seg.name} carries no VLAN ${vlan} (declare it under segments[].vlans)`); return undefined; }
    return { v4: v.ipv4, v6: v.ipv6, where: `VLAN ${vlan} on segment ${seg.name}` };
  };

  t.routers.forEach((r, i) => {
    const p: PathSegment[] = ['routers', i];
    if (r.config === undefined && r.config_file === undefined) err(p, "a router needs its configuration: 'config' (inline) or 'config_file'");
    if (r.config !== undefined && r.config_file !== undefined) err([...p, 'config_file'], "give either 'config' or 'config_file', not both", 'key');
    wans('routers', i, r.wan);
    const modelError = opts.checkModel?.(r.model, r.firmware);
    if (modelError) err([...p, 'model'], modelError);
    const bridgeAddr = new Map<string, number>();
    r.lan.forEach((l, j) => {
      const lp: PathSegment[] = [...p, 'lan', j];
      const sn = lanSubnet(lp, l.segment, l.vlan);
      if (l.vlan !== undefined && !/^lan\d+\/\d+$/.test(l.port)) err([...lp, 'vlan'], `port ${l.port} is not an 802.1Q sub-interface (lanN/M) and cannot tag`);
      if (l.bridge && (l.ipv4 || l.ipv6)) bridgeAddr.set(l.bridge, (bridgeAddr.get(l.bridge) ?? 0) + 1);
      if (!sn) return;
      if (l.ipv4) { inside([...lp, 'ipv4'], l.ipv4, sn.v4, sn.where); claim([...lp, 'ipv4'], l.ipv4); }
      if (l.ipv6) { inside([...lp, 'ipv6'], l.ipv6, sn.v6, sn.where); claim([...lp, 'ipv6'], l.ipv6); }
      if (l.dhcp_server) {
        if (!l.ipv4) err([...lp, 'dhcp_server'], 'a DHCP server needs an IPv4 address on the interface');
        pool([...lp, 'dhcp_server', 'pool'], l.dhcp_server.pool, sn.v4, sn.where);
      }
    });
    for (const [bridge, n] of bridgeAddr) if (n > 1) err([...p, 'lan'], `${bridge} is given addresses on ${n} member ports; give them once`);
  });
  (t.testers ?? []).forEach((x, i) => wans('testers', i, x.wan));

  (t.hosts ?? []).forEach((h, i) => {
    const p: PathSegment[] = ['hosts', i];
    const sn = lanSubnet(p, h.segment, h.vlan);
    if (!sn) return;
    if (isStatic(h.ipv4)) { inside([...p, 'ipv4'], h.ipv4, sn.v4, sn.where); claim([...p, 'ipv4'], h.ipv4!); }
    if (isStatic(h.ipv6)) { inside([...p, 'ipv6'], h.ipv6, sn.v6, sn.where); claim([...p, 'ipv6'], h.ipv6!); }
    if (h.gateway4) inside([...p, 'gateway4'], h.gateway4, sn.v4, sn.where);
    if (h.dhcp_server) {
      if (!isStatic(h.ipv4)) err([...p, 'dhcp_server'], 'a DHCP server needs a static IPv4 address');
      pool([...p, 'dhcp_server', 'pool'], h.dhcp_server.pool, sn.v4, sn.where);
    }
  });
  // Two servers handing out the same addresses in one subnet collide (seed: 設定例8 重複しないように).
  pools.forEach((a, i) => pools.slice(0, i).forEach((b) => {
    if (a.subnet === b.subnet && rangesOverlap(a.range, b.range)) err(a.path, `pool ${a.text} overlaps pool ${b.text} at ${formatPath(b.path)}`);
  }));

  (t.dns ?? []).forEach((d, i) => {
    ref(['dns', i, 'router'], d.router, routers, 'router');
    const r = t.routers.find((x) => x.name === d.router);
    if (r && !r.wan.some((w) => (d.family === 'ipv4' ? w.ipv4 : w.ipv6))) err(['dns', i, 'family'], `router ${r.name} has no ${d.family} WAN address for ${d.fqdn}`);
  });

  const ends = new Map<string, string>();
  t.pseudowires.forEach((pw, i) => pw.ends.forEach((e, j) => {
    const p: PathSegment[] = ['pseudowires', i, 'ends', j];
    if (!routers.has(e.node) && !testers.has(e.node)) return err([...p, 'node'], `unknown router or tester '${e.node}'`);
    if (routers.has(e.node)) {
      if (e.tunnel === undefined) return err(p, `missing required key 'tunnel' (the tunnel select number on router ${e.node})`);
      const k = `${e.node}#${e.tunnel}`;
      if (ends.has(k)) err([...p, 'tunnel'], `tunnel ${e.tunnel} of ${e.node} is already used by ${ends.get(k)}`);
      else ends.set(k, formatPath(p));
      const r = t.routers.find((x) => x.name === e.node)!;
      if (e.bridge && !r.lan.some((l) => l.bridge === e.bridge)) err([...p, 'bridge'], `router ${e.node} has no LAN port in ${e.bridge}`);
    }
    const wan = (t.routers.find((x) => x.name === e.node) ?? t.testers?.find((x) => x.name === e.node))!.wan;
    // IPv4 carried in IPIP / MAP-E over an IPv6 WAN whose link has the ISP's relay (underlay-schema.ts)
    const ipv4InIpv6 = pw.underlay === 'ipv4' && wan.some((w) => w.ipv6 && t.links.some((l) => l.name === w.link && l.relay));
    if (!ipv4InIpv6 && !wan.some((w) => (pw.underlay === 'ipv4' ? w.ipv4 : w.ipv6))) err([...p, 'node'], `${e.node} has no ${pw.underlay} WAN address for an ${pw.underlay} underlay`);
  }));

  const scenarioNode = (p: PathSegment[], v: string | undefined) => { if (v !== undefined) ref(p, v, nodes, 'host, router or tester'); };
  (t.scenarios ?? []).forEach((s, i) => {
    scenarioNode(['scenarios', i, 'stimulus', 'from'], s.stimulus.from);
    scenarioNode(['scenarios', i, 'stimulus', 'to'], s.stimulus.to);
    s.expect.forEach((e, j) => scenarioNode(['scenarios', i, 'expect', j, 'node'], e.node));
  });
  (t.expected_findings ?? []).forEach((f, i) => (f.nodes ?? []).forEach((n, j) => scenarioNode(['expected_findings', i, 'nodes', j], n)));

  // --- findings, compared with what the file declares
  const findings: Finding[] = findBridgeLoops(t).map((l) => ({ kind: l.kind, nodes: l.nodes, detail: `loop closed by ${l.closingEdge}` }));
  if (opts.maxTunnels) {
    for (const r of t.routers) {
      const max = opts.maxTunnels(r.model, r.firmware);
      const used = [...ends.keys()].filter((k) => k.startsWith(`${r.name}#`)).length;
      if (max !== undefined && used > max) findings.push({ kind: 'tunnel-limit-exceeded', nodes: [r.name], detail: `${r.name} (${r.model}) has ${used} L2TPv3 tunnels, the model allows ${max}` });
    }
  }
  const declared = t.expected_findings ?? [];
  for (const f of findings) {
    if (!declared.some((d) => d.kind === f.kind)) err([], `${f.kind}: ${f.detail} (declare it under expected_findings if this topology is a negative case)`);
  }
  declared.forEach((d, i) => {
    if (d.kind === 'tunnel-limit-exceeded' && !opts.maxTunnels) return; // cannot be judged without the platform table
    if (!findings.some((f) => f.kind === d.kind)) err(['expected_findings', i, 'kind'], `expected finding ${d.kind} does not occur in this topology`);
  });
  return { diagnostics, findings };
}
