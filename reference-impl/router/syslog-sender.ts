// Sends log lines over UDP to each `syslog host`, IPv4 or IPv6 (I/O side of syslog-format.ts).
import dgram from 'node:dgram';
import { isIPv6 } from 'node:net';
import { SYSLOG_WIRE_ASSUMPTIONS, syslogDatagram, type RouterLogLevel } from './syslog-format.ts';

export interface SyslogTarget {
  host: string;
  port: number;
}

/** `syslog host HOST` or, for unprivileged labs, `HOST:PORT` / `[V6]:PORT` (our extension). */
export function parseSyslogTarget(text: string): SyslogTarget {
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (v6) return { host: v6[1], port: v6[2] ? Number(v6[2]) : SYSLOG_WIRE_ASSUMPTIONS.port };
  const m = /^([^:]+):(\d+)$/.exec(text);
  if (m) return { host: m[1], port: Number(m[2]) };
  return { host: text, port: SYSLOG_WIRE_ASSUMPTIONS.port };
}

export class SyslogSender {
  private v4?: dgram.Socket;
  private v6?: dgram.Socket;

  send(targets: readonly SyslogTarget[], level: RouterLogLevel, text: string): void {
    if (targets.length === 0) return;
    const msg = syslogDatagram(level, text);
    for (const t of targets) {
      const sock = isIPv6(t.host) ? (this.v6 ??= this.open('udp6')) : (this.v4 ??= this.open('udp4'));
      sock.send(msg, t.port, t.host);
    }
  }

  private open(type: 'udp4' | 'udp6'): dgram.Socket {
    const s = dgram.createSocket(type);
    s.on('error', () => {
      /* a syslog collector that is not there must not stop the router */
    });
    s.unref();
    return s;
  }

  close(): void {
    this.v4?.close();
    this.v6?.close();
    this.v4 = this.v6 = undefined;
  }
}
