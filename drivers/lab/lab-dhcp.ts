// DHCP in a lab (netns mode). WAN links (seed 設定例5/6: `ip lan2 address dhcp`): dnsmasq on the
// link's bridge in the lab namespace hands out the link's `dhcp_pool`, and ISC dhclient in the
// router's namespace takes a lease on the router's WAN interface; the router is then started with
// that address (`router --wan ADDR`). Sites (設定例8: a router LAN with `dhcp_server`): dnsmasq in a
// namespace of its own on the site's segment serves the router's pool, and hosts with `ipv4: dhcp`
// take a lease from it. All run detached and are recorded in the state file, so `lab down` stops
// them by pid.
// Known gaps: the emulated router process runs neither a DHCP client nor a DHCP server itself; its
// namespace's dhclient and a dnsmasq stand-in do it for it (real DHCP exchanges on the lab's wires).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DhcpClient } from '../hosts/dhcp.ts';
import { hasProgram } from '../hosts/command.ts';
import { processStartTime, type LabProcess } from './lab-state.ts';
import { startDetached, waitForLogLine, type Started } from './lab-processes.ts';

export interface DhcpServerSpec {
  /** for people and the state file: `dhcp server link internet`, `dhcp server rt1 (stand-in)` */
  role: string;
  /** log and lease file names in workDir */
  fileTag: string;
  netns: string;
  ifname: string;
  rangeStart: string;
  rangeEnd: string;
  netmask: string;
  gateway?: string;
}

/** dnsmasq, DHCP only (DNS off), on `ifname` in `netns`, detached; resolves once it serves the range. */
export async function startDhcpServer(d: DhcpServerSpec, workDir: string, record: (s: Started) => void, timeoutMs = 10_000): Promise<Started> {
  if (!hasProgram('dnsmasq')) throw new Error(`${d.role}: dnsmasq is not installed (scripts/install-system-deps.sh)`);
  const logFile = path.join(workDir, `dhcp-server-${d.fileTag}.log`);
  const argv = [
    'ip', 'netns', 'exec', d.netns,
    'dnsmasq', '--keep-in-foreground', '--conf-file=/dev/null', '--port=0', '--bind-interfaces', `--interface=${d.ifname}`, '--except-interface=lo',
    `--dhcp-range=${d.rangeStart},${d.rangeEnd},${d.netmask},10m`, `--dhcp-leasefile=${path.join(workDir, `dnsmasq-${d.fileTag}.leases`)}`,
    '--pid-file', '--user=root', '--log-dhcp', '--log-facility=-', ...(d.gateway ? [`--dhcp-option=option:router,${d.gateway}`] : []),
  ];
  const s = startDetached(d.role, argv, logFile);
  record(s);
  // dnsmasq logs "DHCP, IP range ..." once it listens
  await waitForLogLine(logFile, s, /DHCP, IP range/, timeoutMs);
  return s;
}

/** The log of a DHCP server started by startDhcpServer (dnsmasq --log-dhcp: one line per message, with the client's MAC). */
export const dhcpServerLog = (workDir: string, fileTag: string) => path.join(workDir, `dhcp-server-${fileTag}.log`);

/** A DHCP lease on `ifname` in `netns`: the address, and dhclient (left running to renew) as a lab process. */
export async function obtainLease(netns: string, ifname: string, owner: string, workDir: string, timeoutMs = 20_000): Promise<{ address: string; proc?: LabProcess }> {
  const dir = path.join(workDir, `dhclient-${owner}`);
  const client = new DhcpClient(netns, ifname, dir);
  const address = await client.obtain(timeoutMs);
  // DhcpClient writes dhclient's pid to WORKDIR/dhclient-IFNAME.pid (drivers/hosts/dhcp.ts)
  let proc: LabProcess | undefined;
  try {
    const pid = Number(readFileSync(path.join(dir, `dhclient-${ifname}.pid`), 'utf8').trim());
    const startTime = pid > 0 ? processStartTime(pid) : undefined;
    if (startTime !== undefined) proc = { role: `dhcp client ${owner} ${ifname}`, pid, startTime };
  } catch {
    /* no pid file: dhclient did not stay (nothing to stop) */
  }
  return { address, ...(proc ? { proc } : {}) };
}
