// Which RTX commands exist at all, beyond the modelled subset: a line outside the subset is either
// a real RTX command we do not model (reported "not modelled, not checked", never refused) or no
// RTX command at all (a typo: refused like the router does, with a "did you mean").
//
// The names come from [RTSIM] (rtsim-command-paths.ts) plus the rows below, each citing where the
// command is known from. Only names are known here, never parameter syntax.

import { COMMAND_SPECS } from './command-line.ts';
import { RTSIM_COMMAND_PATHS } from './rtsim-command-paths.ts';
import { INTERFACE_NAME } from './value-types.ts';

export interface KnownCommand {
  /** leading keywords; `<if>` an interface name, `<arg>` any parameter, `<onoff>` on|off */
  readonly path: readonly string[];
  /** where the command is known from */
  readonly source: string;
}

const RTSIM_SOURCE = '[RTSIM] simulator command table';

// Commands seen in real configs (topologies/real-configs/, yamaha-platform-facts.md) or in the
// command reference chapters the digest cites, that [RTSIM] (2018) does not list.
export const EXTRA_KNOWN_COMMANDS: readonly { path: string; source: string }[] = [
  { path: 'ip <if> address', source: 'facts §1.3 (CR §8.1.2)' },
  { path: 'ip pp address', source: 'facts §2.1 [BLOG-830]; real-configs/hrst-rtx1100-l2tpv3-center.conf' },
  { path: 'ip route', source: 'facts §2.1 [BLOG-830]' },
  { path: 'ip <if> proxyarp', source: 'real-configs/hrst-rtx1100-l2tpv3-center.conf' },
  { path: 'ip tunnel secure filter', source: 'facts §1.5, §2.2 [TF-RTX-CFG]' },
  { path: 'ip tunnel tcp mss limit', source: 'facts §1.5, §2.1 [BLOG-830]' },
  { path: 'ip <if> intrusion detection', source: 'facts §5 (CR ch.8)' },
  { path: 'ip filter', source: 'facts §1.5 (CR ch.8)' },
  { path: 'ipv6 <if> address', source: 'CR ch.30 (IPv6)' },
  { path: 'ipv6 <if> dhcp service', source: 'CR ch.30 (IPv6)' },
  { path: 'ipv6 prefix', source: 'CR ch.30 (IPv6)' },
  { path: 'ipv6 route', source: 'CR ch.30 (IPv6)' },
  { path: 'ipv6 filter', source: 'CR ch.30 (IPv6)' },
  { path: 'ipv6 <if> secure filter', source: 'CR ch.30 (IPv6)' },
  { path: 'ngn type', source: 'CR ch.30 (NGN)' },
  { path: 'vlan interconnect group', source: 'CR §38.3' },
  { path: 'vlan interconnect log', source: 'CR §38.4' },
  { path: 'user attribute', source: 'real RTX1210 Rev.14.01 `show config` (login user attributes)' },
  { path: 'statistics traffic', source: 'facts §2.1 [BLOG-830]' },
  { path: 'telnetd host', source: 'facts §2.1 [BLOG-830]' },
  { path: 'dns server', source: 'real-configs/hrst-rtx1100-l2tpv3-center.conf' },
  { path: 'dns private address spoof', source: 'real-configs/hrst-rtx1100-l2tpv3-center.conf' },
  { path: 'dhcp scope option', source: 'real-configs/hrst-rtx1100-l2tpv3-center.conf' },
  { path: 'dhcp server rfc2131 compliant', source: 'real-configs/hrst-rtx1100-l2tpv3-center.conf' },
  { path: 'tunnel name', source: 'real-configs/hrst-rtx1100-l2tpv3-center.conf' },
  { path: 'description', source: 'CR ch.4' },
  { path: 'dhcp client release linkdown', source: 'real-configs/shin1ohno-rtx1210-l2tpv3-ipsec.conf (CR ch.12)' },
  { path: 'queue <if> type', source: 'real-configs/hrst-head-office-ipsec-qos.conf (CR ch.26)' },
  { path: 'lan flexible-port', source: 'real-configs/ribbit-rtx1300-ipip-v6plus.conf (CR ch.53)' },
  { path: 'tunnel map-e type', source: 'real-configs/zenn-rtx1210-map-e.conf' },
];

function split(path: string): string[] {
  return path === '' ? [] : path.split(' ');
}

export const KNOWN_COMMANDS: readonly KnownCommand[] = [
  ...Object.entries(RTSIM_COMMAND_PATHS).flatMap(([first, rests]) =>
    rests.split('|').map((rest) => ({ path: [first, ...split(rest)], source: RTSIM_SOURCE })),
  ),
  ...EXTRA_KNOWN_COMMANDS.map((c) => ({ path: split(c.path), source: c.source })),
];

function wordMatches(pattern: string, word: string): boolean {
  if (pattern === '<if>') return INTERFACE_NAME.test(word);
  if (pattern === '<arg>' || pattern === '<charset>') return true;
  if (pattern === '<onoff>') return word === 'on' || word === 'off';
  if (pattern.endsWith('<arg>')) return word.startsWith(pattern.slice(0, -'<arg>'.length));
  return pattern === word;
}

function matches(path: readonly string[], words: readonly string[]): boolean {
  return path.length <= words.length && path.every((p, i) => wordMatches(p, words[i]));
}

// by first word: a line is held only against the commands that start like it
const BY_FIRST_WORD = new Map<string, KnownCommand[]>();
for (const c of KNOWN_COMMANDS) BY_FIRST_WORD.set(c.path[0], [...(BY_FIRST_WORD.get(c.path[0]) ?? []), c]);

const literals = (path: readonly string[]) => path.filter((p) => !p.startsWith('<')).length;

/** The longest known command the words start with (a leading `no` already removed); at equal length the more literal one. */
export function knownCommand(words: readonly string[]): KnownCommand | undefined {
  let best: KnownCommand | undefined;
  for (const c of BY_FIRST_WORD.get(words[0] ?? '') ?? []) {
    if (!matches(c.path, words)) continue;
    if (!best || c.path.length > best.path.length || (c.path.length === best.path.length && literals(c.path) > literals(best.path))) best = c;
  }
  return best;
}

/** The command's name as people read it: the known path, interface placeholders filled in. */
export function commandName(command: KnownCommand, words: readonly string[]): string {
  return command.path.map((p, i) => (p === '<if>' ? words[i] : p)).join(' ');
}

/** Optimal string alignment distance (Levenshtein plus adjacent transpositions). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** Keyword paths of the modelled commands, interface parameters as `<if>`. */
const MODELLED_PATHS: readonly (readonly string[])[] = COMMAND_SPECS.map((s) => {
  const words = s.syntax.split(' ');
  const out: string[] = [];
  for (const w of words) {
    if (/^[a-z][\w.-]*$/.test(w)) out.push(w);
    else if (/^<\w+:iface(:\w+)?>$/.test(w)) out.push('<if>');
    else break;
  }
  return out;
});

// Every command name, grouped by its first keyword, for suggestions.
const PATHS_BY_FIRST_WORD = new Map<string, (readonly string[])[]>();
for (const path of [...MODELLED_PATHS, ...KNOWN_COMMANDS.map((c) => c.path)]) {
  if (path.length === 0) continue;
  PATHS_BY_FIRST_WORD.set(path[0], [...(PATHS_BY_FIRST_WORD.get(path[0]) ?? []), path]);
}

/** Distance between a keyword and a typed word, or Infinity when too far (a third of the keyword, at least 1). */
function keywordCost(keyword: string, word: string): number {
  const limit = Math.max(1, Math.floor(keyword.length / 3));
  if (Math.abs(keyword.length - word.length) > limit) return Infinity;
  const d = editDistance(keyword, word);
  return d <= limit ? d : Infinity;
}

/**
 * The closest command name to mistyped leading words, or undefined when nothing is close: each
 * keyword may be off by at most a third of its length (at least 1), the whole path by at most 2.
 */
export function suggestCommand(words: readonly string[]): string | undefined {
  if (words.length === 0) return undefined;
  let best: { path: readonly string[]; cost: number } | undefined;
  for (const [first, paths] of PATHS_BY_FIRST_WORD) {
    const firstCost = keywordCost(first, words[0]);
    if (firstCost > 2) continue;
    for (const path of paths) {
      if (path.length > words.length) continue;
      let cost = firstCost;
      for (let i = 1; i < path.length && cost <= 2; i++) {
        const p = path[i];
        if (p.startsWith('<')) cost += wordMatches(p, words[i]) ? 0 : Infinity;
        else cost += keywordCost(p, words[i]);
      }
      if (cost === 0 || cost > 2) continue;
      if (!best || cost < best.cost || (cost === best.cost && path.length > best.path.length)) best = { path, cost };
    }
  }
  return best && best.path.map((p, i) => (p.startsWith('<') ? words[i] : p)).join(' ');
}
