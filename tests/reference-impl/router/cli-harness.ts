// Test helper: a config-only router and one CLI session on it, driven synchronously.
import { MemoryDevice } from '../../../reference-impl/router/memory-device.ts';
import { CliSession } from '../../../reference-impl/router/cli/session.ts';
import type { CliTransport } from '../../../reference-impl/router/device.ts';

export const T0 = Date.UTC(2024, 0, 1, 0, 0, 0);

export interface Cli {
  device: MemoryDevice;
  session: CliSession;
  /** raw bytes printed so far */
  bytes(): Uint8Array;
  /** printed text decoded with the given WHATWG label (default latin1, i.e. bytes as they are) */
  text(label?: string): string;
  /** type a line and Enter; returns what the router printed in answer (decoded latin1 unless label) */
  type(line: string, label?: string): string;
  /** send raw keys; returns what was printed in answer */
  keys(data: string, label?: string): string;
  closed(): boolean;
}

export function openCli(config: string, opts: { model?: string; firmware?: string; transport?: CliTransport; user?: string } = {}): Cli {
  let now = T0;
  const device = new MemoryDevice({ model: opts.model ?? 'RTX1210', firmware: opts.firmware ?? '14.01.26', config, clock: () => (now += 1000) });
  const chunks: Uint8Array[] = [];
  let isClosed = false;
  const session = new CliSession({
    device,
    transport: opts.transport ?? 'Serial',
    authenticatedUser: opts.user,
    write: (b) => chunks.push(b),
    close: () => (isClosed = true),
  });
  const all = () => Buffer.concat(chunks.map((c) => Buffer.from(c)));
  const decode = (b: Buffer, label?: string) => (label ? new TextDecoder(label).decode(b) : b.toString('latin1'));
  const keys = (data: string, label?: string) => {
    const before = all().length;
    session.input(new TextEncoder().encode(data));
    return decode(all().subarray(before), label);
  };
  session.start();
  return {
    device,
    session,
    bytes: () => new Uint8Array(all()),
    text: (label) => decode(all(), label),
    type: (line, label) => keys(line + '\r', label),
    keys,
    closed: () => isClosed,
  };
}

/** A config with ASCII console, passwords and one L2TPv3 tunnel in a bridge. */
export const BASE_CONFIG = [
  'console character en.ascii',
  'login password loginpw1',
  'administrator password adminpw1',
  'bridge member bridge1 lan1 tunnel1',
  'tunnel select 1',
  ' tunnel encapsulation l2tpv3-raw',
  ' tunnel endpoint address 192.0.2.1 192.0.2.2',
  ' l2tp tunnel auth on tunnelpw1',
  ' tunnel enable 1',
  'l2tp service on l2tpv3',
  '',
].join('\n');

/** Log in on the serial console and become administrator. */
export function adminCli(config = BASE_CONFIG): Cli {
  const cli = openCli(config);
  cli.type('loginpw1');
  cli.type('administrator');
  cli.type('adminpw1');
  return cli;
}
