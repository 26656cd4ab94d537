// `show bridge learning [bridgeN]` (CR §58.9). ASSUMPTION: the output format (facts §3.8:
// "Output format NOT FOUND"); our choice: a summary line per bridge, then one row per entry
// sorted by MAC address, age in seconds for learned entries.

import type { BridgeTableView } from '../../../bridge/learning-bridge.ts';

export function showBridgeLearningLines(views: readonly BridgeTableView[]): string[] {
  const lines: string[] = [];
  for (const v of views) {
    const dynamic = v.rows.filter((r) => r.type === 'dynamic').length;
    const statics = v.rows.length - dynamic;
    const timer = v.ageingMs === null ? 'off' : `${Math.round(v.ageingMs / 1000)}s`;
    lines.push(`${v.bridge}: learning ${v.learning ? 'on' : 'off'}, timer ${timer}, dynamic ${dynamic}/${v.dynamicCapacity}, static ${statics}/${v.staticCapacity}`);
    lines.push('MAC address        Interface    Type     Age');
    for (const r of v.rows) {
      const age = r.idleMs === undefined ? '-' : String(Math.floor(r.idleMs / 1000));
      lines.push(`${r.mac.padEnd(19)}${r.member.padEnd(13)}${r.type.padEnd(9)}${age}`);
    }
  }
  return lines;
}
