// A lab DNS server (netns mode) for the topology's `dns:` names: NetVolante DNS (seed 設定例6) and
// FLET'S v6 "name" (設定例7) resolve a router's name to its WAN address, which the real services
// learn by the router's registration; here lab up writes the record with the address the router
// has (fixed, or leased by DHCP) before the routers start. dnsmasq, DNS only (no DHCP, no upstream,
// no /etc/hosts), listens on the WAN link bridges in the lab namespace; each router namespace gets
// /etc/netns/NS/resolv.conf naming it (`ip netns exec` bind-mounts that file over /etc/resolv.conf,
// so the router's resolver asks the lab, as ipsec-facts.md says the name is resolved "when key
// exchange starts"). lab down removes those /etc/netns directories (lab-down.ts).
// Known gap: the record is written once; a changed address (設定例6 "the address changes") is not
// re-registered, and the emulated router binds its WAN address at start, so it would not follow.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { hasProgram } from '../hosts/command.ts';
import { startDetached, waitForLogLine, type Started } from './lab-processes.ts';

export interface DnsRecord {
  fqdn: string;
  address: string;
}

/** Where `ip netns exec NS` finds the namespace's own resolv.conf (iproute2). */
export const netnsEtcDir = (ns: string) => path.join('/etc/netns', ns);

/** dnsmasq answering `records` only, on `interfaces` (bridges) of `labNetns`; resolves once it listens. */
export async function startLabDns(labNetns: string, interfaces: readonly string[], records: readonly DnsRecord[], workDir: string, record: (s: Started) => void, timeoutMs = 10_000): Promise<Started> {
  if (!hasProgram('dnsmasq')) throw new Error('the topology names routers by DNS, but dnsmasq is not installed (scripts/install-system-deps.sh)');
  const logFile = path.join(workDir, 'dns-server.log');
  const argv = [
    'ip', 'netns', 'exec', labNetns,
    'dnsmasq', '--keep-in-foreground', '--conf-file=/dev/null', '--no-resolv', '--no-hosts', '--bind-interfaces', '--except-interface=lo',
    ...interfaces.map((i) => `--interface=${i}`), ...records.map((r) => `--host-record=${r.fqdn},${r.address}`),
    '--pid-file', '--user=root', '--log-queries', '--log-facility=-',
  ];
  const s = startDetached('dns server', argv, logFile);
  record(s);
  // dnsmasq logs "started, version ..." once its sockets are bound
  await waitForLogLine(logFile, s, /started, version/, timeoutMs);
  return s;
}

/** Points namespace `ns`'s resolver at `servers` (written before any process runs in it). */
export function setNetnsResolver(ns: string, servers: readonly string[]): void {
  const dir = netnsEtcDir(ns);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'resolv.conf'), servers.map((a) => `nameserver ${a}\n`).join(''));
}

/** Removes /etc/netns/NS of namespaces with the lab's prefix (never anything else). */
export function removeNetnsEtc(namespaces: readonly string[], prefix: string): void {
  for (const ns of namespaces) if (ns.startsWith(prefix) && !ns.includes('/')) rmSync(netnsEtcDir(ns), { recursive: true, force: true });
}
