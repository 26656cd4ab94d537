// `show environment`: the layout of the RTX1200 sample in [FAKENOS] (facts §3.9, inferred real).
// The long `main:` line is wrapped by the console at its width, as in the sample.

import type { DeviceIdentity, EnvironmentStatus } from '../../device.ts';
import { formatDateTime, formatOffset, splitDuration } from '../time-format.ts';
import { HARDWARE_VERSION } from './show-config.ts';

// ASSUMPTION: figures the emulated router cannot know (BootROM version, packet buffers, firmware
// and config slots, security class); fixed values in the sample's shape.
export const ENVIRONMENT_FIXED = {
  bootRom: 'Ver.1.00',
  packetBuffer: 'Packet-buffer:   0%(small)   0%(middle)   0%(large)   0%(huge) used',
  slots: ['Firmware: exec0  Config. file: config0', 'Default firmware: exec0  Default config. file: config0'],
  security: 'Security Class: 1, FORGET: ON, TELNET: OFF',
};

export function showEnvironmentLines(id: DeviceIdentity, env: EnvironmentStatus, nowMs: number, offsetMinutes: number): string[] {
  const f = ENVIRONMENT_FIXED;
  const up = splitDuration(nowMs - id.bootTimeMs);
  const pad = (n: number) => String(n).padStart(2, '0');
  const cpu = env.cpuPercent;
  return [
    `${id.model} BootROM ${f.bootRom}`,
    `${id.model} Rev.${id.firmware} (${id.buildDate})`,
    `  main:  ${id.model} ver=${HARDWARE_VERSION} serial=${id.serial}${id.macAddresses.map((m) => ` MAC-Address=${m}`).join('')}`,
    `CPU: ${String(cpu.sec5).padStart(3)}%(5sec) ${String(cpu.min1).padStart(3)}%(1min) ${String(cpu.min5).padStart(3)}%(5min)    Memory: ${env.memoryUsedPercent}% used`,
    f.packetBuffer,
    ...f.slots,
    `Boot time: ${formatDateTime(id.bootTimeMs, offsetMinutes)} ${formatOffset(offsetMinutes)}`,
    `Current time: ${formatDateTime(nowMs, offsetMinutes)} ${formatOffset(offsetMinutes)}`,
    `Elapsed time from boot: ${up.days}days ${pad(up.hours)}:${pad(up.minutes)}:${pad(up.seconds)}`,
    f.security,
    `Inside Temperature(C.): ${env.temperatureC}`,
  ];
}
