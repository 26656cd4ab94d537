// Running tshark (Wireshark's dissector, the independent decoder the codec is checked against)
// and reading its per-field output. tshark is a system package (scripts/install-system-deps.sh).
import { execFileSync, spawnSync } from 'node:child_process';

export function tsharkMissing(): string | null {
  const r = spawnSync('tshark', ['-v'], { encoding: 'utf8' });
  return r.status === 0 ? null : 'tshark is not installed (run scripts/install-system-deps.sh as root)';
}

export type TsharkFrame = Map<string, string[]>;

/**
 * `tshark -T fields` for the given fields, every occurrence of each (`-E occurrence=a`),
 * keyed by frame number. Byte fields come without colons.
 */
export function tsharkFields(file: string, fields: readonly string[], opts: { prefs?: string[]; decodeAs?: string[]; filter?: string } = {}): Map<number, TsharkFrame> {
  const args = ['-r', file, '-T', 'fields', '-E', 'occurrence=a', '-E', 'aggregator=|', '-E', 'separator=/t', '-e', 'frame.number'];
  for (const p of opts.prefs ?? []) args.push('-o', p);
  for (const d of opts.decodeAs ?? []) args.push('-d', d);
  if (opts.filter) args.push('-Y', opts.filter);
  for (const f of fields) args.push('-e', f);
  const out = execFileSync('tshark', args, { encoding: 'utf8', maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'pipe'] });
  const frames = new Map<number, TsharkFrame>();
  for (const line of out.split('\n')) {
    if (!line) continue;
    const cols = line.split('\t');
    const m: TsharkFrame = new Map();
    fields.forEach((f, i) => {
      const v = cols[i + 1] ?? '';
      if (v !== '') m.set(f, v.split('|'));
    });
    frames.set(Number(cols[0]), m);
  }
  return frames;
}

/** Frame numbers tshark flags with the given display filter. */
export function tsharkMatching(file: string, filter: string, prefs: string[] = []): number[] {
  return [...tsharkFields(file, [], { prefs, filter }).keys()];
}
