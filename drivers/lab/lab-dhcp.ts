// DHCP on a lab's WAN links (netns mode; seed 設定例5/6: `ip lan2 address dhcp`): dnsmasq on the
// link's bridge in the lab namespace hands out the link's `dhcp_pool`, and ISC dhclient in the
// router's namespace takes a lease on the router's WAN interface; the router is then started with
// that address (`router --wan ADDR`). Both run detached and are recorded in the state file, so
// `lab down` stops them by pid.
// Known gap: the emulated router process does not run a DHCP client itself; its namespace's
// dhclient does it for it (the address still comes from the lab's DHCP server by a real exchange).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DhcpClient } from '../hosts/dhcp.ts';
import { hasProgram } from '../hosts/command.ts';
import { processStartTime, type LabProcess } from './lab-state.ts';
import { startDetached, waitForLogLine, type Started } from './lab-processes.ts';
import type { PlannedDhcpServer } from './lab-plan.ts';

/** dnsmasq, DHCP only (DNS off), on `bridge` in `labNetns`; resolves once it serves the range. */
export async function startLinkDhcpServer(labNetns: string, bridge: string, link: string, d: PlannedDhcpServer, workDir: string, record: (s: Started) => void, timeoutMs = 10_000): Promise<Started> {
  if (!hasProgram('dnsmasq')) throw new Error(`link ${link} hands out addresses by DHCP, but dnsmasq is not installed (scripts/install-system-deps.sh)`);
  const logFile = path.join(workDir, `dhcp-server-${link}.log`);
  const argv = [
    'ip', 'netns', 'exec', labNetns,
    'dnsmasq', '--keep-in-foreground', '--conf-file=/dev/null', '--port=0', '--bind-interfaces', `--interface=${bridge}`, '--except-interface=lo',
    `--dhcp-range=${d.rangeStart},${d.rangeEnd},${d.netmask},10m`, `--dhcp-leasefile=${path.join(workDir, `dnsmasq-${link}.leases`)}`,
    '--pid-file', '--user=root', '--log-dhcp', '--log-facility=-',
  ];
  const s = startDetached(`dhcp server link ${link}`, argv, logFile);
  record(s);
  // dnsmasq logs "DHCP, IP range ..." once it listens
  await waitForLogLine(logFile, s, /DHCP, IP range/, timeoutMs);
  return s;
}

/** A DHCP lease on `ifname` in `netns`: the address, and dhclient (left running to renew) as a lab process. */
export async function obtainWanLease(netns: string, ifname: string, router: string, workDir: string, timeoutMs = 20_000): Promise<{ address: string; proc?: LabProcess }> {
  const dir = path.join(workDir, `dhclient-${router}`);
  const client = new DhcpClient(netns, ifname, dir);
  const address = await client.obtain(timeoutMs);
  // DhcpClient writes dhclient's pid to WORKDIR/dhclient-IFNAME.pid (drivers/hosts/dhcp.ts)
  let proc: LabProcess | undefined;
  try {
    const pid = Number(readFileSync(path.join(dir, `dhclient-${ifname}.pid`), 'utf8').trim());
    const startTime = pid > 0 ? processStartTime(pid) : undefined;
    if (startTime !== undefined) proc = { role: `dhcp client ${router} ${ifname}`, pid, startTime };
  } catch {
    /* no pid file: dhclient did not stay (nothing to stop) */
  }
  return { address, ...(proc ? { proc } : {}) };
}
