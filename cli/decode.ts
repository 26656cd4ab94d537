// `l2tpv3-conformance decode FILE [--json] [--port N] [--cookie-size 0|4|8] [--l2ss none|default]
//  [--secret-env VAR]`: one line (or one JSON object) per L2TPv3 packet of a pcap/pcapng file.
// The file streams through the fast decoder (cli/decode-stream.ts, reference-impl/capture/
// decode-pipeline.ts): memory does not grow with the file. Flags: DECODE_COMMAND below
// (cli/command-table.ts). Exit codes (cli/exit-codes.ts): 0 decoded (or the reader of the output
// went away), 2 usage or input error: a missing file, or bytes that are not a capture (one line
// naming the file and the offset).
import { closeSync, openSync } from 'node:fs';
import { CaptureFileError } from '../reference-impl/capture/capture-file.ts';
import { DecodePipeline, type FrameStage } from '../reference-impl/capture/decode-pipeline.ts';
import type { CookieLength, L2ssMode } from '../reference-impl/l2tpv3/data-message.ts';
import { invoke, PROGRAM, type CommandDef, type ParsedCommand } from './command-table.ts';
import { ipsecFrameStages, IPSEC_KEYS_FLAG } from './decode-ipsec.ts';
import { fileChunks, regularFileSize, streamDecode } from './decode-stream.ts';
import { EXIT, UsageError } from './exit-codes.ts';

export const DECODE_COMMAND: CommandDef = {
  name: 'decode',
  summary: 'decode L2TPv3 packets in a pcap/pcapng file',
  description:
    'Prints one line (or, with --json, one JSON object) per L2TPv3 packet: UDP on the L2TP port or IP protocol 115,\n' +
    'control messages with every AVP, data with session, cookie, sublayer and inner Ethernet header. Each session\'s\n' +
    'cookie length and sublayer are learnt from the control exchange in the capture; a data session nothing announces\n' +
    'is decoded with a guessed layout (no cookie, no sublayer, or what the flags set), said once per session on stderr\n' +
    'and as "guessedLayout" in JSON. The file is read as a stream: any size, memory stays flat. Output to a pipe that\n' +
    'closes early (| head) ends the run quietly.',
  positionals: [{ name: 'FILE', help: 'capture file (pcap or pcapng; Ethernet, Linux SLL/SLL2, raw IP or loopback link types); - reads stdin', required: true, input: 'binary' }],
  flags: [
    { name: 'json', type: 'boolean', help: 'one JSON object per packet (fields as in the text line, plus timestamps and AVP type numbers)' },
    { name: 'port', type: 'string', valueName: 'N', int: [1, 65535], default: '1701', help: 'UDP port that carries L2TPv3 (either direction)' },
    {
      name: 'cookie-size', type: 'string', valueName: '0|4|8', choices: ['0', '4', '8'],
      help: 'cookie length of every data packet (like tshark -o l2tp.cookie_size); default: learnt per session, else 0',
    },
    {
      name: 'l2ss', type: 'string', valueName: 'none|default', choices: ['none', 'default'],
      help: 'L2-Specific Sublayer of every data packet (like tshark -o l2tp.l2_specific); default: learnt per session, else none',
    },
    // The secret comes from the environment, never the command line (process lists, shell history).
    { name: 'secret-env', type: 'string', valueName: 'VAR', help: 'name of an environment variable holding the shared secret: unhides hidden AVPs and checks Message Digests' },
    IPSEC_KEYS_FLAG,
  ],
  examples: [
    `${PROGRAM} decode capture.pcap`,
    `${PROGRAM} decode capture.pcap --json | jq .control.messageType`,
    `tcpdump -i eth0 -w - udp port 1701 | ${PROGRAM} decode -`,
    `${PROGRAM} decode static-tunnel.pcap --cookie-size 4 --l2ss default`,
    `L2TP_SECRET=... ${PROGRAM} decode capture.pcap --secret-env L2TP_SECRET`,
  ],
  run: (args) => decode(args),
};

/**
 * Frame stages run before L2TPv3 decoding (decode-pipeline.ts FrameStage), built from the flags:
 * today `--ipsec-keys` (ESP and IKEv1 decryption, cli/decode-ipsec.ts, reference-impl/ipsec/).
 */
export function frameStages(args: ParsedCommand): FrameStage[] {
  return [...ipsecFrameStages(args.string('ipsec-keys'))];
}

async function decode(args: ParsedCommand): Promise<number> {
  const file = args.positionals[0];
  const secretEnv = args.string('secret-env');
  let secret: string | undefined;
  if (secretEnv !== undefined) {
    secret = process.env[secretEnv];
    if (secret === undefined) throw new UsageError(`--secret-env ${secretEnv}: that environment variable is not set`);
  }
  const cookie = args.string('cookie-size');
  const l2ss = args.string('l2ss') as L2ssMode | undefined;
  const stages = frameStages(args); // a bad key log is exit 2 before the capture is opened
  const stdin = file === '-';
  let fd: number;
  try {
    fd = stdin ? 0 : openSync(file, 'r');
  } catch (e) {
    throw new UsageError(`FILE ${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  try {
    const pipeline = new DecodePipeline({
      json: args.bool('json'),
      udpPort: args.int('port'),
      forceLayout: { ...(cookie !== undefined ? { cookieLength: Number(cookie) as CookieLength } : {}), ...(l2ss ? { l2ss } : {}) },
      secret,
      fileSize: stdin ? undefined : regularFileSize(fd),
      stages,
    });
    // stdin through its stream (a pipe may be non-blocking); a file by plain fixed-size reads.
    const chunks = stdin ? (process.stdin as AsyncIterable<Uint8Array>) : fileChunks(fd);
    await streamDecode(chunks, pipeline, { out: process.stdout, note: (line) => process.stderr.write(`${line}\n`) });
    return EXIT.ok;
  } catch (e) {
    if (e instanceof CaptureFileError) throw new UsageError(`${stdin ? 'stdin' : file}: offset ${e.offset}: ${e.what}`);
    throw e;
  } finally {
    if (!stdin) closeSync(fd);
  }
}

/** `decode ...` argv (tests call this); usage errors are thrown as UsageError. */
export function decodeCommand(argv: string[]): Promise<number> {
  return invoke(DECODE_COMMAND, argv, [PROGRAM, 'decode']);
}
