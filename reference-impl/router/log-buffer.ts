// The router's log (`show log`, `clear log`): a bounded buffer that drops the oldest lines first.
import type { LogEntry } from './device.ts';

// yamaha-platform-facts.md §3.5 (CR §59.1): capacity 10000 lines on RTX1300/1220/1210/840/830,
// 20000 on vRX/RTX5000/3510/3500.
export const LOG_CAPACITY_BY_MODEL: Readonly<Record<string, number>> = {
  RTX1300: 10000,
  RTX1220: 10000,
  RTX1210: 10000,
  RTX840: 10000,
  RTX830: 10000,
  'vRX VMware ESXi版': 20000,
  RTX5000: 20000,
  RTX3510: 20000,
  RTX3500: 20000,
};

// ASSUMPTION: models the digest does not list (NVR700W, RTX810, RTX1200) keep 10000 lines
// (not documented; a hardware run confirms or refutes).
export const LOG_CAPACITY_DEFAULT = 10000;

export function logCapacity(model: string): number {
  return LOG_CAPACITY_BY_MODEL[model] ?? LOG_CAPACITY_DEFAULT;
}

export class LogBuffer {
  private lines: LogEntry[] = [];

  constructor(readonly capacity: number) {}

  add(entry: LogEntry): void {
    this.lines.push(entry);
    if (this.lines.length > this.capacity) this.lines.splice(0, this.lines.length - this.capacity);
  }

  entries(): readonly LogEntry[] {
    return this.lines;
  }

  clear(): void {
    this.lines = [];
  }
}
