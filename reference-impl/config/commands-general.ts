// Command rows for interfaces, VLANs, filters, NAT, DHCP, NetVolante DNS and management.
// Where the digest gives no syntax section, the row follows the real configs in
// yamaha-platform-facts.md §2.1 [BLOG-830] and keeps the unexplained tail as plain words.

import type { CommandSpec } from './command-spec.ts';

export const INTERFACE_COMMANDS: readonly CommandSpec[] = [
  // facts §1.3 (CR §8.1.2): `ip IF address ADDR/MASK [broadcast IP]` or `ip IF address dhcp [autoip=on|off]`
  { id: 'ip address', syntax: 'ip <interface:iface> address <address:ipv4prefix> [broadcast <broadcast:ipv4>]', context: 'any', source: 'CR §8.1.2' },
  { id: 'ip address', syntax: 'ip <interface:iface> address dhcp [autoip=<autoip:onoff>]', context: 'any', source: 'CR §8.1.2' },
  // a PP interface's own address may be given without a mask (real-configs/hrst-center-l2tpv3-l2tp.conf)
  { id: 'ip address', syntax: 'ip <interface:iface:pp> address <address:ipv4>', context: 'any', source: 'real configs (CR ch.8)' },
  // facts §1.5 (CR §8.1.25): `ip IF secure filter in|out [list] [dynamic list]`; `ip tunnel ...` in tunnel context
  {
    id: 'ip secure filter',
    syntax: 'ip <interface:iface> secure filter <direction:enum:in|out> [<filters:uint>...] [dynamic <dynamicFilters:uint>...]',
    context: 'any',
    source: 'CR §8.1.25',
  },
  // facts §1.3 (CR §12.1.15)
  { id: 'ip dhcp service', syntax: 'ip <interface:iface> dhcp service <service:enum:server|relay|off>', context: 'any', source: 'CR §12.1.15' },
  // facts §2.1 [BLOG-830]: `ip lan2 nat descriptor 1`
  { id: 'ip nat descriptor', syntax: 'ip <interface:iface> nat descriptor <descriptors:uint>...', context: 'any', source: 'facts §2.1 [BLOG-830]' },
  // The `ip filter` syntax is not in the digest: number, action, then its fields as words.
  { id: 'ip filter', syntax: 'ip filter <number:uint> <action:word> <fields:word>...', context: 'any', source: 'CR ch.8 (syntax not in digest)' },
  { id: 'ip filter dynamic', syntax: 'ip filter dynamic <number:uint> <fields:word>...', context: 'any', source: 'CR ch.8 (syntax not in digest)' },
  { id: 'ip filter set', syntax: 'ip filter set <fields:word>...', context: 'any', source: 'CR ch.8 (syntax not in digest)' },
  // facts §1.6 (CR §38.1): vid 2..4094
  { id: 'vlan', syntax: 'vlan <interface:iface:lansub> 802.1q vid=<vid:int:2..4094> [name=<name:word>]', context: 'any', source: 'CR §38.1' },
];

// Port-based VLANs, LAN port options and link aggregation, as real RTX1210/RTX830 configs use them
// around L2VPN sites. CR §38.2-38.4 are not in the digest: their syntax is the command reference's
// chapter 38 as mirrored in github.com/shin1ohno/terraform-provider-rtx docs/RTX-commands/ (commit
// b159bcd0). `lan type` and `lan link-aggregation static` have no syntax source here: the command
// names are [RTSIM]'s, the parameters are kept as words (shape of topologies/real-configs/).
export const LAN_COMMANDS: readonly CommandSpec[] = [
  // CR §38.2: `vlan port mapping sw_port vlan_interface`, sw_port lan1.N/lan2.N, vlan_interface vlanN
  { id: 'vlan port mapping', syntax: 'vlan port mapping <interface:iface:swport> <vlan:iface:vlanif>', noSyntax: 'vlan port mapping <interface:iface:swport> [<vlan:iface:vlanif>]', context: 'any', source: 'CR §38.2' },
  // CR §38.3, §38.4 (RTX830 Rev.15.02.31+, RTX1220 Rev.15.04.07+: not gated here)
  { id: 'vlan interconnect group', syntax: 'vlan interconnect group <interface:iface:lan> <groups:word>...', context: 'any', source: 'CR §38.3' },
  { id: 'vlan interconnect log', syntax: 'vlan interconnect log <interface:iface:lan> <types:enum:pass|reject>...', context: 'any', source: 'CR §38.4' },
  // e.g. `lan type lan1 port-based-option=divide-network` (real-configs/README.md)
  { id: 'lan type', syntax: 'lan type <interface:iface:lan> <options:word>...', context: 'any', source: '[RTSIM] name; real configs' },
  // e.g. `lan link-aggregation static 1 lan1:1 lan1:5` (real-configs/README.md)
  { id: 'lan link-aggregation static', syntax: 'lan link-aggregation static <id:uint> <ports:iface:lanport>...', context: 'any', source: '[RTSIM] name; real configs' },
];

// RIP as real configs use it on LAN and VLAN interfaces; names from [RTSIM], parameters beyond
// on/off kept as words (the RIP chapter is not in the digest).
export const RIP_COMMANDS: readonly CommandSpec[] = [
  { id: 'rip use', syntax: 'rip use <switch:onoff>', context: 'any', source: '[RTSIM] name' },
  { id: 'ip rip send', syntax: 'ip <interface:iface> rip send <switch:onoff> [<options:word>...]', context: 'any', source: '[RTSIM] name; real configs' },
  { id: 'ip rip receive', syntax: 'ip <interface:iface> rip receive <switch:onoff> [<options:word>...]', context: 'any', source: '[RTSIM] name; real configs' },
  { id: 'ip rip filter', syntax: 'ip <interface:iface> rip filter <direction:enum:in|out> <filters:uint>...', context: 'any', source: '[RTSIM] name; real configs' },
];

export const ETHERNET_FILTER_COMMANDS: readonly CommandSpec[] = [
  // The `ethernet filter` syntax (CR §9.1) is not in the digest: number, kind, then fields as words.
  { id: 'ethernet filter', syntax: 'ethernet filter <number:uint> <kind:word> <fields:word>...', context: 'any', source: 'CR §9.1 (syntax not in digest)' },
  // facts §1.5 (CR §9.2): `ethernet IF filter in|out list`; list length checked by the validator
  { id: 'ethernet interface filter', syntax: 'ethernet <interface:iface> filter <direction:enum:in|out> <filters:uint>...', context: 'any', source: 'CR §9.2' },
];

export const NAT_COMMANDS: readonly CommandSpec[] = [
  // facts §1.4 and §2.1 [BLOG-830] (syntax as used in the real configs)
  { id: 'nat descriptor type', syntax: 'nat descriptor type <descriptor:uint> <type:enum:none|nat|masquerade|nat-masquerade>', context: 'any', source: 'facts §2.1 [BLOG-830]' },
  { id: 'nat descriptor address outer', syntax: 'nat descriptor address outer <descriptor:uint> <addresses:word>...', context: 'any', source: 'facts §2.1 [BLOG-830]' },
  { id: 'nat descriptor address inner', syntax: 'nat descriptor address inner <descriptor:uint> <addresses:word>...', context: 'any', source: 'facts §2.1 [BLOG-830]' },
  {
    id: 'nat descriptor masquerade static',
    syntax: 'nat descriptor masquerade static <descriptor:uint> <entry:uint> <inner:ipv4> <protocol:word> [<port:word>]',
    context: 'any',
    source: 'facts §1.4, §2.1 [BLOG-830]',
  },
];

export const SERVICE_COMMANDS: readonly CommandSpec[] = [
  // facts §7 and §2.1: `syslog notice on`, `syslog debug on`
  { id: 'syslog level', syntax: 'syslog <level:enum:notice|info|debug> <switch:onoff>', context: 'any', source: 'facts §7, §2.1 [BLOG-830]' },
  { id: 'syslog host', syntax: 'syslog host <host:word> [<options:word>...]', context: 'any', source: 'CR syslog chapter (syntax not in digest)' },
  // facts §3.3 (CR §4.21-4.24), §3.2 (CR §4.20)
  { id: 'console character', syntax: 'console character <charset:enum:en.ascii|ja.sjis|ja.euc|ja.utf8|ascii|sjis|euc>', context: 'any', source: 'CR §4.21' },
  // 80..4096 (80..200 on RTX5000/3500 and older firmware: the validator narrows it)
  { id: 'console columns', syntax: 'console columns <columns:int:80..4096>', context: 'any', source: 'CR §4.22' },
  { id: 'console lines', syntax: 'console lines <lines:intor:10..100:infinity>', context: 'any', source: 'CR §4.23' },
  { id: 'console info', syntax: 'console info <info:onoff>', context: 'any', source: 'CR §4.24' },
  { id: 'console prompt', syntax: 'console prompt <prompt:str:64>', context: 'any', source: 'CR §4.20' },
  // facts §3.1, §3.4: passwords may be shown `encrypted`; their length limits are not in the digest
  { id: 'login password', syntax: 'login password encrypted <password:secret>', noSyntax: 'login password', context: 'any', source: 'facts §3.4 [BLOG-1500]' },
  { id: 'login password', syntax: 'login password [<password:secret>]', noSyntax: 'login password', context: 'any', source: 'facts §3.1' },
  { id: 'administrator password', syntax: 'administrator password encrypted <password:secret>', noSyntax: 'administrator password', context: 'any', source: 'facts §3.4 [BLOG-1500]' },
  { id: 'administrator password', syntax: 'administrator password [<password:secret>]', noSyntax: 'administrator password', context: 'any', source: 'facts §3.1' },
  { id: 'login user', syntax: 'login user <user:word> [encrypted] <password:secret>', noSyntax: 'login user <user:word>', context: 'any', source: 'facts §3.1' },
  { id: 'login timer', syntax: 'login timer <timer:intor:120..21474836:clear>', context: 'any', source: 'CR §4.53' },
  // facts §3.1: SSH needs `sshd host key generate` and `sshd service on`
  { id: 'sshd service', syntax: 'sshd service <switch:onoff>', context: 'any', source: 'facts §3.1' },
  { id: 'sshd host key generate', syntax: 'sshd host key generate [<options:word>...]', context: 'any', source: 'facts §3.1' },
  { id: 'sshd host', syntax: 'sshd host <hosts:word>...', context: 'any', source: 'facts §3.1' },
  // facts §1.6 (CR §34.1, §34.6)
  { id: 'netvolante-dns use', syntax: 'netvolante-dns use <interface:iface> <switch:enum:auto|off>', context: 'any', source: 'CR §34.1' },
  {
    id: 'netvolante-dns hostname host',
    syntax: 'netvolante-dns hostname host <interface:iface> [server=<server:enum:1|2>] <host:word> [duplicate]',
    context: 'any',
    source: 'CR §34.6',
  },
  // DHCP server (facts §1.3; the `dhcp` chapter's syntax is not in the digest)
  { id: 'dhcp service', syntax: 'dhcp service <service:enum:server|relay|off>', context: 'any', source: 'CR ch.12 (syntax not in digest)' },
  { id: 'dhcp scope', syntax: 'dhcp scope <scope:uint> <range:word> [<options:word>...]', context: 'any', source: 'CR ch.12 (syntax not in digest)' },
];
