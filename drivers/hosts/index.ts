// Traffic hosts: Linux hosts in namespaces made by the harness, and remote Linux hosts over SSH.
export { NamespaceHost, type NamespaceHostOptions, type PingResult } from './namespace-host.ts';
export { RemoteLinuxHost, type RemoteHostOptions } from './remote-host.ts';
export { DhcpClient, DhcpServer, type DhcpServerOptions } from './dhcp.ts';
export * from './netns.ts';
export { runCommand, mustRun, hasProgram, CommandError, type CommandResult } from './command.ts';
