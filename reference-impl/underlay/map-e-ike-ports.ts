// The UDP ports a MAP-E CE's own IKE leaves from (issue 19: L2TPv3/IPsec "in map-e tunnel
// environments"). A CE sharing its address (k > 0) rarely owns IKE's well-known ports: 500 is among
// the excluded ports below 2^(16-a) for every PSID offset a <= 7 (RFC 7597's default 6), 4500 for
// a <= 3, and above that each belongs to one PSID of 2^k (RFC 7597 §5.1, §8.2; v6plus, a = 4:
// 4500 is one CE's in 256). The router's IKE then looks like an IPsec client behind NAPT (RFC 3947,
// RFC 3948): it sends from a port of its set standing for 500, then one standing for 4500, and its
// NAT-D hashes name its unmapped address and port 500, so both ends detect the translation and
// carry ESP in UDP. Which two ports is not documented: ASSUMPTION map-e-ike-ports
// (router/underlay/underlay-router-assumptions.ts). Pure.
import { l2tpSourcePort, MapERuleError, portInSet, portSet, type MapECe } from './map-e-rule.ts';

/** IKE (RFC 2409) and NAT-T (RFC 3947 §4) well-known ports. */
export const IKE_WELL_KNOWN_PORT = 500;
export const NAT_T_WELL_KNOWN_PORT = 4500;

/** The CE's source ports for IKE and for NAT-T (IKE after the float, and ESP in UDP). */
export interface MapEIkePorts {
  /** Stands for 500: phase 1 until a NAT is detected. */
  readonly ike: number;
  /** Stands for 4500: IKE after the float and ESP in UDP (RFC 3948). */
  readonly natT: number;
}

/**
 * ASSUMPTION map-e-ike-ports: each well-known port is kept when the set holds it (k = 0, or a
 * set that happens to contain it), as `l2tpSourcePort` keeps 1701; otherwise IKE takes the lowest
 * port of the set the L2TPv3 source port (`l2tpSourcePort`) does not use, and NAT-T the next one.
 * A set with fewer than three ports cannot carry L2TPv3 and both IKE ports: refused.
 */
export function mapEIkePorts(ce: Pick<MapECe, 'psid' | 'psidLength' | 'psidOffset'>): MapEIkePorts {
  const taken = new Set([l2tpSourcePort(ce)]);
  // well-known ports the set holds are reserved first, so a lower fallback never takes them
  const kept = [IKE_WELL_KNOWN_PORT, NAT_T_WELL_KNOWN_PORT].map((p) => (portInSet(p, ce) && !taken.has(p) ? p : undefined));
  for (const p of kept) if (p !== undefined) taken.add(p);
  const lowestFree = (): number => {
    for (const r of portSet(ce)) {
      for (let p = r.first; p <= r.last; p++) {
        if (taken.has(p)) continue;
        taken.add(p);
        return p;
      }
    }
    throw new MapERuleError(`PSID ${ce.psid} (a=${ce.psidOffset}, k=${ce.psidLength}): the port set has no room for IKE and NAT-T beside L2TPv3`);
  };
  const ike = kept[0] ?? lowestFree();
  const natT = kept[1] ?? lowestFree();
  return { ike, natT };
}
