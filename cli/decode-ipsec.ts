// The CLI side of `decode --ipsec-keys FILE` (issue 14, point 6): read the key log (format:
// reference-impl/ipsec/key-log.ts), refuse it whole if any line is bad (each bad line named by
// number and field, never by value: the values are keys), and build the IPsec frame stage that
// decrypts ESP and IKE before L2TPv3 decoding (reference-impl/ipsec/ipsec-frame-stage.ts).
import { readFileSync } from 'node:fs';
import { IpsecFrameStage } from '../reference-impl/ipsec/ipsec-frame-stage.ts';
import { parseKeyLog, type KeyLogEntry } from '../reference-impl/ipsec/key-log.ts';
import type { FlagDef } from './command-table.ts';
import { UsageError } from './exit-codes.ts';

/** The flag, for DECODE_COMMAND's flag table (cli/decode.ts). */
export const IPSEC_KEYS_FLAG: FlagDef = {
  name: 'ipsec-keys',
  type: 'string',
  valueName: 'FILE',
  input: 'text',
  help: 'IPsec key log (lines `IKEV1 ICOOKIE ENCKEY` and `ESP SRC DST SPI ENCALG ENCKEY AUTHALG AUTHKEY`): decrypts IKEv1 and ESP (plain and UDP 4500) and decodes the L2TPv3 inside; IPsec frames get a line of their own',
};

/** Reads and parses a key-log file; UsageError (exit 2): one line naming the file and every bad line (cli/exit-codes.ts). */
export function readIpsecKeyLog(path: string): KeyLogEntry[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`--ipsec-keys ${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const { entries, errors } = parseKeyLog(text);
  if (errors.length > 0) throw new UsageError(`--ipsec-keys ${path}: ${errors.map((e) => e.message).join('; ')}`);
  return entries;
}

/** The frame stages for `--ipsec-keys`: none without the flag. */
export function ipsecFrameStages(path: string | undefined): IpsecFrameStage[] {
  return path === undefined ? [] : [new IpsecFrameStage(readIpsecKeyLog(path))];
}
