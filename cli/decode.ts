// `l2tpv3-conformance decode FILE [--json] [--port N] [--cookie-size 0|4|8] [--l2ss none|default]
//  [--secret-env VAR]`: one line (or one JSON object) per L2TPv3 packet of a pcap/pcapng file.
import { readFileSync } from 'node:fs';
import { CaptureFileError, readCaptureFile } from '../reference-impl/capture/capture-file.ts';
import { decodeCapture, formatDecodedPacket, type CaptureDecodeOptions } from '../reference-impl/capture/capture-decoder.ts';
import type { CookieLength, L2ssMode } from '../reference-impl/l2tpv3/data-message.ts';
import { flagValue, intFlag, parseArgs, UsageError } from './args.ts';

export const DECODE_USAGE = 'usage: l2tpv3-conformance decode FILE [--json] [--port N] [--cookie-size 0|4|8] [--l2ss none|default] [--secret-env VAR]';

export async function decodeCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, [
    { name: 'json', value: false },
    { name: 'port', value: true },
    { name: 'cookie-size', value: true },
    { name: 'l2ss', value: true },
    // The secret comes from the environment, never the command line (process lists, shell history).
    { name: 'secret-env', value: true },
    { name: 'help', value: false },
  ]);
  if (args.flags.has('help')) {
    console.log(DECODE_USAGE);
    return 0;
  }
  if (args.positional.length !== 1) throw new UsageError(`expected one capture file\n${DECODE_USAGE}`);
  const file = args.positional[0];
  const cookie = flagValue(args, 'cookie-size', ['0', '4', '8']);
  const l2ss = flagValue(args, 'l2ss', ['none', 'default']) as L2ssMode | undefined;
  const secretEnv = flagValue(args, 'secret-env');
  let secret: string | undefined;
  if (secretEnv !== undefined) {
    secret = process.env[secretEnv];
    if (secret === undefined) throw new UsageError(`--secret-env ${secretEnv}: that environment variable is not set`);
  }
  const opts: CaptureDecodeOptions = {
    udpPort: intFlag(args, 'port', 1, 65535),
    forceLayout: { ...(cookie !== undefined ? { cookieLength: Number(cookie) as CookieLength } : {}), ...(l2ss ? { l2ss } : {}) },
    secret,
  };

  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    console.error(`l2tpv3-conformance decode: ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
    return 2;
  }
  let capture;
  try {
    capture = readCaptureFile(bytes);
  } catch (err) {
    if (err instanceof CaptureFileError) {
      console.error(`l2tpv3-conformance decode: ${file}: offset ${err.offset}: ${err.what}`);
      return 2;
    }
    throw err;
  }
  const json = args.flags.has('json');
  // Batched writes: one write per packet would dominate the time on large captures.
  let buf: string[] = [];
  for (const p of decodeCapture(capture, opts)) {
    buf.push(json ? JSON.stringify(p) : formatDecodedPacket(p));
    if (buf.length >= 1024) {
      await write(buf.join('\n') + '\n');
      buf = [];
    }
  }
  if (buf.length) await write(buf.join('\n') + '\n');
  return 0;
}

function write(s: string): Promise<void> {
  return new Promise((resolve, reject) => {
    process.stdout.write(s, (err) => (err ? reject(err) : resolve()));
  });
}
