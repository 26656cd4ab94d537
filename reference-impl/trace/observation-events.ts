// Syslog lines, frames at a port and CLI outputs as trace events (control messages:
// control-event.ts). Pure: the harness hands over what it received, with its time.
import { createHash } from 'node:crypto';
import { decodeEthernetHeader, formatMacAddress } from '../l2tpv3/ethernet-frame.ts';
import { toHex } from '../l2tpv3/wire.ts';
import { traceEvent, type TraceEvent, type TraceField } from './trace-event.ts';

/** RFC 5424 §6.2.1 severity names. */
const SEVERITY = ['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug'] as const;

/**
 * A syslog line: severity and text are each a field (a wrong severity is a changed value). The
 * facility is left out: no document gives RTX's, so nothing could predict it.
 */
export function syslogEvent(severity: number | undefined, text: string, t: number, at = 'collector'): TraceEvent {
  const sev = severity === undefined ? 'missing' : `${SEVERITY[severity & 7]}(${severity & 7})`;
  return traceEvent('syslog', t, at, 'syslog', [{ name: 'severity', value: sev }, { name: 'text', value: text }]);
}

export interface FrameEventOptions {
  /** Up to this many octets the payload is kept whole; above, its SHA-256 (first 16 hex digits) and length. */
  inlineBytes?: number;
}

/** An Ethernet frame seen at `port`: decoded header fields, then the payload (bytes or hash). */
export function frameEvent(port: string, frame: Uint8Array, t: number, opts: FrameEventOptions = {}): TraceEvent {
  const h = decodeEthernetHeader(frame);
  if (!h.ok) return traceEvent('frame', t, port, 'frame', [{ name: 'error', value: h.error.detail }, { name: 'octets', value: toHex(frame) }]);
  const v = h.value;
  const fields: TraceField[] = [
    { name: 'dst', value: formatMacAddress(v.dst) },
    { name: 'src', value: formatMacAddress(v.src) },
    ...v.vlans.map((tag, i) => ({ name: `vlan ${i + 1}`, value: `tpid 0x${tag.tpid.toString(16)} pcp ${tag.pcp} dei ${tag.dei ? 1 : 0} id ${tag.id}` })),
    { name: 'ethertype', value: `0x${v.etherType.toString(16).padStart(4, '0')}` },
    { name: 'length', value: String(frame.length) },
  ];
  const payload = frame.subarray(v.headerLength);
  const inline = opts.inlineBytes ?? 64;
  fields.push(payload.length <= inline
    ? { name: 'payload', value: toHex(payload) }
    : { name: 'payload sha256', value: createHash('sha256').update(payload).digest('hex').slice(0, 16) });
  return traceEvent('frame', t, port, 'frame', fields);
}

/** A CLI command and its output lines (one field per line, so a diff names the line). */
export function cliEvent(command: string, output: readonly string[], t: number, at = 'cli'): TraceEvent {
  return traceEvent('cli', t, at, command, output.map((value, i) => ({ name: `line ${i + 1}`, value })));
}
