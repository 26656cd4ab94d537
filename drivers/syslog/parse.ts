// Syslog datagrams -> messages. Our own small parser (no maintained library is among the
// project's dependencies): RFC 5424 (`<PRI>1 TIMESTAMP HOST APP PROCID MSGID SD MSG`), RFC 3164
// (`<PRI>Mmm dd hh:mm:ss HOST TAG: MSG`), and the bare `<PRI>MSG` a sender without timestamp and
// hostname produces — which RFC 3164 §4.3.3 tells a receiver to accept, and which is the form the
// emulated RTX sends (its SYSLOG_WIRE_ASSUMPTIONS; a real RTX's form is to be recorded).
// A datagram that is none of these is a SyslogParseError; the collector keeps it raw.

export type SyslogFormat = 'rfc5424' | 'rfc3164' | 'bare';

export interface SyslogMessage {
  format: SyslogFormat;
  /** RFC 5424 §6.2.1 / RFC 3164 §4.1.1: PRI = facility * 8 + severity */
  facility: number;
  severity: number;
  /** as written in the datagram (RFC 3339 for 5424, `Mmm dd hh:mm:ss` for 3164) */
  timestamp?: string;
  hostname?: string;
  /** RFC 5424 APP-NAME, or the RFC 3164 TAG without its `[pid]` */
  appName?: string;
  procId?: string;
  msgId?: string;
  /** RFC 5424 STRUCTURED-DATA as written (undefined for the NILVALUE `-`) */
  structuredData?: string;
  message: string;
}

export class SyslogParseError extends Error {
  constructor(
    readonly reason: string,
    /** the datagram as text (shown cut to 120 characters in the message) */
    readonly raw: string,
  ) {
    super(`not a syslog message: ${reason}: ${JSON.stringify(raw.length > 120 ? raw.slice(0, 120) + '…' : raw)}`);
    this.name = 'SyslogParseError';
  }
}

// RFC 5424 §6.2.1 / RFC 3164 §4.1.1: PRI is 1-3 digits, 0..191, no leading zero except `<0>`
const PRI = /^<(0|[1-9]\d{0,2})>/;
// RFC 3164 §4.1.2: `Mmm dd hh:mm:ss`, a day below 10 padded with a space
const RFC3164_TIMESTAMP = /^(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) ( \d|[1-3]\d) ([01]\d|2[0-3]):[0-5]\d:[0-5]\d(?= )/;
// RFC 5424 §6.2.3 TIMESTAMP (RFC 3339 subset) or NILVALUE
const RFC5424_TIMESTAMP = /^(-|\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2}))$/;
const NIL = '-';
const BOM = '\ufeff';

export function parseSyslog(datagram: Uint8Array | string): SyslogMessage {
  const raw = typeof datagram === 'string' ? datagram : new TextDecoder('utf-8').decode(datagram);
  const text = raw.replace(/[\r\n\0]+$/, '');
  const m = PRI.exec(text);
  if (!m) throw new SyslogParseError('no <PRI> at the start (RFC 5424 §6.2.1)', raw);
  const pri = Number(m[1]);
  if (pri > 191) throw new SyslogParseError(`PRI ${pri} is above 191 (RFC 5424 §6.2.1)`, raw);
  const head = { facility: Math.floor(pri / 8), severity: pri % 8 };
  const rest = text.slice(m[0].length);
  if (/^1 /.test(rest)) return { ...head, ...parse5424(rest.slice(2), raw) };
  const ts = RFC3164_TIMESTAMP.exec(rest);
  if (ts) return { ...head, ...parse3164(ts[0], rest.slice(ts[0].length + 1)) };
  return { ...head, format: 'bare', message: rest };
}

function parse3164(timestamp: string, rest: string): Omit<SyslogMessage, 'facility' | 'severity'> {
  // HOSTNAME then MSG; MSG starts with a TAG of up to 32 alphanumerics, then `[pid]`/`:`/space
  const sp = rest.indexOf(' ');
  const hostname = sp < 0 ? rest : rest.slice(0, sp);
  const msg = sp < 0 ? '' : rest.slice(sp + 1);
  const tag = /^([A-Za-z0-9_./-]{1,32})(?:\[([^\]]*)\])?: ?/.exec(msg);
  if (!tag) return { format: 'rfc3164', timestamp, hostname, message: msg };
  return { format: 'rfc3164', timestamp, hostname, appName: tag[1], procId: tag[2], message: msg.slice(tag[0].length) };
}

function parse5424(rest: string, raw: string): Omit<SyslogMessage, 'facility' | 'severity'> {
  const fields: string[] = [];
  let at = 0;
  for (let i = 0; i < 5; i++) {
    const sp = rest.indexOf(' ', at);
    if (sp < 0) throw new SyslogParseError(`RFC 5424 header ends after ${i + (rest.slice(at) ? 1 : 0)} of TIMESTAMP HOSTNAME APP-NAME PROCID MSGID (§6)`, raw);
    fields.push(rest.slice(at, sp));
    at = sp + 1;
  }
  const [timestamp, hostname, appName, procId, msgId] = fields;
  if (!RFC5424_TIMESTAMP.test(timestamp)) throw new SyslogParseError(`RFC 5424 TIMESTAMP '${timestamp}' is not RFC 3339 or '-' (§6.2.3)`, raw);
  const { sd, end } = structuredData(rest, at, raw);
  let message = rest.slice(end).replace(/^ /, '');
  if (message.startsWith(BOM)) message = message.slice(1);
  const opt = (v: string) => (v === NIL ? undefined : v);
  return { format: 'rfc5424', timestamp: opt(timestamp), hostname: opt(hostname), appName: opt(appName), procId: opt(procId), msgId: opt(msgId), structuredData: sd, message };
}

/** RFC 5424 §6.3: `-` or one or more `[SD-ID PARAM="VALUE"...]`, `\]` `\"` `\\` escaped in values. */
function structuredData(s: string, start: number, raw: string): { sd?: string; end: number } {
  if (s[start] === NIL && (s.length === start + 1 || s[start + 1] === ' ')) return { end: start + 1 };
  if (s[start] !== '[') throw new SyslogParseError(`RFC 5424 STRUCTURED-DATA must be '-' or start with '[' (§6.3)`, raw);
  let i = start;
  while (s[i] === '[') {
    let inValue = false;
    for (i++; i < s.length; i++) {
      const c = s[i];
      if (inValue && c === '\\') i++;
      else if (c === '"') inValue = !inValue;
      else if (c === ']' && !inValue) break;
    }
    if (i >= s.length) throw new SyslogParseError('RFC 5424 STRUCTURED-DATA element not closed by ] (§6.3)', raw);
    i++;
  }
  return { sd: s.slice(start, i), end: i };
}
