// `show config` (facts §3.4, real RTX830 output): five `#` header lines, then the config with
// `tunnel select N` blocks indented 1 space and IPsec lines under `ipsec tunnel` 2 spaces.

import type { DeviceIdentity } from '../../device.ts';
import { formatReportingDate } from '../time-format.ts';

// ASSUMPTION: the `ver=00` hardware version in the `# main:` line (the digest's sample shows
// `ver=00`; other units differ).
export const HARDWARE_VERSION = '00';

export function showConfigLines(id: DeviceIdentity, nowMs: number, offsetMinutes: number, configLines: readonly string[]): string[] {
  const macs = id.macAddresses;
  return [
    `# ${id.model} Rev.${id.firmware} (${id.buildDate})`,
    `# MAC Address : ${macs.join(', ')}`,
    `# Memory ${id.memoryMBytes}Mbytes, ${macs.length}LAN`,
    `# main:  ${id.model} ver=${HARDWARE_VERSION} serial=${id.serial}${macs.map((m) => ` MAC-Address=${m}`).join('')}`,
    `# Reporting Date: ${formatReportingDate(nowMs, offsetMinutes)}`,
    ...configLines,
  ];
}
