// Command rows for the IPv6 access underlays L2TPv3 runs over (issue 19): the IPv4-over-IPv6
// tunnel's MAP-E type. (`ip route ... gateway tunnel N` stays a known, unmodelled command, as the
// config tests expect: router/underlay/underlay-plan.ts reads its line text.) Syntax as the real
// configs use them (topologies/real-configs/ribbit-rtx1300-ipip-v6plus.conf, zenn-rtx1210-map-e.conf); the CR
// sections are not in the digest, so parameters beyond the leading keywords are kept as words.
// `tunnel encapsulation ipip|map-e` and `tunnel endpoint address` are rows of commands-l2tp.ts
// (facts §1.2, CR §14.4, §14.9).

import type { CommandSpec } from './command-spec.ts';

export const UNDERLAY_COMMANDS: readonly CommandSpec[] = [
  // zenn-rtx1210-map-e.conf: `tunnel map-e type v6plus` in the MAP-E tunnel's context
  { id: 'tunnel map-e type', syntax: 'tunnel map-e type <type:word>', context: 'tunnel', source: 'real configs (CR ch.14, syntax not in digest)' },
];
