// The emulated router config and credentials the config-driver tests share, and a ConfigDevice
// for it. Secrets are distinctive strings so a leak is easy to find in any text.

import type { ConfigDevice } from '../../../../drivers/config/push.ts';
import type { TranscriptRecorder } from '../../../../drivers/transcript/transcript.ts';
import { sshSession, type RouterLogin } from './emulated-router.ts';

export const SECRETS = {
  user: 'cfgUserPw-41',
  admin: 'cfgAdminPw-42',
  auth: 'cfgTunnelAuth43',
  psk: 'cfgPsk-44',
  pushedAuth: 'pushedTunnelAuth45',
  pushedUser: 'pushedUserPw-46',
};

export const LOGIN: RouterLogin = { user: 'yamaha', password: SECRETS.user, adminPassword: SECRETS.admin };

// facts §2.1 [BLOG-830] shapes: a tunnel block indented one space, global lines unindented
export const BASE_CONFIG = [
  'console character en.ascii',
  `login user yamaha ${SECRETS.user}`,
  `administrator password ${SECRETS.admin}`,
  'bridge member bridge1 lan1 tunnel1',
  'tunnel select 1',
  ' tunnel encapsulation l2tpv3-raw',
  ' tunnel endpoint address 192.0.2.1 192.0.2.2',
  ` l2tp tunnel auth on ${SECRETS.auth}`,
  ' l2tp keepalive use on 60 3',
  ' l2tp hostname base-rt',
  ' tunnel enable 1',
  'tunnel select 2',
  ' tunnel encapsulation l2tpv3-raw',
  ' tunnel endpoint address 192.0.2.1 192.0.2.3',
  ' l2tp hostname base-rt2',
  ' tunnel enable 2',
  `ipsec ike pre-shared-key 1 text ${SECRETS.psk}`,
  'l2tp service on l2tpv3',
  '',
].join('\n');

export function routerDevice(r: { host: string; port: number }, name: string, opts: { known?: boolean; transcript?: TranscriptRecorder; login?: RouterLogin } = {}): ConfigDevice {
  return {
    name,
    session: () => sshSession(r, opts.login ?? LOGIN, { transcript: opts.transcript }),
    knownConfig: opts.known === false ? undefined : BASE_CONFIG,
    address: `${r.host}:${r.port}`,
  };
}

/** The settings of a `show config` text without its header comments (the header carries the date). */
export function body(showConfig: string): string {
  return showConfig
    .split('\n')
    .filter((l) => !l.startsWith('#'))
    .join('\n');
}

/**
 * `show config` as a sorted list of `BLOCK|line` (facts §3.4: lines of a `tunnel select N` block
 * are indented). A line the device re-adds may land elsewhere in its block, so order is not
 * compared; membership of the block is.
 */
export function blockLines(showConfig: string): string[] {
  let block = '-';
  const out: string[] = [];
  for (const line of body(showConfig).split('\n')) {
    if (line.trim() === '') continue;
    const sel = /^tunnel select (\S+)$/.exec(line);
    if (sel) {
      block = sel[1] === 'none' ? '-' : sel[1];
      continue;
    }
    if (!line.startsWith(' ')) block = '-';
    out.push(`${block}|${line.trim()}`);
  }
  return out.sort();
}
