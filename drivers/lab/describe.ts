// How to reach each part of a running lab, for people (printed by `lab up`).
import type { LabState } from './lab-state.ts';

export function describeLab(s: LabState, stateFile: string): string[] {
  const out = [`lab ${s.id} up (${s.mode}) from ${s.topology}`];
  for (const r of s.routers) {
    out.push(`router ${r.name} (${r.role}, ${r.model} ${r.firmware})${r.netns ? ` in namespace ${r.netns}` : ''}`);
    out.push(`  ssh: ssh -p ${r.ssh.port} USER@${r.ssh.host}   (login users from its config)`);
    if (r.consolePty) out.push(`  console: ${r.consolePty}   (e.g. socat -,rawer ${r.consolePty})`);
    out.push(`  l2tp: ${r.wan.join(', ') || '-'}`);
    for (const [port, where] of Object.entries(r.lan)) out.push(`  ${port}: ${where}`);
    out.push(`  log: ${r.log}`);
  }
  for (const h of s.hosts) {
    out.push(`host ${h.name}: ip netns exec ${h.netns} ...   (${h.iface} ${h.addresses.join(' ') || 'no address'})`);
    for (const n of h.notes) out.push(`  note: ${n}`);
  }
  out.push(`stop with: l2tpv3-conformance lab down --state ${stateFile}`);
  return out;
}
