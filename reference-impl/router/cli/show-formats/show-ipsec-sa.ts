// `show ipsec sa`. ASSUMPTION 'show-ipsec-sa-format' (router/ipsec/ipsec-assumptions.ts): the
// output format is not in the digest; this table (a total line, then one row per SA: number,
// gateway, the ISAKMP SA an ESP SA belongs to, connection, direction, remaining life, peer) is the
// emulator's, shaped after the usual RTX layout so a reader finds what they expect.
import type { IpsecSaStatus } from '../../ipsec/ipsec-host.ts';

export function showIpsecSaLines(sas: readonly IpsecSaStatus[], nowMs: number): string[] {
  const isakmp = sas.filter((s) => s.kind === 'isakmp');
  const count = (d: 'send' | 'recv') => sas.filter((s) => s.direction === d).length;
  const lines = [`Total: isakmp:${isakmp.length} send:${count('send')} recv:${count('recv')}`, '', 'sa   sgw isakmp connection      dir  life[s] remote-id', '-'.repeat(64)];
  sas.forEach((s, i) => {
    const owner = s.kind === 'esp' ? isakmp.findIndex((k) => k.gateway === s.gateway) : -1;
    const conn = s.kind === 'isakmp' ? 'isakmp' : `tra[${String(s.tunnel ?? 0).padStart(4, '0')}]esp`;
    const life = Math.max(0, Math.floor((s.expiresAtMs - nowMs) / 1000));
    const cols = [String(i + 1).padEnd(4), String(s.gateway).padEnd(3), (owner >= 0 ? String(owner + 1) : '-').padEnd(6), conn.padEnd(15), (s.direction ?? '-').padEnd(4), String(life).padEnd(7), s.peer];
    lines.push(cols.join(' '));
  });
  return lines;
}
