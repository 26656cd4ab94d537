// strongSwan charon inside the QEMU guest, with the guest kernel's XFRM doing transport ESP (in
// UDP 4500: the emulated router carries L2TP only in ESP-in-UDP, and swanctl `encap = yes` forces
// it; ipsec-facts.md). The strongswan.conf and swanctl.conf are the host interop tests' own
// (tests/interop/strongswan), so the guest's charon is configured exactly as the one that checks
// the oracle's keys there. The files live in a tmpfs of the guest; the PSK is a throwaway one of
// those tests and is never printed (the scripts are sent base64 over the command channel, not echoed).
import { strongswanConf } from '../strongswan/charon.ts';
import { swanctlConf, type Scenario } from '../strongswan/scenario.ts';

export const GUEST_IPSEC_DIR = '/tmp/ipsec';
const VICI = `unix://${GUEST_IPSEC_DIR}/charon.vici`;

/** Main mode, charon initiating, the router (oracle) responding; aes128-sha1-modp1024, ESP aes128-sha1. */
export const MAIN_MODE: Scenario = { exchange: 'main', oracle: 'responder' };

/** Bash for the guest: write the configs, start charon in the background, load the connection. */
export function startCharonScript(s: Scenario, router: string, guest: string): string {
  return [
    'set -e',
    `mkdir -p ${GUEST_IPSEC_DIR}`,
    `cat > ${GUEST_IPSEC_DIR}/strongswan.conf <<'EOF'\n${strongswanConf(GUEST_IPSEC_DIR)}EOF`,
    `umask 077; cat > ${GUEST_IPSEC_DIR}/swanctl.conf <<'EOF'\n${swanctlConf(s, {}, router, guest)}EOF`,
    `export STRONGSWAN_CONF=${GUEST_IPSEC_DIR}/strongswan.conf`,
    `setsid /usr/lib/ipsec/charon </dev/null >${GUEST_IPSEC_DIR}/charon.out 2>&1 &`,
    `echo $! > ${GUEST_IPSEC_DIR}/charon.pid`,
    // Bounded: charon creates its vici socket within a few seconds even under TCG; no inotify tool here.
    `for i in $(seq 1 300); do [ -S ${GUEST_IPSEC_DIR}/charon.vici ] && break; sleep 0.1; done`,
    `swanctl --load-all --noprompt --file ${GUEST_IPSEC_DIR}/swanctl.conf --uri ${VICI}`,
  ].join('\n');
}

/** Bash for the guest: stop charon (bounded wait for it to go) and clear the kernel's SAs and policies. */
export const STOP_CHARON = [
  `if [ -f ${GUEST_IPSEC_DIR}/charon.pid ]; then pid=$(cat ${GUEST_IPSEC_DIR}/charon.pid); kill "$pid" 2>/dev/null`,
  '  for i in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done; fi',
  `rm -rf ${GUEST_IPSEC_DIR}; ip xfrm policy flush; ip xfrm state flush`,
].join('\n');

/** Aggressive mode with FQDN, charon (the dynamic side) initiating, the router (`remote address any`) responding. */
export const AGGRESSIVE_MODE: Scenario = { exchange: 'aggressive', idType: 'fqdn', oracle: 'responder' };

/** Bash for the guest: phase 1 + quick mode now; swanctl returns when the CHILD_SA is up (or failed). */
export function initiateScript(timeoutS: number): string {
  return `swanctl --initiate --child l2tp --timeout ${timeoutS} --uri ${VICI}`;
}

/** The lines of charon's file log worth showing on failure (no key dumps: those are hex blocks). */
export const CHARON_LOG_TAIL = `grep -v -E '^\\S*\\s+[0-9]+: ' ${GUEST_IPSEC_DIR}/charon.log | grep -v -i -E 'key|secret|nonce' | tail -40`;

export interface XfrmSa {
  src: string;
  dst: string;
  spi: string;
  mode: string;
  encap?: string;
  packets: number;
}

/** `ip -s xfrm state` output, one entry per ESP SA. */
export function parseXfrmStates(text: string): XfrmSa[] {
  const out: XfrmSa[] = [];
  for (const block of text.split(/\n(?=src )/)) {
    const head = /^src (\S+) dst (\S+)\s+proto esp spi (0x[0-9a-f]+)[^\n]*?mode (\w+)/m.exec(block);
    if (!head) continue;
    const encap = /encap type (\S+) sport (\d+) dport (\d+)/.exec(block);
    const stats = /lifetime current:\s*\n\s*(\d+)\(bytes\), (\d+)\(packets\)/.exec(block);
    out.push({ src: head[1], dst: head[2], spi: head[3], mode: head[4], encap: encap ? `${encap[1]} ${encap[2]}->${encap[3]}` : undefined, packets: stats ? Number(stats[2]) : 0 });
  }
  return out;
}
