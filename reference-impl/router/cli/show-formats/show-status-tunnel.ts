// `show status tunnel N`. The Japanese form is the real RTX1100 output of facts §3.6 (an IPsec
// tunnel); everything the digest marks NOT FOUND is a named assumption below.

import type { Language } from '../../../config/index.ts';
import type { Traffic, TunnelInterfaceStatus } from '../../device.ts';
import { formatDateTime, splitDuration } from '../time-format.ts';

// ASSUMPTION: the "インタフェースの種類" label of L2TPv3 tunnels (NOT FOUND, facts §3.6).
export const INTERFACE_TYPE_LABEL: Readonly<Record<string, string>> = {
  'l2tpv3-raw': 'L2TPv3',
  l2tpv3: 'L2TPv3/IPsec',
  ipsec: 'IPsec',
};

// Japanese words: facts §3.6 (real) except `disconnected`, `duration` beyond minutes and the
// unconfigured label, which are ASSUMPTIONS. English words: ASSUMPTION throughout (NOT FOUND, facts §3.6).
const WORDS = {
  ja: {
    description: '説明:',
    type: 'インタフェースの種類',
    connected: 'トンネルインタフェースは接続されています',
    disconnected: 'トンネルインタフェースは接続されていません',
    start: '開始',
    duration: '通信時間',
    rx: '受信',
    tx: '送信',
    notConfigured: '未設定',
    traffic: (t: Traffic) => `${t.packets} パケット [${t.octets} オクテット]`,
    elapsed: (ms: number) => {
      const d = splitDuration(ms);
      return `${d.days ? `${d.days}日` : ''}${d.hours ? `${d.hours}時間` : ''}${d.minutes}分${d.seconds}秒`;
    },
  },
  en: {
    description: 'Description:',
    type: 'Interface type',
    connected: 'Current status is Online.',
    disconnected: 'Current status is Offline.',
    start: 'from',
    duration: 'Connection time',
    rx: 'Received',
    tx: 'Transmitted',
    notConfigured: 'Not configured',
    traffic: (t: Traffic) => `${t.packets} packets [${t.octets} octets]`,
    elapsed: (ms: number) => {
      const d = splitDuration(ms);
      return `${d.days ? `${d.days}days ` : ''}${d.hours}:${String(d.minutes).padStart(2, '0')}:${String(d.seconds).padStart(2, '0')}`;
    },
  },
};

export function showStatusTunnelLines(s: TunnelInterfaceStatus, nowMs: number, offsetMinutes: number, lang: Language): string[] {
  const w = WORDS[lang];
  const sep = ': ';
  const type = s.encapsulation === null ? w.notConfigured : (INTERFACE_TYPE_LABEL[s.encapsulation] ?? s.encapsulation);
  const lines = [`TUNNEL[${s.tunnel}]:`, w.description, `  ${w.type}${sep}${type}`, `  ${s.connected ? w.connected : w.disconnected}`];
  if (s.connected && s.upSinceMs !== undefined) {
    lines.push(`  ${w.start}${sep}${formatDateTime(s.upSinceMs, offsetMinutes)}`);
    lines.push(`  ${w.duration}${sep}${w.elapsed(nowMs - s.upSinceMs)}`);
  }
  // facts §3.6: the IPv6 row is aligned under the IPv4 row
  const block = (label: string, t: { ipv4: Traffic; ipv6: Traffic }) => {
    const head = `  ${label}${sep}`;
    const indent = ' '.repeat([...head].reduce((n, ch) => n + (ch.charCodeAt(0) > 0xff ? 2 : 1), 0));
    return [`${head}(IPv4) ${w.traffic(t.ipv4)}`, `${indent}(IPv6) ${w.traffic(t.ipv6)}`];
  };
  return [...lines, ...block(w.rx, s.rx), ...block(w.tx, s.tx)];
}
