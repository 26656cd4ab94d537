// What a capture reader shows of an ISAKMP message: the header fields and, per payload, the
// values a reader (and tshark's field list) looks at. Built from the ISAKMP codec's decoded
// payloads (isakmp/, helper "ike"); this file only chooses what to show and how to name it.
import { EXCHANGE, notifyName, PAYLOAD } from './isakmp/constants.ts';
import type { IsakmpHeader } from './isakmp/message.ts';
import { payloadType, type Payload } from './isakmp/payloads.ts';
import { vendorIdName } from './isakmp/vendor-ids.ts';

export interface IsakmpHeaderSummary {
  icookie: string;
  rcookie: string;
  exchange: number;
  exchangeName: string;
  flags: number;
  messageId: number;
  length: number;
}

export interface IsakmpPayloadSummary {
  /** Payload type number (RFC 2408 §3.1, RFC 3947). */
  type: number;
  name: string;
  /** Type-specific values, already in display form. */
  fields: Record<string, string | number>;
  /** SA payloads: proposals and their transforms (RFC 2408 §3.5, §3.6). */
  proposals?: { number: number; protocolId: number; spi: string; transforms: { number: number; transformId: number }[] }[];
}

const EXCHANGE_NAMES: Record<number, string> = {
  [EXCHANGE.base]: 'Base',
  [EXCHANGE.identityProtection]: 'Identity Protection (Main Mode)',
  [EXCHANGE.authenticationOnly]: 'Authentication Only',
  [EXCHANGE.aggressive]: 'Aggressive',
  [EXCHANGE.informational]: 'Informational',
  [EXCHANGE.quick]: 'Quick Mode',
  [EXCHANGE.newGroup]: 'New Group',
};

const PAYLOAD_NAMES: Record<number, string> = {
  [PAYLOAD.sa]: 'SA', [PAYLOAD.ke]: 'KE', [PAYLOAD.id]: 'ID', [PAYLOAD.cert]: 'CERT', [PAYLOAD.certReq]: 'CR',
  [PAYLOAD.hash]: 'HASH', [PAYLOAD.sig]: 'SIG', [PAYLOAD.nonce]: 'NONCE', [PAYLOAD.notification]: 'N', [PAYLOAD.delete]: 'D',
  [PAYLOAD.vendorId]: 'VID', [PAYLOAD.natD]: 'NAT-D', [PAYLOAD.natOa]: 'NAT-OA', [PAYLOAD.natDDraft]: 'NAT-D(draft)', [PAYLOAD.natOaDraft]: 'NAT-OA(draft)',
};

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

export function summarizeHeader(h: IsakmpHeader): IsakmpHeaderSummary {
  return {
    icookie: hex(h.icookie), rcookie: hex(h.rcookie), exchange: h.exchange,
    exchangeName: EXCHANGE_NAMES[h.exchange] ?? `exchange ${h.exchange}`, flags: h.flags, messageId: h.messageId, length: h.length,
  };
}

export function summarizePayload(p: Payload): IsakmpPayloadSummary {
  const type = payloadType(p);
  const s: IsakmpPayloadSummary = { type, name: PAYLOAD_NAMES[type] ?? `payload ${type}`, fields: {} };
  switch (p.kind) {
    case 'sa':
      s.fields = { doi: p.doi, situation: p.situation };
      s.proposals = p.proposals.map((pr) => ({
        number: pr.number, protocolId: pr.protocolId, spi: hex(pr.spi),
        transforms: pr.transforms.map((t) => ({ number: t.number, transformId: t.transformId })),
      }));
      break;
    case 'ke': case 'hash': case 'nonce': case 'natD':
      s.fields = { length: p.data.length };
      break;
    case 'vendorId': {
      const known = vendorIdName(p.data);
      s.fields = known ? { vendor: known, data: hex(p.data) } : { data: hex(p.data) };
      break;
    }
    case 'id':
      s.fields = { idType: p.idType, protocolId: p.protocolId, port: p.port, data: idText(p.idType, p.data) };
      break;
    case 'notification':
      s.fields = { notifyType: p.notifyType, notify: upperKebab(notifyName(p.notifyType)), protocolId: p.protocolId, spi: hex(p.spi), ...(p.data.length ? { data: hex(p.data) } : {}) };
      break;
    case 'delete':
      s.fields = { protocolId: p.protocolId, spis: p.spis.map(hex).join(',') };
      break;
    case 'natOa':
      s.fields = { idType: p.idType, address: idText(p.idType === 2 ? 5 : 1, p.address) };
      break;
    case 'raw':
      s.fields = { length: p.body.length };
      break;
  }
  return s;
}

/** The codec's camelCase names in the RFCs' spelling: initialContact -> INITIAL-CONTACT, rUThere -> R-U-THERE. */
function upperKebab(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').replace(/([A-Z])([A-Z])/g, '$1-$2').toUpperCase();
}

/** ID data as text: addresses dotted / RFC 5952-ish, names as text (RFC 2407 §4.6.2.1), else hex. */
function idText(idType: number, d: Uint8Array): string {
  if (idType === 1 && d.length === 4) return Array.from(d).join('.');
  if (idType === 5 && d.length === 16) {
    const g: string[] = [];
    for (let i = 0; i < 16; i += 2) g.push(((d[i] << 8) | d[i + 1]).toString(16));
    return g.join(':');
  }
  if ((idType === 2 || idType === 3 || idType === 11) && d.every((c) => c >= 0x20 && c < 0x7f)) return String.fromCharCode(...d);
  return hex(d);
}

/** One payload in a line: `SA(prop 1 ESP spi=c53c1f8b: xf 1 id=12)`, `N(INITIAL-CONTACT)`, ... */
export function formatPayloadSummary(s: IsakmpPayloadSummary): string {
  if (s.proposals) {
    const props = s.proposals.map((p) => `prop ${p.number} proto=${p.protocolId}${p.spi ? ` spi=${p.spi}` : ''}: ${p.transforms.map((t) => `xf ${t.number} id=${t.transformId}`).join(' ')}`);
    return `${s.name}(${props.join('; ')})`;
  }
  const f = s.fields;
  if (s.type === PAYLOAD.notification) return `${s.name}(${f.notify}${f.spi ? ` spi=${f.spi}` : ''})`;
  if (s.type === PAYLOAD.id) return `${s.name}(type=${f.idType} proto=${f.protocolId} port=${f.port} ${f.data})`;
  if (s.type === PAYLOAD.delete) return `${s.name}(proto=${f.protocolId} spi=${f.spis})`;
  if (s.type === PAYLOAD.vendorId) return `${s.name}(${f.vendor ?? f.data})`;
  const parts = Object.entries(f).map(([k, v]) => `${k}=${v}`);
  return parts.length ? `${s.name}(${parts.join(' ')})` : s.name;
}
