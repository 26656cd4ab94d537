// `show` commands as rows: each names its leading keywords, its syntax and the fact digest
// section its output format comes from (show-formats/ holds the formats).

import type { RouterDevice } from '../device.ts';
import type { IpsecSaStatus } from '../ipsec/ipsec-host.ts';
import { error, number, out } from './command-result.ts';
import type { OperationSpec } from './operation-spec.ts';
import { showBridgeLearningLines } from './show-formats/show-bridge-learning.ts';
import { showConfigLines } from './show-formats/show-config.ts';
import { showEnvironmentLines } from './show-formats/show-environment.ts';
import { showIpsecSaLines } from './show-formats/show-ipsec-sa.ts';
import { showLogLines } from './show-formats/show-log.ts';
import { showStatusL2tpLines } from './show-formats/show-status-l2tp.ts';
import { showStatusTunnelLines } from './show-formats/show-status-tunnel.ts';

/** A device that runs IPsec (the emulated router) answers `show ipsec sa`; others show no SA. */
function ipsecSas(device: RouterDevice): readonly IpsecSaStatus[] {
  const d = device as RouterDevice & { ipsecSaStatus?: () => readonly IpsecSaStatus[] };
  return typeof d.ipsecSaStatus === 'function' ? d.ipsecSaStatus() : [];
}

export const SHOW_OPERATIONS: readonly OperationSpec[] = [
  {
    id: 'show config',
    syntax: 'show config',
    source: 'facts §3.4',
    run: (args, { device, utcOffsetMinutes: tz, revealSecrets }) =>
      args.length === 0 ? out(showConfigLines(device.identity(), device.nowMs(), tz, device.configDisplayLines(revealSecrets))) : undefined,
  },
  {
    id: 'show environment',
    syntax: 'show environment',
    source: 'facts §3.9',
    run: (args, { device, utcOffsetMinutes: tz }) => (args.length === 0 ? out(showEnvironmentLines(device.identity(), device.environment(), device.nowMs(), tz)) : undefined),
  },
  {
    id: 'show status l2tp',
    syntax: 'show status l2tp [tunnel <tunnel:uint>]',
    source: 'CR §58.21 (facts §3.7)',
    run: (args, { device, lang, utcOffsetMinutes: tz }) => {
      if (args.length === 0) return out(showStatusL2tpLines(device.l2tpStatus(), tz));
      if (args[0] !== 'tunnel') return error('illegalKeyword', lang);
      if (args.length !== 2) return error('wrongNumberOfParameters', lang);
      const n = number(args[1]);
      if (n === undefined) return error('integerRequired', lang);
      return out(showStatusL2tpLines(device.l2tpStatus(), tz, n));
    },
  },
  {
    id: 'show ipsec sa',
    syntax: 'show ipsec sa',
    source: 'not in the digest; format: ASSUMPTION show-ipsec-sa-format',
    run: (args, { device, lang }) => (args.length === 0 ? out(showIpsecSaLines(ipsecSas(device), device.nowMs())) : error('wrongNumberOfParameters', lang)),
  },
  {
    id: 'show status tunnel',
    syntax: 'show status tunnel [<tunnel:uint>]',
    source: 'CR §58.41 (facts §3.6)',
    run: (args, { device, lang, utcOffsetMinutes: tz }) => {
      const now = device.nowMs();
      // without a number: every tunnel interface of the config, one block each (CR §58.41)
      if (args.length === 0) return out(device.l2tpStatus().flatMap((t) => showStatusTunnelLines(device.tunnelStatus(t.tunnel), now, tz, lang)));
      if (args.length !== 1) return error('wrongNumberOfParameters', lang);
      const n = number(args[0]);
      if (n === undefined) return error('integerRequired', lang);
      if (n < 1) return error('parameterOutOfRange', lang);
      return out(showStatusTunnelLines(device.tunnelStatus(n), now, tz, lang));
    },
  },
  {
    id: 'show bridge learning',
    syntax: 'show bridge learning [<bridge:word>]',
    source: 'CR §58.9 (facts §3.8)',
    run: (args, { device, lang }) => {
      if (args.length > 1) return error('wrongNumberOfParameters', lang);
      const views = device.bridgeLearning();
      if (args.length === 0) return out(showBridgeLearningLines(views));
      if (!/^bridge\d+$/.test(args[0])) return error('illegalKeyword', lang);
      return out(showBridgeLearningLines(views.filter((v) => v.bridge === args[0])));
    },
  },
  {
    id: 'show log',
    syntax: 'show log [reverse]',
    source: 'facts §3.5',
    run: (args, { device, lang, utcOffsetMinutes: tz }) => {
      if (args.length > 1 || (args.length === 1 && args[0] !== 'reverse')) return error('illegalKeyword', lang);
      return out(showLogLines(device.logEntries(), tz, args[0] === 'reverse'));
    },
  },
];
