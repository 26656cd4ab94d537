// Command rows for tunnels, L2TP, bridges and the IPsec commands L2TPv3/IPsec uses.
// Every row cites the command-reference section through the digest (yamaha-platform-facts.md).

import type { CommandSpec } from './command-spec.ts';

const TUNNEL_ENCAPSULATIONS = 'ipsec|ipip|pptp|l2tp|l2tpv3-raw|l2tpv3|ipudp|map-e|hb46pp';
const ESP_ALGORITHMS = '3des-cbc|des-cbc|aes-cbc|aes256-cbc';
const AUTH_ALGORITHMS = 'md5-hmac|sha-hmac|sha256-hmac|sha384-hmac|sha512-hmac';
const IKE_NAME_TYPES = 'ipv4-addr|fqdn|user-fqdn|rfc822-addr|ipv6-addr|key-id|tel|tel-key';

export const TUNNEL_COMMANDS: readonly CommandSpec[] = [
  // facts §1.2 (CR §56.2); the tunnel number's upper bound is the model's, checked by the validator
  { id: 'tunnel select', syntax: 'tunnel select none', noSyntax: false, context: 'any', source: 'CR §56.2' },
  { id: 'tunnel select', syntax: 'tunnel select <tunnel:int:1..2147483647>', noSyntax: false, context: 'any', source: 'CR §56.2' },
  // facts §1.2 (CR §14.4): `l2tpv3` = L2TPv3/IPsec, `l2tpv3-raw` = plain L2TPv3
  { id: 'tunnel encapsulation', syntax: `tunnel encapsulation <type:enum:${TUNNEL_ENCAPSULATIONS}>`, context: 'tunnel', source: 'CR §14.4' },
  // facts §1.2 (CR §14.9): `tunnel endpoint address [local] remote`
  { id: 'tunnel endpoint address', syntax: 'tunnel endpoint address [<local:ip>] <remote:ip>', context: 'tunnel', source: 'CR §14.9' },
  // facts §1.2 (CR §14.10): `tunnel endpoint name [local_name] remote_name [type]`, type fqdn (default) | tel
  { id: 'tunnel endpoint name', syntax: 'tunnel endpoint name [<local:word>] <remote:word> [<type:enum:fqdn|tel>]', context: 'tunnel', source: 'CR §14.10' },
  // facts §1.2 (CR §14.1, §14.2): number, N1-N2, N1-, -N1 or all
  { id: 'tunnel enable', syntax: 'tunnel enable <tunnels:tunnelset>...', context: 'any', source: 'CR §14.1' },
  { id: 'tunnel disable', syntax: 'tunnel disable <tunnels:tunnelset>...', context: 'any', source: 'CR §14.2' },
];

export const L2TP_COMMANDS: readonly CommandSpec[] = [
  // facts §1.1, CR §16.1-16.11 (ranges, lengths and "Tunnel-only" from the same table)
  { id: 'l2tp service', syntax: 'l2tp service <service:onoff> [<versions:enum:l2tp|l2tpv3>...]', context: 'any', source: 'CR §16.1' },
  { id: 'l2tp tunnel auth', syntax: 'l2tp tunnel auth <switch:onoff> [<password:secret:32>]', context: 'tunnel', source: 'CR §16.2' },
  { id: 'l2tp tunnel disconnect time', syntax: 'l2tp tunnel disconnect time <time:intor:1..21474836:off>', context: 'tunnel', source: 'CR §16.3' },
  { id: 'l2tp keepalive use', syntax: 'l2tp keepalive use <switch:onoff> [<interval:int:1..600> [<count:int:1..50>]]', context: 'tunnel', source: 'CR §16.4' },
  { id: 'l2tp keepalive log', syntax: 'l2tp keepalive log <log:onoff>', context: 'tunnel', source: 'CR §16.5' },
  { id: 'l2tp syslog', syntax: 'l2tp syslog <syslog:onoff>', context: 'tunnel', source: 'CR §16.6' },
  { id: 'l2tp always-on', syntax: 'l2tp always-on <switch:onoff>', context: 'tunnel', source: 'CR §16.7' },
  { id: 'l2tp hostname', syntax: 'l2tp hostname <hostname:str:32>', context: 'tunnel', source: 'CR §16.8' },
  { id: 'l2tp local router-id', syntax: 'l2tp local router-id <routerId:ipv4>', context: 'tunnel', source: 'CR §16.9' },
  { id: 'l2tp remote router-id', syntax: 'l2tp remote router-id <routerId:ipv4>', context: 'tunnel', source: 'CR §16.10' },
  { id: 'l2tp remote end-id', syntax: 'l2tp remote end-id <endId:str:32>', context: 'tunnel', source: 'CR §16.11' },
];

export const BRIDGE_COMMANDS: readonly CommandSpec[] = [
  // facts §1.3 (CR §45.1-45.4)
  { id: 'bridge member', syntax: 'bridge member <bridge:iface:bridge> <members:iface>...', context: 'any', source: 'CR §45.1' },
  { id: 'bridge learning', syntax: 'bridge learning <bridge:iface:bridge> <switch:onoff>', context: 'any', source: 'CR §45.2' },
  { id: 'bridge learning timer', syntax: 'bridge learning <bridge:iface:bridge> timer <time:intor:30..32767:off>', context: 'any', source: 'CR §45.3' },
  { id: 'bridge learning static', syntax: 'bridge learning <bridge:iface:bridge> static <mac:mac> <interface:iface>', context: 'any', source: 'CR §45.4' },
];

export const IPSEC_COMMANDS: readonly CommandSpec[] = [
  // facts §1.4 (CR §15.49.3): binds an SA policy to the selected tunnel
  { id: 'ipsec tunnel', syntax: 'ipsec tunnel <policy:uint>', context: 'tunnel', source: 'CR §15.49.3' },
  // facts §1.4 (CR §15.48.2)
  {
    id: 'ipsec sa policy',
    syntax: `ipsec sa policy <policy:uint> <gateway:uint> esp [<esp:enum:${ESP_ALGORITHMS}>] [<auth:enum:${AUTH_ALGORITHMS}>] [anti-replay-check=<antiReplay:onoff>]`,
    context: 'any',
    source: 'CR §15.48.2',
  },
  // facts §1.4 (CR §15.50.1, §15.50.2): ids 1..2147483647
  { id: 'ipsec transport', syntax: 'ipsec transport <id:int:1..2147483647> <policy:int:1..2147483647> [<proto:word> [<srcPorts:word> [<dstPorts:word>]]]', context: 'any', source: 'CR §15.50.1' },
  { id: 'ipsec transport template', syntax: 'ipsec transport template <id:int:1..2147483647> <copies:word>...', context: 'any', source: 'CR §15.50.2' },
  // facts §1.4 (CR §15.2, §15.5, §15.10)
  { id: 'ipsec ike version', syntax: 'ipsec ike version <gateway:uint> <version:enum:1|2>', context: 'any', source: 'CR §15.2' },
  { id: 'ipsec ike pre-shared-key', syntax: 'ipsec ike pre-shared-key <gateway:uint> text <key:secret:128>', context: 'any', source: 'CR §15.5' },
  { id: 'ipsec ike pre-shared-key', syntax: 'ipsec ike pre-shared-key <gateway:uint> <key:hexkey:128>', context: 'any', source: 'CR §15.5' },
  { id: 'ipsec auto refresh', syntax: 'ipsec auto refresh [<gateway:uint>] <switch:onoff>', context: 'any', source: 'CR §15.10' },
  // facts §1.4 (CR §15.18, §15.15): the remote may be an address, a host name (<= 255) or `any`
  { id: 'ipsec ike local address', syntax: 'ipsec ike local address <gateway:uint> <address:ip>', context: 'any', source: 'CR §15.18' },
  { id: 'ipsec ike local address', syntax: 'ipsec ike local address <gateway:uint> <variant:enum:vrrp|ipv6|ipcp> <args:word>...', context: 'any', source: 'CR §15.18' },
  { id: 'ipsec ike remote address', syntax: 'ipsec ike remote address <gateway:uint> <address:str:255>', context: 'any', source: 'CR §15.15' },
  // facts §1.4 (CR §15.17, §15.14): name up to 256 characters
  { id: 'ipsec ike local name', syntax: `ipsec ike local name <gateway:uint> <name:str:256> [<type:enum:${IKE_NAME_TYPES}>]`, context: 'any', source: 'CR §15.17' },
  { id: 'ipsec ike remote name', syntax: `ipsec ike remote name <gateway:uint> <name:str:256> [<type:enum:${IKE_NAME_TYPES}>]`, context: 'any', source: 'CR §15.14' },
  // facts §1.4 (CR §15.20, §15.21): interval 1..600, count 1..50, upwait 0..1000000
  {
    id: 'ipsec ike keepalive use',
    syntax: 'ipsec ike keepalive use <gateway:uint> <switch:enum:on|off|auto> [<method:enum:heartbeat|dpd|rfc4306>] [<interval:int:1..600> <count:int:1..50> [<upwait:int:0..1000000>]]',
    context: 'any',
    source: 'CR §15.20',
  },
  {
    id: 'ipsec ike keepalive use',
    syntax: 'ipsec ike keepalive use <gateway:uint> <switch:enum:on|off|auto> icmp-echo <target:ip> [<interval:int:1..600> <count:int:1..50> [<upwait:int:0..1000000>]]',
    context: 'any',
    source: 'CR §15.20',
  },
  { id: 'ipsec ike keepalive log', syntax: 'ipsec ike keepalive log <gateway:uint> <log:onoff>', context: 'any', source: 'CR §15.21' },
  // facts §1.4 (CR §15.48.5)
  {
    id: 'ipsec ike nat-traversal',
    syntax: 'ipsec ike nat-traversal <gateway:uint> <switch:onoff> [keepalive=<keepalive:intor:30..100000:off>] [force=<force:onoff>] [type=<type:enum:1|2>]',
    context: 'any',
    source: 'CR §15.48.5',
  },
  // facts §1.4 (CR §15.42)
  { id: 'ipsec ike log', syntax: 'ipsec ike log [<gateway:uint>] <kinds:enum:message-info|payload-info|key-info>...', context: 'any', source: 'CR §15.42' },
];
