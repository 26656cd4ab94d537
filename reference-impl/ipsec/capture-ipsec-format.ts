// One line per IPsec frame for `decode --ipsec-keys`, in the tshark-like style of
// capture/capture-decoder.ts formatDecodedPacket: frame number, layer, endpoints, then what was
// read. Never prints key material (only SPIs, cookies and sequence numbers, which are on the wire).
import type { IpsecFrameInfo } from './capture-ipsec.ts';
import { formatPayloadSummary } from './isakmp-summary.ts';

const spiText = (spi: number): string => `0x${spi.toString(16).padStart(8, '0')}`;

export function formatIpsecFrame(f: IpsecFrameInfo): string {
  const ep = (a: string, port?: number): string => (port === undefined ? a : f.ipVersion === 6 ? `[${a}]:${port}` : `${a}:${port}`);
  const where = `${ep(f.src, f.srcPort)} > ${ep(f.dst, f.dstPort)}`;
  if (f.layer === 'nat-t') {
    if (f.status === 'nat-keepalive') return `${f.frame} UDP/4500 ${where} NAT-keepalive`;
    return `${f.frame} UDP/4500 ${where} malformed at offset ${f.offset}: ${f.reason}`;
  }
  if (f.layer === 'esp') {
    const head = `${f.frame} ${f.encapsulation === 'udp' ? 'ESP-in-UDP' : 'ESP'} ${where}${f.spi !== undefined ? ` spi=${spiText(f.spi)} seq=${f.sequence}` : ''}`;
    if (f.status === 'decrypted') return `${head} decrypted ${f.cipher}/${f.integrity} ICV ok next-header=${f.nextHeader}`;
    if (f.status === 'no-key') return `${head} not decrypted: no key for this SPI`;
    return `${head} rejected at offset ${f.error?.offset}: ${f.error?.kind}: ${f.error?.reason}`;
  }
  const proto = f.natT ? 'ISAKMP/4500' : 'ISAKMP';
  if (f.status === 'malformed' || !f.header) return `${f.frame} ${proto} ${where} malformed at offset ${f.offset}: ${f.reason}`;
  const h = f.header;
  const head = `${f.frame} ${proto} ${where} ${h.exchangeName} icookie=${h.icookie} rcookie=${h.rcookie} msgid=0x${h.messageId.toString(16).padStart(8, '0')}`;
  if (f.status === 'clear' || f.status === 'decrypted') {
    return `${head}${f.status === 'decrypted' ? ' decrypted' : ''} [${(f.payloads ?? []).map(formatPayloadSummary).join(', ')}]`;
  }
  if (f.status === 'undecryptable') return `${head} encrypted, could not decrypt: ${f.reason}`;
  return `${head} decryption failed${f.offset !== undefined ? ` at offset ${f.offset}` : ''}: ${f.reason}`;
}
