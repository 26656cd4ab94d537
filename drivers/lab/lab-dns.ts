// A lab DNS server (netns mode) for the topology's `dns:` names: NetVolante DNS (seed 設定例6) and
// FLET'S v6 "name" (設定例7) resolve a router's name to its WAN address, which the real services
// learn by the router's registration; here lab up writes the record with the address the router
// has (fixed, or leased by DHCP) before the routers start. dnsmasq, DNS only (no DHCP, no upstream,
// no /etc/hosts), listens on the WAN link bridges in the lab namespace; each router namespace gets
// /etc/netns/NS/resolv.conf naming it (`ip netns exec` bind-mounts that file over /etc/resolv.conf,
// so the router's resolver asks the lab, as ipsec-facts.md says the name is resolved "when key
// exchange starts"). lab down removes those /etc/netns directories (lab-down.ts).
// The records live in a hosts file (dnsmasq --addn-hosts, re-read on SIGHUP) so that `lab
// readdress` can re-register a router whose address changed (設定例6 "the address changes"), as
// the router's NetVolante DNS client does with the real service; records have TTL 0 (dnsmasq's
// default local TTL), so no resolver keeps the old answer.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
  const logFile = labDnsLog(workDir);
  const argv = [
    'ip', 'netns', 'exec', labNetns,
    'dnsmasq', '--keep-in-foreground', '--conf-file=/dev/null', '--no-resolv', '--no-hosts', '--bind-interfaces', '--except-interface=lo',
    ...interfaces.map((i) => `--interface=${i}`), `--addn-hosts=${writeRecords(workDir, records)}`,
    // the lab is authoritative for its names: a type a name lacks (AAAA of an IPv4 name) is an
    // empty answer, not REFUSED for want of an upstream server
    ...records.map((r) => `--local=/${r.fqdn}/`),
    '--pid-file', '--user=root', '--log-queries', '--log-facility=-',
  ];
  const s = startDetached(DNS_SERVER_ROLE, argv, logFile);
  record(s);
  // dnsmasq logs "started, version ..." once its sockets are bound, then "read FILE - N names"
  await waitForLogLine(logFile, s, /started, version/, timeoutMs);
  await waitForLogLine(logFile, s, readLine(recordsFile(workDir), 1), timeoutMs);
  return s;
}

/** The state file's role of the lab DNS server (`lab readdress` finds it by this). */
export const DNS_SERVER_ROLE = 'dns server';

/** The log of the lab DNS server (dnsmasq --log-queries: `reply NAME is ADDRESS` per answer). */
export const labDnsLog = (workDir: string) => path.join(workDir, 'dns-server.log');

const recordsFile = (workDir: string) => path.join(workDir, 'dns-records.hosts');

function writeRecords(workDir: string, records: readonly DnsRecord[]): string {
  const file = recordsFile(workDir);
  writeFileSync(file, records.map((r) => `${r.address} ${r.fqdn}\n`).join(''));
  return file;
}

/** The records the lab DNS server answers now (its hosts file). */
export function labDnsRecords(workDir: string): DnsRecord[] {
  return readFileSync(recordsFile(workDir), 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => {
    const [address, fqdn] = l.trim().split(/\s+/);
    return { fqdn, address };
  });
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A regex matching the log once dnsmasq has read `file` for the n-th time (`read FILE - N names`). */
function readLine(file: string, n: number): RegExp {
  return new RegExp(`(?:[\\s\\S]*?read ${escapeRe(file)} - \\d+ (?:names|addresses)){${n}}`);
}

/**
 * Re-registers names (NetVolante DNS after an address change): rewrites the records and makes the
 * running dnsmasq (`dns`, ours) re-read them with SIGHUP, which also empties its cache; resolves
 * once its log says it read the file again (bounded).
 */
export async function updateLabDns(workDir: string, dns: Started, records: readonly DnsRecord[], timeoutMs = 10_000): Promise<void> {
  const logFile = labDnsLog(workDir);
  const file = recordsFile(workDir);
  const before = (readFileSync(logFile, 'utf8').match(new RegExp(`read ${escapeRe(file)} - `, 'g')) ?? []).length;
  writeRecords(workDir, records);
  process.kill(dns.proc.pid, 'SIGHUP');
  await waitForLogLine(logFile, dns, readLine(file, before + 1), timeoutMs);
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
