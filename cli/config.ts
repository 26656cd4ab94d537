// `l2tpv3-conformance config check FILE --model M --firmware REV [--lang en|ja]`
//   exit 0 and silent when valid; `FILE:LINE: message` per finding and exit 1 otherwise.
// `l2tpv3-conformance config format FILE`
//   prints the config as parsed and rendered back (byte-identical for a well-formed file).
import { readFile } from 'node:fs/promises';
import { parseArgs, flagValue, UsageError } from './args.ts';
import { checkConfigText, configPlatform, formatIssue, parseConfig, renderConfig, type ConfigPlatform } from '../reference-impl/config/index.ts';

const USAGE = 'usage: config check FILE --model MODEL --firmware REV [--lang en|ja] | config format FILE';

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot read ${file}${code ? ` (${code})` : ''}`);
  }
}

function platformFor(model: string, firmware: string): ConfigPlatform {
  try {
    return configPlatform(model, firmware);
  } catch (err) {
    // unknown model / revision: the platform's message lists what is known
    throw new UsageError((err as Error).message);
  }
}

export async function configCommand(argv: string[]): Promise<number> {
  const [action, ...rest] = argv;
  if (action === 'check') {
    const args = parseArgs(rest, [
      { name: 'model', value: true },
      { name: 'firmware', value: true },
      { name: 'lang', value: true },
    ]);
    if (args.positional.length !== 1) throw new UsageError(`config check takes one FILE\n${USAGE}`);
    const model = flagValue(args, 'model');
    const firmware = flagValue(args, 'firmware');
    if (model === undefined || firmware === undefined) throw new UsageError(`config check needs --model and --firmware\n${USAGE}`);
    const lang = (flagValue(args, 'lang', ['en', 'ja']) ?? 'en') as 'en' | 'ja';
    const file = args.positional[0];
    const platform = platformFor(model, firmware);
    const { issues } = checkConfigText(await readText(file), platform, { lang });
    for (const issue of issues) console.log(formatIssue(file, issue));
    return issues.length === 0 ? 0 : 1;
  }
  if (action === 'format') {
    const args = parseArgs(rest, []);
    if (args.positional.length !== 1) throw new UsageError(`config format takes one FILE\n${USAGE}`);
    process.stdout.write(renderConfig(parseConfig(await readText(args.positional[0]))));
    return 0;
  }
  throw new UsageError(action === undefined ? USAGE : `unknown action '${action}'\n${USAGE}`);
}
