// DHCP in a lab (netns mode). WAN links (seed 設定例5/6: `ip lan2 address dhcp`): dnsmasq on the
// link's bridge in the lab namespace hands out the link's `dhcp_pool`, and ISC dhclient in the
// router's namespace takes a lease on the router's WAN interface; the router is then started with
// that address (`router --wan ADDR`). Sites (設定例8: a router LAN with `dhcp_server`): dnsmasq in a
// namespace of its own on the site's segment serves the router's pool, and hosts with `ipv4: dhcp`
// take a lease from it. All run detached and are recorded in the state file, so `lab down` stops
// them by pid.
// `lab readdress` moves a router's WAN lease to another address as an ISP's DHCP server would
// (設定例6): a reservation for the router's MAC in the link server's hosts file (re-read on
// SIGHUP), a DHCPRELEASE of the old lease (dhclient -r, which also removes the old address), and a
// fresh exchange that is offered the reserved address.
// Known gaps: the emulated router process runs neither a DHCP client nor a DHCP server itself; its
// namespace's dhclient and a dnsmasq stand-in do it for it (real DHCP exchanges on the lab's wires).
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DhcpClient } from '../hosts/dhcp.ts';
import { hasProgram, inNetns, runCommand } from '../hosts/command.ts';
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
    `--dhcp-hostsfile=${reservationsFile(workDir, d.fileTag)}`,
  ];
  writeFileSync(reservationsFile(workDir, d.fileTag), '');
  const s = startDetached(d.role, argv, logFile);
  record(s);
  // dnsmasq logs "DHCP, IP range ..." once it listens
  await waitForLogLine(logFile, s, /DHCP, IP range/, timeoutMs);
  return s;
}

/** The log of a DHCP server started by startDhcpServer (dnsmasq --log-dhcp: one line per message, with the client's MAC). */
export const dhcpServerLog = (workDir: string, fileTag: string) => path.join(workDir, `dhcp-server-${fileTag}.log`);

const reservationsFile = (workDir: string, fileTag: string) => path.join(workDir, `dhcp-hosts-${fileTag}`);

/**
 * The server (`server`, ours, started by startDhcpServer with `fileTag`) will hand `address` to
 * `mac` from now on: a line in its hosts file, re-read on SIGHUP; resolves once its log says so
 * (`read FILE`), bounded. A lease the client holds stays until it is released.
 */
export async function reserveAddress(workDir: string, fileTag: string, server: Started, mac: string, address: string, timeoutMs = 10_000): Promise<void> {
  const file = reservationsFile(workDir, fileTag);
  const logFile = dhcpServerLog(workDir, fileTag);
  const seen = (text: string) => text.split('\n').filter((l) => l.endsWith(`read ${file}`)).length;
  const before = seen(readFileSync(logFile, 'utf8'));
  const others = readFileSync(file, 'utf8').split('\n').filter((l) => l !== '' && !l.startsWith(`${mac},`));
  writeFileSync(file, [...others, `${mac},${address}`].map((l) => `${l}\n`).join(''));
  process.kill(server.proc.pid, 'SIGHUP');
  const esc = file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  await waitForLogLine(logFile, server, new RegExp(`(?:[\\s\\S]*?read ${esc}\n){${before + 1}}`), timeoutMs);
}

/**
 * Gives the lease of obtainLease(netns, ifname, owner) back (DHCPRELEASE, `dhclient -r` with the
 * same files): the running dhclient exits and its hook removes the address from the interface.
 */
export async function releaseLease(netns: string, ifname: string, owner: string, workDir: string, timeoutMs = 10_000): Promise<void> {
  const dir = path.join(workDir, `dhclient-${owner}`);
  const f = (name: string) => path.join(dir, name);
  const r = await runCommand(inNetns(netns, ['dhclient', '-4', '-r', '-sf', f('dhclient-hook.sh'), '-cf', f(`dhclient-${ifname}.conf`), '-pf', f(`dhclient-${ifname}.pid`), '-lf', f(`dhclient-${ifname}.leases`), ifname]), timeoutMs);
  if (r.code !== 0) throw new Error(`DHCP release on ${ifname} in ${netns}: ${(r.stderr || r.stdout).trim().split('\n').pop() ?? `exit ${r.code}`}`);
}

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
