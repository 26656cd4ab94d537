// One run of an emulated router for a device under test: the router process (router-process.ts)
// started with the test's config, the refused config's output, the trace lines of its start and
// stop, and a stop that happens once. The loopback device (emulated-dut.ts) and the device behind
// an IPv6-only access service (underlay-dut.ts) differ only in how they start it.
import type { Duplex } from 'node:stream';
import type { CliSession } from '../cli/session.ts';
import type { DutStartResult } from './device-under-test.ts';
import { adminCli } from './router-cli.ts';
import { RouterProcess, type RouterProcessOptions } from './router-process.ts';

export class EmulatedRouterRun {
  /** The router process while it runs (tests of the emulator itself read its pid or config file). */
  router?: RouterProcess;
  private refusal?: string;
  private stopped = false;

  constructor(
    private readonly role: string,
    /** The device's trace: what the harness did to it, in order. */
    private readonly trace: string[],
  ) {}

  /** Starts the router; `said` words the trace line of a refusal (`refused the config`) or of the ready router. */
  async start(o: RouterProcessOptions, said: { what: string; ready: (r: RouterProcess) => string }): Promise<DutStartResult> {
    if (this.router) throw new Error(`${this.role}: already started`);
    const r = await RouterProcess.run(o);
    if (r.kind === 'exited') {
      this.refusal = r.output;
      this.trace.push(`start: ${said.what} refused the config (exit ${r.code})`);
      return { kind: 'refused', output: r.output };
    }
    this.router = r.router;
    this.trace.push(`start: ${said.what} router process ${r.router.pid ?? '?'} ready${said.ready(r.router)}`);
    return { kind: 'accepted' };
  }

  get running(): boolean {
    return this.router !== undefined && !this.stopped;
  }

  /** An administrator CLI session over the router's SSH (`connect`: the TCP connection, where it must be made elsewhere). */
  adminCli(connect?: (host: string, port: number) => Promise<Duplex>): Promise<CliSession> {
    if (!this.router) throw new Error('adminCli: start the router first');
    return adminCli(this.router, connect);
  }

  get savedConfigFile(): string | undefined {
    return this.router?.configFile;
  }

  /** The router's console, or the refused config's output. */
  get console(): string | undefined {
    return this.router?.log ?? this.refusal;
  }

  async close(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (!this.router) return;
    await this.router.stop();
    this.trace.push(`stop: router process ${this.router.pid ?? '?'} ended`);
  }
}
