// The seed's examples as prediction input, named after topologies/seed/*.yaml (rt1.., pc1.., WAN
// 198.51.100.x). The seed's config texts are not available (platform facts §2.0); the shape comes from
// its prose: 設定例1 two routers with LAN1 bridged over one tunnel; 設定例2 hub rt1 with tunnels to rt2
// and rt3; the full mesh adds rt2-rt3, which the seed warns loops.
import type { BridgeSpec, MemberSpec, NetworkTopology, TunnelMemberSpec } from '../../../reference-impl/network/index.ts';

// seed learning-table table: RTX1210 and RTX830 both 256 dynamic / 32 static.
const SIZES = { dynamicCapacity: 256, staticCapacity: 32 } as const;

export const PC = { pc1: '02:00:00:00:01:01', pc2: '02:00:00:00:02:02', pc3: '02:00:00:00:03:03' } as const;
export const WAN = { rt1: '198.51.100.1', rt2: '198.51.100.2', rt3: '198.51.100.3' } as const;

type Rt = keyof typeof WAN;

export interface Pw {
  a: [Rt, string, number];
  z: [Rt, string, number];
  established?: boolean;
  cookies?: [string, string];
}

/** Builds routers with one bridge1 = lan1 + the listed tunnel ends; one PC on each lan1. */
export function topology(routers: Rt[], pws: Pw[]): NetworkTopology {
  const members = new Map<Rt, MemberSpec[]>(routers.map((r) => [r, [{ kind: 'lan', name: 'lan1' }]]));
  for (const pw of pws) {
    const est = pw.established ?? true;
    const end = (self: Pw['a'], other: Pw['a'], cookie?: string): TunnelMemberSpec => ({
      kind: 'tunnel',
      name: self[1],
      peer: { router: other[0], tunnel: other[1] },
      established: est,
      localSessionId: self[2],
      ...(cookie !== undefined ? { localCookie: cookie } : {}),
    });
    members.get(pw.a[0])!.push(end(pw.a, pw.z, pw.cookies?.[0]));
    members.get(pw.z[0])!.push(end(pw.z, pw.a, pw.cookies?.[1]));
  }
  return {
    routers: routers.map((r) => ({
      name: r,
      wanAddress: WAN[r],
      bridges: [{ name: 'bridge1', members: members.get(r)!, ...SIZES } satisfies BridgeSpec],
    })),
    hosts: routers.map((r, i) => ({ name: `pc${i + 1}`, mac: PC[`pc${i + 1}` as keyof typeof PC], router: r, port: 'lan1' })),
  };
}

export const example1 = (cookies?: [string, string]): NetworkTopology =>
  topology(['rt1', 'rt2'], [{ a: ['rt1', 'tunnel1', 0x1001], z: ['rt2', 'tunnel1', 0x2001], cookies }]);

export const example2 = (rt1rt3Established = true): NetworkTopology =>
  topology(['rt1', 'rt2', 'rt3'], [
    { a: ['rt1', 'tunnel1', 0x1001], z: ['rt2', 'tunnel1', 0x2001] },
    { a: ['rt1', 'tunnel2', 0x1002], z: ['rt3', 'tunnel1', 0x3001], established: rt1rt3Established },
  ]);

export const fullMesh = (): NetworkTopology =>
  topology(['rt1', 'rt2', 'rt3'], [
    { a: ['rt1', 'tunnel1', 0x1001], z: ['rt2', 'tunnel1', 0x2001] },
    { a: ['rt1', 'tunnel2', 0x1002], z: ['rt3', 'tunnel1', 0x3001] },
    { a: ['rt2', 'tunnel2', 0x2002], z: ['rt3', 'tunnel2', 0x3002] },
  ]);
