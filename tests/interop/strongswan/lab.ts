// The two-namespace lab of the charon interop tests: the oracle's UDP relay in one namespace,
// charon in the other, one veth between them. Names carry a random suffix; teardown deletes exactly
// those namespaces (their veth goes with them) and stops exactly the processes started here.
import { randomBytes } from 'node:crypto';
import { addAddress, createNetns, createVethPair, deleteNetns } from '../../../drivers/hosts/netns.ts';
import { IkeNode } from '../../../reference-impl/ipsec/ike/ike-node.ts';
import type { IkeGatewayConfig } from '../../../reference-impl/ipsec/ike/ike-events.ts';
import { Mulberry32 } from '../../../reference-impl/sim/prng.ts';
import { IkeUdpAdapter } from '../../support/ike-udp-adapter.ts';
import { Charon } from './charon.ts';

export interface Lab {
  oracleNs: string;
  charonNs: string;
  oracleAddress: string;
  charonAddress: string;
  charon: Charon;
  node: IkeNode;
  adapter: IkeUdpAdapter;
  close(): Promise<void>;
}

export async function openLab(gateway: (oracle: string, charon: string) => IkeGatewayConfig, seed: number): Promise<Lab> {
  const tag = randomBytes(3).toString('hex');
  const oracleNs = `ike-o-${tag}`;
  const charonNs = `ike-c-${tag}`;
  const third = 1 + (parseInt(tag.slice(0, 2), 16) % 250);
  const oracleAddress = `10.201.${third}.1`;
  const charonAddress = `10.201.${third}.2`;
  const cleanups: (() => Promise<unknown>)[] = [];
  const close = async (): Promise<void> => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  };
  try {
    await createNetns(oracleNs, { ipv6: false });
    cleanups.push(() => deleteNetns(oracleNs));
    await createNetns(charonNs, { ipv6: false });
    cleanups.push(() => deleteNetns(charonNs));
    await createVethPair({ name: `iko${tag}`, netns: oracleNs }, { name: `ikc${tag}`, netns: charonNs });
    await addAddress(oracleNs, `iko${tag}`, `${oracleAddress}/24`);
    await addAddress(charonNs, `ikc${tag}`, `${charonAddress}/24`);
    const charon = await Charon.start(charonNs);
    cleanups.push(() => charon.stop());
    const node = new IkeNode({ gateways: [gateway(oracleAddress, charonAddress)], random: new Mulberry32(seed) });
    const adapter = await IkeUdpAdapter.open(node, oracleNs, oracleAddress);
    cleanups.push(() => adapter.close());
    return { oracleNs, charonNs, oracleAddress, charonAddress, charon, node, adapter, close };
  } catch (e) {
    await close();
    throw e;
  }
}
