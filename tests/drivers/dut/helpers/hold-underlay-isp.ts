// Builds this process's IPv6-only access service (drivers/dut/underlay-isp.ts) for the kind given,
// prints its namespace names and the relay's and brokers' pids as one JSON line, and waits to be
// killed (tests/drivers/dut/underlay-isp.spec.ts: what a killed worker leaves behind).
import { underlayIsp } from '../../../../drivers/dut/underlay-isp.ts';
import type { UnderlayKind } from '../../../../drivers/dut/underlay-service.ts';

const isp = await underlayIsp((process.argv[2] ?? 'ipip') as UnderlayKind);
console.log(JSON.stringify({ names: isp.names, pids: [isp.relayPid, isp.routerSide.pid, isp.peerSide.pid] }));
setInterval(() => undefined, 60_000);
