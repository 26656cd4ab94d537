// IPv6 WAN addresses from router advertisements (netns mode; seed 設定例7, NGN: `ipv6 lan2 address
// ra-prefix@lan2::N/64`). dnsmasq on the link's bridge in the lab namespace advertises the link's
// prefix (RA only, no DHCPv6 addresses); the router namespace's kernel receives it and forms its
// SLAAC address, which shows the prefix arrived by RA; the lab then gives lan2 the address the
// router's config asks for (that prefix + ::N) and the router runs on it (`router --wan ADDR`).
// Known gap: the emulated router process does not read RAs itself; its namespace's kernel does.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { hasProgram, runCommand } from '../hosts/command.ts';
import { addAddress } from '../hosts/netns.ts';
import { startDetached, waitForLogLine, type Started } from './lab-processes.ts';

/** dnsmasq sending RAs for the bridge's prefix (DNS and DHCP off); resolves once it advertises. */
export async function startRaServer(labNetns: string, bridge: string, link: string, workDir: string, record: (s: Started) => void, timeoutMs = 10_000): Promise<Started> {
  if (!hasProgram('dnsmasq')) throw new Error(`link ${link} gives IPv6 prefixes by RA, but dnsmasq is not installed (scripts/install-system-deps.sh)`);
  const logFile = path.join(workDir, `ra-server-${link}.log`);
  const argv = [
    'ip', 'netns', 'exec', labNetns,
    'dnsmasq', '--keep-in-foreground', '--conf-file=/dev/null', '--port=0', '--bind-interfaces', `--interface=${bridge}`, '--except-interface=lo',
    '--enable-ra', `--dhcp-range=::,constructor:${bridge},ra-only,64`, `--ra-param=${bridge},10`,
    '--pid-file', '--user=root', '--log-dhcp', '--log-facility=-',
  ];
  const s = startDetached(`ra server link ${link}`, argv, logFile);
  record(s);
  // dnsmasq logs "router advertisement on PREFIX" once it advertises
  await waitForLogLine(logFile, s, /router advertisement on/, timeoutMs);
  return s;
}

/** Expands an IPv6 address to 8 groups of 4 hex digits. */
function expand6(a: string): string[] {
  const [head, tail] = a.split('::');
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const fill = a.includes('::') ? Array(8 - h.length - t.length).fill('0') : [];
  return [...h, ...fill, ...t].map((g) => g.padStart(4, '0'));
}

const compress6 = (groups: string[]) => groups.map((g) => g.replace(/^0{1,3}/, '')).join(':').replace(/(^|:)0(:0)+(:|$)/, '::');

/** The global IPv6 address SLAAC formed on ifname in ns (past DAD: usable), awaited on `ip monitor` events (bounded). */
function slaacAddress(ns: string, ifname: string, timeoutMs: number): Promise<string> {
  const read = async () => /inet6 ([0-9a-f:]+)\/64 scope global/.exec((await runCommand(['ip', '-n', ns, '-6', '-o', 'addr', 'show', 'dev', ifname, 'scope', 'global', '-tentative'])).stdout)?.[1];
  return new Promise((resolve, reject) => {
    const mon = spawn('ip', ['-n', ns, '-6', 'monitor', 'address'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let done = false;
    const finish = (e: Error | null, a?: string) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      mon.kill();
      if (e) reject(e);
      else resolve(a!);
    };
    const check = () => void read().then((a) => a && finish(null, a), (e: Error) => finish(e));
    const timer = setTimeout(() => finish(new Error(`no IPv6 address by RA on ${ifname} in ${ns} within ${timeoutMs} ms`)), timeoutMs);
    mon.stdout.on('data', check);
    mon.once('spawn', check); // one already formed before the monitor started
  });
}

/**
 * The router's WAN address on an RA link: the advertised /64 plus the host part of its config line
 * `ipv6 IF address ra-prefix@IF::N/64` (without such a line: the SLAAC address itself).
 */
export async function raWanAddress(ns: string, ifname: string, rtxInterface: string, config: string, timeoutMs = 15_000): Promise<string> {
  const slaac = await slaacAddress(ns, ifname, timeoutMs);
  const esc = rtxInterface.replace(/[/.]/g, '\\$&');
  const m = new RegExp(`^ipv6 ${esc} address ra-prefix@${esc}::([0-9a-fA-F:]+)/64\\s*$`, 'm').exec(config);
  if (!m) return slaac;
  const host = expand6(`::${m[1]}`).slice(4);
  const address = compress6([...expand6(slaac).slice(0, 4), ...host]);
  await addAddress(ns, ifname, `${address}/64`);
  return address;
}
