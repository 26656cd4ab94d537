// Typed views of the IPsec and filter settings L2TPv3/IPsec configs use.

import { param, params } from './command-line.ts';
import type { ConfigDocument } from './document.ts';
import { IPSEC_DEFAULTS } from './defaults.ts';
import { Secret } from './secret.ts';
import { commands, type CommandAt } from './views.ts';

export interface IkeGatewayView {
  gateway: number;
  ikeVersion: 1 | 2;
  preSharedKey?: Secret;
  localAddress?: string;
  remoteAddress?: string;
  localName?: { name: string; type?: string };
  remoteName?: { name: string; type?: string };
  keepalive: { use: 'on' | 'off' | 'auto'; interval: number; count: number };
  natTraversal: boolean;
  /** line of `ipsec ike version`, when present */
  versionLine?: number;
}

export interface SaPolicyView {
  policy: number;
  gateway: number;
  esp?: string;
  auth?: string;
}

export interface TransportView {
  id: number;
  policy: number;
  protocol?: string;
  srcPorts?: string;
  dstPorts?: string;
}

export interface IpsecView {
  gateways: IkeGatewayView[];
  policies: SaPolicyView[];
  transports: TransportView[];
}

function keyed(list: readonly CommandAt[], id: string, key: string): Map<number, CommandAt> {
  const m = new Map<number, CommandAt>();
  for (const c of list) {
    if (c.command.id !== id) continue;
    const k = Number(param(c.command, key));
    if (c.command.negated) m.delete(k);
    else m.set(k, c);
  }
  return m;
}

export function ipsec(doc: ConfigDocument): IpsecView {
  const all = commands(doc);
  const ids = [...new Set(all.filter((c) => c.command.id.startsWith('ipsec ike ')).map((c) => Number(param(c.command, 'gateway'))))];
  const by = (id: string) => keyed(all, id, 'gateway');
  const version = by('ipsec ike version');
  const psk = by('ipsec ike pre-shared-key');
  const local = by('ipsec ike local address');
  const remote = by('ipsec ike remote address');
  const lname = by('ipsec ike local name');
  const rname = by('ipsec ike remote name');
  const keep = by('ipsec ike keepalive use');
  const nat = by('ipsec ike nat-traversal');
  const s = (c: CommandAt | undefined, name: string) => {
    const v = c && param(c.command, name);
    return v === undefined ? undefined : String(v);
  };
  const gateways = ids
    .filter((g) => Number.isFinite(g))
    .sort((a, b) => a - b)
    .map((g): IkeGatewayView => {
      const key = s(psk.get(g), 'key');
      const ln = lname.get(g);
      const rn = rname.get(g);
      return {
        gateway: g,
        ikeVersion: Number(s(version.get(g), 'version') ?? IPSEC_DEFAULTS.ikeVersion) as 1 | 2,
        preSharedKey: key === undefined ? undefined : new Secret(key),
        localAddress: s(local.get(g), 'address'),
        remoteAddress: s(remote.get(g), 'address'),
        localName: ln && { name: s(ln, 'name')!, type: s(ln, 'type') },
        remoteName: rn && { name: s(rn, 'name')!, type: s(rn, 'type') },
        keepalive: {
          use: (s(keep.get(g), 'switch') ?? IPSEC_DEFAULTS.ikeKeepaliveUse) as 'on' | 'off' | 'auto',
          interval: Number(s(keep.get(g), 'interval') ?? IPSEC_DEFAULTS.ikeKeepaliveInterval),
          count: Number(s(keep.get(g), 'count') ?? IPSEC_DEFAULTS.ikeKeepaliveCount),
        },
        natTraversal: (s(nat.get(g), 'switch') ?? IPSEC_DEFAULTS.natTraversal) === 'on',
        versionLine: version.get(g)?.line.lineNo,
      };
    });
  const policies = [...keyed(all, 'ipsec sa policy', 'policy').values()].map((c) => ({
    policy: Number(param(c.command, 'policy')),
    gateway: Number(param(c.command, 'gateway')),
    esp: s(c, 'esp'),
    auth: s(c, 'auth'),
  }));
  const transports = [...keyed(all, 'ipsec transport', 'id').values()].map((c) => ({
    id: Number(param(c.command, 'id')),
    policy: Number(param(c.command, 'policy')),
    protocol: s(c, 'proto'),
    srcPorts: s(c, 'srcPorts'),
    dstPorts: s(c, 'dstPorts'),
  }));
  return { gateways, policies, transports };
}

export interface InterfaceFilterView {
  kind: 'ethernet' | 'ip secure';
  interface: string;
  direction: 'in' | 'out';
  filters: readonly number[];
  dynamicFilters: readonly number[];
  line: number;
}

/** `ethernet IF filter` and `ip IF secure filter` bindings in effect (CR §9.2, §8.1.25). */
export function interfaceFilters(doc: ConfigDocument): InterfaceFilterView[] {
  const m = new Map<string, InterfaceFilterView>();
  for (const c of commands(doc)) {
    const kind = c.command.id === 'ethernet interface filter' ? 'ethernet' : c.command.id === 'ip secure filter' ? 'ip secure' : undefined;
    if (!kind) continue;
    const iface = String(param(c.command, 'interface'));
    const direction = param(c.command, 'direction') as 'in' | 'out' | undefined;
    for (const dir of direction ? [direction] : (['in', 'out'] as const)) {
      const key = `${kind} ${iface} ${dir}`;
      if (c.command.negated) m.delete(key);
      else
        m.set(key, {
          kind,
          interface: iface,
          direction: dir,
          filters: params(c.command, 'filters').map(Number),
          dynamicFilters: params(c.command, 'dynamicFilters').map(Number),
          line: c.line.lineNo,
        });
    }
  }
  return [...m.values()];
}

export interface FilterDefinitionView {
  kind: 'ethernet' | 'ip';
  number: number;
  /** the action/kind word (pass-log, reject, ...) as written */
  action: string;
  fields: readonly string[];
}

/** `ethernet filter N ...` and `ip filter N ...` definitions (their grammar is not in the digest). */
export function filterDefinitions(doc: ConfigDocument): FilterDefinitionView[] {
  const m = new Map<string, FilterDefinitionView>();
  for (const c of commands(doc)) {
    const kind = c.command.id === 'ethernet filter' ? 'ethernet' : c.command.id === 'ip filter' ? 'ip' : undefined;
    if (!kind) continue;
    const n = Number(param(c.command, 'number'));
    if (c.command.negated) m.delete(`${kind} ${n}`);
    else
      m.set(`${kind} ${n}`, {
        kind,
        number: n,
        action: String(param(c.command, kind === 'ethernet' ? 'kind' : 'action')),
        fields: params(c.command, 'fields').map(String),
      });
  }
  return [...m.values()];
}
