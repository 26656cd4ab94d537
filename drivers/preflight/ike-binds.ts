// The tester peers' IKE on a bench (issue 15: the tester peer plays the far end of an L2TPv3/IPsec
// tunnel so a single physical RTX can be tested): when a physical device can run the @ipsec tests
// (its inventory gives TESTER_IKE_PEER_ADDRESSES harness peer addresses: the testerIke capability),
// those addresses bind IKE's UDP 500 and NAT-T's 4500 (UDP 500: RFC 2409; UDP 4500: RFC 3947; ipsec-facts.md),
// ports below 1024 and fixed. Checked always for such a device, whatever the run's --grep: the
// default run includes @ipsec, and a bench that cannot bind them is a lab error said once, before
// any test, not two failures in the matrix.
import { IKE_PORT, NAT_T_PORT } from '../../reference-impl/ipsec/isakmp/constants.ts';
import { dutCapabilities } from '../dut/open-dut.ts';
import { TESTER_IKE_PEER_ADDRESSES } from '../dut/physical-dut.ts';
import type { DeviceDescription } from '../dut/physical-target.ts';
import type { BindTarget } from './bind-check.ts';

/** The ports the tester peers' IKE binds on each of its harness addresses. */
export const IKE_BIND_PORTS: readonly number[] = [IKE_PORT, NAT_T_PORT];

/** What the @ipsec tests bind on the harness for these devices (none for a device without testerIke). */
export function ikeBinds(devices: readonly Pick<DeviceDescription, 'kind' | 'role' | 'access'>[]): BindTarget[] {
  return devices.flatMap((d) => {
    if (d.kind !== 'physical' || !dutCapabilities(d).testerIke) return [];
    const addresses = (d.access?.harness?.peerAddresses ?? []).slice(0, TESTER_IKE_PEER_ADDRESSES);
    return addresses.flatMap((address) => IKE_BIND_PORTS.map((port) => ({ address, port, what: `tester peer's IKE (${d.role}, the @ipsec tests)` })));
  });
}
