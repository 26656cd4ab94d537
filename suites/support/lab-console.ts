// The tunnel state of a lab router as an operator reads it: `show status l2tp` (CR §58.21) on the
// router's serial console (drivers/cli over the emulated router's pty, as `lab up` reports it; the
// seed configs define no login user, so SSH is closed and the console asks no password).
// ASSUMPTION: the layout parsed here (`TUNNEL[N]:`, `State: ...`, `Session ID: ..., state ...`)
// is the emulated router's (its show format is our choice: facts §3.7 has no output format);
// a hardware run confirms or refutes it.
import { CliSession } from '../../drivers/cli/session.ts';
import { SerialTransport } from '../../drivers/cli/transports/serial.ts';
import type { RouterAccess } from '../../drivers/lab/index.ts';

export interface TunnelStatus {
  readonly tunnel: number;
  readonly state: string;
  readonly sessionStates: readonly string[];
}

/** The tunnels of `show status l2tp` output lines (wrapped lines already joined by CliSession). */
export function parseShowStatusL2tp(lines: readonly string[]): TunnelStatus[] {
  const out: { tunnel: number; state: string; sessionStates: string[] }[] = [];
  for (const line of lines) {
    const head = /^TUNNEL\[(\d+)\]:/.exec(line.trim());
    if (head) {
      out.push({ tunnel: Number(head[1]), state: '', sessionStates: [] });
      continue;
    }
    const cur = out[out.length - 1];
    if (!cur) continue;
    const state = /^State:\s*(\S+)/.exec(line.trim());
    if (state) cur.state = state[1];
    const session = /^Session ID:.*\bstate (\S+?),?(\s|$)/.exec(line.trim());
    if (session) cur.sessionStates.push(session[1]);
  }
  return out;
}

export const isEstablished = (s: TunnelStatus | undefined) => s !== undefined && s.state === 'established' && s.sessionStates.includes('established');

export class RouterConsole {
  /** The last `show status l2tp` lines (evidence). */
  lastOutput: string[] = [];

  private constructor(
    readonly router: string,
    private readonly session: CliSession,
  ) {}

  static async open(r: RouterAccess): Promise<RouterConsole> {
    if (r.consolePty === undefined) throw new Error(`router ${r.name}: the lab reports no console pty`);
    const path = r.consolePty;
    const session = new CliSession({
      transport: () => new SerialTransport({ path }),
      model: r.model, // the CLI tables' per-model rows for it apply
      // facts §3.1 "if nothing appears, press Enter once": the lab routers' consoles show nothing on open, so Enter at once
      timeouts: { loginNudgeMs: 0, loginMs: 10_000, commandMs: 10_000 },
      // no pager (`console lines` is a user-level command, facts §3.3): a hub's status is longer than 24 lines
      setupCommands: ['console lines infinity'],
    });
    await session.connect();
    return new RouterConsole(r.name, session);
  }

  async tunnels(): Promise<TunnelStatus[]> {
    const r = await this.session.run('show status l2tp');
    this.lastOutput = r.lines;
    return parseShowStatusL2tp(r.lines);
  }

  async close(): Promise<void> {
    await this.session.close().catch(() => undefined);
  }
}

export interface WantedTunnel {
  readonly router: string;
  readonly tunnel: number;
}

/**
 * Asks each router's console, one `show status l2tp` after the other, until every wanted tunnel
 * has an established session or `timeoutMs` has passed; resolves the last status of each router.
 */
export async function waitForEstablished(consoles: readonly RouterConsole[], wanted: readonly WantedTunnel[], timeoutMs: number): Promise<{ ok: boolean; status: Map<string, TunnelStatus[]> }> {
  const end = Date.now() + timeoutMs;
  const status = new Map<string, TunnelStatus[]>();
  for (;;) {
    for (const c of consoles) status.set(c.router, await c.tunnels());
    const ok = wanted.every((w) => isEstablished(status.get(w.router)?.find((s) => s.tunnel === w.tunnel)));
    if (ok || Date.now() >= end) return { ok, status };
    // the next answer is the event we wait for; a short pause keeps the consoles from being flooded
    await new Promise((r) => setTimeout(r, 100));
  }
}
