// The syslog catalogue of the seed document (section SYSLOGメッセージ一覧), once.
// The oracle renders these lines; syslog matchers build their patterns from the same
// templates. Text, spelling ("opend") and levels are the seed's, verbatim.
//
// Placeholders: {tunnel} is the tunnel interface number inside TUNNEL[XX]; {tunnelId},
// {sessionId}, {address}, {message}, {version}, {size} stand for the seed's
// "トンネル番号", "セッション番号", "IPアドレス", "L2TP制御メッセージ", "ver.XX", "size:XX".
// How the firmware prints each of them (decimal or hex, which ID) is not documented:
// see SYSLOG_RENDERING_ASSUMPTIONS.

export type SyslogLevel = 'INFO' | 'DEBUG';

export interface CatalogueEntry {
  level: SyslogLevel;
  template: string;
  /** The seed's explanation (意味), kept so reports can show it next to the line. */
  meaning: string;
}

// seed: SYSLOGメッセージ一覧
export const SYSLOG_CATALOGUE = {
  portOpened: { level: 'INFO', template: '[L2TP] opend port 1701/udp', meaning: 'UDPのポート番号1701を開放' },
  portClosed: { level: 'INFO', template: '[L2TP] closed port 1701/udp', meaning: 'UDPのポート番号1701を閉鎖' },
  connectedFrom: { level: 'INFO', template: '[L2TPv3] TUNNEL[{tunnel}] connected from {address}', meaning: 'コネクション確立要求(SCCRQ)を受信' },
  connectTo: { level: 'INFO', template: '[L2TPv3] TUNNEL[{tunnel}] connect to {address}', meaning: 'コネクション確立要求(SCCRQ)を送信' },
  tunnelEstablished: { level: 'INFO', template: '[L2TPv3] TUNNEL[{tunnel}] tunnel {tunnelId} established', meaning: 'L2TPトンネルが確立' },
  sessionEstablished: { level: 'INFO', template: '[L2TPv3] TUNNEL[{tunnel}] session {sessionId} established', meaning: 'L2TPセッションが確立' },
  disconnectingTunnel: { level: 'INFO', template: '[L2TPv3] TUNNEL[{tunnel}] disconnecting tunnel {tunnelId}', meaning: 'L2TPトンネルの切断処理を実行中' },
  tunnelDisconnectComplete: { level: 'INFO', template: '[L2TPv3] TUNNEL[{tunnel}] disconnect tunnel {tunnelId} complete', meaning: 'L2TPトンネルの削除が完了' },
  sessionDisconnectComplete: { level: 'INFO', template: '[L2TPv3] TUNNEL[{tunnel}] disconnect session {sessionId} complete', meaning: 'L2TPセッションの削除が完了' },
  stateTimerExpired: { level: 'INFO', template: '[L2TPv3] TUNNEL[{tunnel}] state timer for waiting {message} expired', meaning: 'L2TP制御メッセージの受信待ちタイマーが満了したため、L2TPトンネルの切断処理を開始' },
  disconnectTimerExpired: { level: 'INFO', template: '[L2TPv3] TUNNEL[{tunnel}] disconnect timer expired tunnel {tunnelId}', meaning: 'L2TP切断タイマーが満了したため、L2TPトンネルの切断処理を開始' },
  keepaliveTimerExpired: { level: 'INFO', template: '[L2TPv3] TUNNEL[{tunnel}] keepalive timer expired tunnel {tunnelId}', meaning: 'L2TPキープアライブで接続先のダウンを検出したため、L2TPトンネルの切断処理を開始' },
  authenticationError: { level: 'INFO', template: '[L2TPv3] TUNNEL[{tunnel}] authentication error tunnel {tunnelId}', meaning: 'L2TPトンネル認証エラーにより、L2TPトンネルの切断処理を開始' },
  cantFindTunnel: { level: 'DEBUG', template: "[L2TPv3] can't find tunnel number", meaning: '接続を受けるためのトンネルインターフェースがみつからない' },
  wrongHeader: { level: 'DEBUG', template: '[L2TPv3] receive wrong header', meaning: '不正なL2TPヘッダを含むL2TPメッセージを受信' },
  routerIdMismatched: { level: 'DEBUG', template: '[L2TPv3] router-id mismatched tunnel', meaning: '受信したRouter ID AVPの内容とl2tp remote route-idコマンドの設定値が不一致' },
  remoteEndIdNotExist: { level: 'DEBUG', template: '[L2TPv3] remote end-id not exist', meaning: 'Remote End ID AVPが含まれないICRQメッセージを受信' },
  remoteEndIdMismatched: { level: 'DEBUG', template: '[L2TPv3] remote end-id mismatched', meaning: 'Remote End ID AVPの内容とl2tp remote end-idコマンドの設定値が不一致' },
  tunnelStateMismatch: { level: 'DEBUG', template: '[L2TPv3] tunnel state mismatch {message}', meaning: 'L2TPトンネルの確立シーケンスの中で適切でないL2TPメッセージを受信' },
  sessionStateMismatch: { level: 'DEBUG', template: '[L2TPv3] session state mismatch {message}', meaning: 'L2TPセッションの確立シーケンスの中で適切でないL2TPメッセージを受信' },
  tieBreakingTunnel: { level: 'DEBUG', template: '[L2TPv3] tie breaking tunnel {tunnelId}', meaning: 'L2TPトンネルの確立シーケンスの中で、タイブレークによりトンネルを切断' },
  tieBreakingSession: { level: 'DEBUG', template: '[L2TPv3] tie breaking session {sessionId}', meaning: 'L2TPセッションの確立シーケンスの中で、タイブレークによりトンネルを切断' },
  avpAttrTypeIllegal: { level: 'DEBUG', template: '[L2TPv3] AVP attr type illegal', meaning: '不正なタイプのAVPが含まれたL2TPメッセージを受信' },
  wrongVersionHeader: { level: 'DEBUG', template: '[L2TP] wrong version header ver.{version}', meaning: '未対応のL2TPバージョンのメッセージを受信' },
  tooSmallPacket: { level: 'DEBUG', template: '[L2TP] receive too small packet size:{size}', meaning: '必要な長さを満たさないL2TPメッセージを受信' },
  avpsCheckError: { level: 'DEBUG', template: '[L2TP] AVPs check error', meaning: '解析不能なAVPを受信' },
} as const satisfies Record<string, CatalogueEntry>;

export type SyslogId = keyof typeof SYSLOG_CATALOGUE;
export type SyslogArgs = Readonly<Record<string, string | number>>;

/**
 * ASSUMPTION: the seed gives placeholders (XX, トンネル番号, ...) but not how they are
 * printed. We print numbers in decimal without padding (third-party RTX logs show
 * `TUNNEL[1]`), the version as a plain number (`ver.2`) and the size in octets.
 * A firmware profile may override these once a real router has been observed.
 */
export const SYSLOG_RENDERING_ASSUMPTIONS = {
  numberFormat: 'decimal',
} as const;

const PLACEHOLDER = /\{(\w+)\}/g;

export function placeholders(id: SyslogId): string[] {
  return [...SYSLOG_CATALOGUE[id].template.matchAll(PLACEHOLDER)].map((m) => m[1]);
}

/** The exact line the router logs for this catalogue entry. */
export function renderSyslog(id: SyslogId, args: SyslogArgs = {}): string {
  return SYSLOG_CATALOGUE[id].template.replace(PLACEHOLDER, (_, name: string) => {
    const v = args[name];
    if (v === undefined) throw new Error(`syslog ${id}: missing argument '${name}'`);
    return String(v);
  });
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * A pattern matching the entry's line anywhere in a syslog message; placeholders
 * given in `args` must match exactly, the others match one token.
 */
export function syslogPattern(id: SyslogId, args: SyslogArgs = {}): RegExp {
  const parts = SYSLOG_CATALOGUE[id].template.split(PLACEHOLDER);
  let src = '';
  parts.forEach((part, i) => {
    if (i % 2 === 0) src += escapeRegExp(part);
    else src += args[part] !== undefined ? escapeRegExp(String(args[part])) : '(\\S+)';
  });
  return new RegExp(src + '$');
}
