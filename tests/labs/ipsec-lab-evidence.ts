// Reading a lab's WAN capture (`lab up --capture DIR`) with tshark, without and with the routers'
// key log (`lab up --key-log DIR`; ipsec-facts.md "Wireshark/tshark 4.0"), for the seed's
// L2TPv3/IPsec examples 4-8 in namespaces (issue 15 "What must be shown" 2). Keys are handed to
// tshark as arguments only: never printed, never attached.
import { expect } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { parseKeyLog, tsharkKeyArgs } from '../../reference-impl/ipsec/key-log.ts';

/**
 * RTX's L2TPv3 sessions here carry no cookie and no L2-Specific Sublayer, and the pseudowire type
 * is not carried over from the ICRQ into tshark's view of data messages inside ESP (seen: "Pseudowire
 * Type: Unknown (0)"), so data payloads are decoded as Ethernet explicitly.
 */
const L2TP_PREFS = ['-o', 'l2tp.cookie_size:0', '-o', 'l2tp.l2_specific:None', '-d', 'l2tp.pw_type==0,eth'];

/** tshark fields of the frames matching `filter` (every occurrence joined by `|`). */
export function tsharkRows(file: string, keys: readonly string[], filter: string, fields: readonly string[]): string[][] {
  const args = ['-r', file, ...keys, ...L2TP_PREFS, '-Y', filter, '-T', 'fields', '-E', 'occurrence=a', '-E', 'aggregator=|'];
  for (const f of fields) args.push('-e', f);
  const out = execFileSync('tshark', args, { encoding: 'utf8', timeout: 60_000, maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'pipe'] });
  return out.split('\n').filter((l) => l !== '').map((l) => l.split('\t'));
}

/** One line per frame (tshark's summary), for the report: no payloads, no keys. */
export function tsharkSummary(file: string, keys: readonly string[] = []): string {
  return execFileSync('tshark', ['-r', file, ...keys, ...L2TP_PREFS], { encoding: 'utf8', timeout: 60_000, maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** tshark's decryption options from every ROUTER.keys in DIR (one SA logged by both ends counts once). */
export function keyArgsFrom(dir: string): string[] {
  const lines = new Set<string>();
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.keys')).sort()) {
    for (const l of readFileSync(`${dir}/${f}`, 'utf8').split('\n')) if (l.trim() !== '') lines.add(l);
  }
  const parsed = parseKeyLog([...lines].join('\n'));
  if (parsed.errors.length > 0) throw new Error(`key logs in ${dir}: ${parsed.errors.map((e) => e.message).join('; ')}`);
  return tsharkKeyArgs(parsed.entries);
}

/** Processes whose command line names any of `marks` (a lab's namespace prefix, its directories). */
export function processesNaming(marks: readonly string[]): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    if (Number(pid) === process.pid) continue;
    let cmd: string;
    try {
      cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
    } catch {
      continue; // ended meanwhile
    }
    if (marks.some((m) => cmd.includes(m))) found.push(`${pid}: ${cmd.trim().slice(0, 200)}`);
  }
  return found;
}

/** tshark's reading of an ESP ICV it checked: good. */
export const icvGood = (v: string): boolean => v === '1' || v === 'True';

/**
 * The L2TPv3 control connection and session inside ESP, decrypted with `keys`: control messages
 * there, every ICV good, and SCCRQ, SCCRP, SCCCN, ICRQ, ICRP, ICCN among them.
 */
export function expectL2tpControlInsideEsp(pcap: string, keys: readonly string[]): void {
  const control = tsharkRows(pcap, keys, 'esp && l2tp.type == 1', ['l2tp.avp.message_type', 'esp.icv_good']);
  expect(control.length, 'L2TPv3 control messages inside ESP').toBeGreaterThan(0);
  expect(control.every((r) => icvGood(r[1])), 'every ICV checked good').toBe(true);
  const types = new Set(control.flatMap((r) => r[0].split('|').filter((x) => x !== '').map(Number)));
  for (const t of [1, 2, 3, 10, 11, 12]) expect(types, `message type ${t} (SCCRQ SCCRP SCCCN ICRQ ICRP ICCN) inside ESP`).toContain(t);
}
