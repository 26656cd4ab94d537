// `l2tpv3-conformance profile learn --lab LAB.yaml [--device ROLE] [--out FILE]` (issue 16 point 3):
// drives a physical device of the inventory and the tester peer through learn mode's probes
// (drivers/learn/), writes the firmware profile file and prints which named assumptions the device
// confirmed and which it refuted. Exit 0 when it could probe (refutations are findings, not
// failures), 3 on a lab error (preflight failed, device unreachable, probe config refused).
import { runPreflight, preflightLines } from '../drivers/preflight/preflight.ts';
import { learnDevice, LearnLabError } from '../drivers/learn/learn.ts';
import { buildProfile, profileLines, writeProfile } from '../drivers/learn/profile-file.ts';
import { inventoryDevices, LabSelectionError, type SuiteDevice } from '../suites/support/devices.ts';
import { parseShowStatusL2tp } from '../suites/support/lab-console.ts';
import { configDevice, harnessBinds, JOURNAL_DIR, physicalTarget, preflightDevice, PhysicalDeviceError } from '../suites/support/physical-device.ts';
import { identityFolder } from '../drivers/config/identity.ts';
import { CliSession } from '../drivers/cli/session.ts';
import { SshTransport } from '../drivers/cli/transports/ssh.ts';
import { Redactor } from '../drivers/transcript/redactor.ts';
import { TranscriptRecorder } from '../drivers/transcript/transcript.ts';
import type { ConfigDevice } from '../drivers/config/push.ts';
import type { FilterProbe } from '../drivers/learn/learn.ts';
import { expectedOrder, probeConfig, probeFrame, stageOfLogLine } from '../suites/support/filter-probe.ts';
import { capabilities } from '../reference-impl/platform/index.ts';
import { invoke, PROGRAM, type CommandDef } from './command-table.ts';
import { EXIT, UsageError } from './exit-codes.ts';

const LEARN: CommandDef = {
  name: 'learn',
  summary: "probe a physical device and write its firmware profile: which of the project's assumptions it confirms or refutes",
  description:
    'Reads the device\'s identity (show environment), pushes one probe tunnel towards the tester peer (journaled, rolled back\n' +
    'even on failure), brings a session up and records its SCCRP (Receive Window Size, Vendor Name), its first\n' +
    'retransmission interval (the peer drops its first SCCRP), how it acknowledges, the cookie, L2-Specific Sublayer and\n' +
    "Data Sequencing AVPs of its ICRP, the syslog lines it sent, `show status l2tp`, and the error of a refused command; each is compared\n" +
    "with the project's named assumption (syslog catalogue, control profile, config oracle, show formats). Exit 0 when it\n" +
    'could probe (refuted assumptions are findings), 3 on a lab error (preflight, unreachable device, refused probe config).',
  flags: [
    { name: 'lab', type: 'string', valueName: 'LAB.yaml', input: 'text', required: true, help: 'lab inventory (topologies/labs/*.yaml) naming the physical device and the harness addresses' },
    { name: 'device', type: 'string', valueName: 'ROLE', help: "the inventory role to learn (default: the inventory's only physical device)" },
    { name: 'out', type: 'string', valueName: 'FILE', output: 'file', help: 'where to write the profile (default: profile-MODEL_SERIAL.json in the current folder)' },
    { name: 'transcript', type: 'string', valueName: 'FILE', output: 'file', help: "record the learn run's CLI sessions (JSON lines, secrets masked): a replay fixture for driver tests (drivers/cli/transports/replay.ts)" },
    { name: 'filter-order', type: 'boolean', help: 'also probe the filter stage order: bridges lan1 with the probe tunnel (rolled back) and sends one IPv4 frame from the tester peer out of lan1' },
    { name: 'json', type: 'boolean', help: 'print the profile (JSON) on stdout instead of the text report' },
  ],
  examples: [`${PROGRAM} profile learn --lab topologies/labs/bench.yaml --device bench --out rtx1210-14.01.26.json`],
  run: (args) => profileLearn(args.string('lab')!, args.string('device'), args.string('out'), args.bool('json'), args.string('transcript'), args.bool('filter-order')),
};

export const PROFILE_COMMAND: CommandDef = {
  name: 'profile',
  summary: 'firmware profiles learned from physical devices',
  subcommands: [LEARN],
};

function pickDevice(devices: readonly SuiteDevice[], role: string | undefined, lab: string): SuiteDevice {
  const physical = devices.filter((d) => d.kind === 'physical');
  if (role !== undefined) {
    const d = devices.find((x) => x.role === role);
    if (!d) throw new UsageError(`--device: ${lab} has no role '${role}' (roles: ${devices.map((x) => x.role).join(', ')})`);
    if (d.kind !== 'physical') throw new UsageError(`--device: role '${role}' in ${lab} is ${d.kind}: learn mode probes a physical device`);
    return d;
  }
  if (physical.length !== 1) throw new UsageError(`${lab} has ${physical.length} physical devices: name one with --device ROLE`);
  return physical[0];
}

async function profileLearn(lab: string, role: string | undefined, out: string | undefined, json: boolean, transcriptFile?: string, withFilterOrder = false): Promise<number> {
  const say = (l: string) => process.stderr.write(`${PROGRAM} profile learn: ${l}\n`);
  let devices: SuiteDevice[];
  try {
    devices = inventoryDevices(lab);
  } catch (e) {
    if (e instanceof LabSelectionError) throw new UsageError(e.message);
    throw e;
  }
  const device = pickDevice(devices, role, lab);
  // the bench preflight of `run`: credentials set, reachable, identity as the inventory says, a dead run's journal restored, addresses bindable
  const pre = await runPreflight({ devices: [preflightDevice(device)], binds: harnessBinds([device]), journalDir: JOURNAL_DIR, log: (l) => say(`preflight: ${l}`) });
  if (!pre.ok) {
    for (const l of preflightLines(pre)) say(l);
    say('preflight failed: a lab error, nothing was probed');
    return EXIT.harness;
  }
  let target;
  try {
    target = physicalTarget(device);
  } catch (e) {
    if (e instanceof PhysicalDeviceError) {
      say(e.message);
      return EXIT.harness;
    }
    throw e;
  }
  if (target.peerAddresses.length === 0) {
    say(`${lab}: harness.peer_addresses is empty: the tester peer needs one address`);
    return EXIT.harness;
  }
  const secrets = [target.password, target.adminPassword];
  // SIGINT/SIGTERM: the running probe ends (every wait is bounded) and the device is rolled back
  // before the exit (130); a second signal exits at once, and the journal left behind is restored
  // by the next preflight (of learn or run).
  const abort = new AbortController();
  const onSignal = (sig: NodeJS.Signals) => {
    if (abort.signal.aborted) {
      say(`second ${sig}: exiting now; the rollback journal stays and the next preflight restores the device`);
      process.exit(EXIT.interrupted);
    }
    say(`interrupted by ${sig}: finishing the running probe and rolling the device back`);
    abort.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let obs;
  try {
    obs = await learnDevice({
      role: device.role, device: recordedDevice(configDevice(target), target, transcriptFile), wan: target.wan, peerAddress: target.peerAddresses[0], syslog: target.syslog,
      journalDir: JOURNAL_DIR, secrets, parseShowStatus: parseShowStatusL2tp, log: say,
      ...(withFilterOrder ? { filterProbe: filterProbeFor(device) } : {}), signal: abort.signal,
    });
  } catch (e) {
    if (e instanceof LearnLabError) {
      say(e.message);
      return abort.signal.aborted ? EXIT.interrupted : EXIT.harness;
    }
    throw e;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  if (abort.signal.aborted) {
    say('interrupted: the device was rolled back; no profile written');
    return EXIT.interrupted;
  }
  const profile = buildProfile(device.role, obs, new Date().toISOString());
  const file = out ?? `profile-${identityFolder(obs.identity)}.json`;
  writeProfile(file, profile);
  if (json) process.stdout.write(JSON.stringify(profile, null, 2) + '\n');
  else for (const l of profileLines(profile)) process.stdout.write(`${l}\n`);
  say(`profile written to ${file}`);
  return EXIT.ok;
}

/**
 * The device as the config driver reaches it, its sessions recorded into one transcript when asked
 * (each connection starts with an `open` event, so the replay serves them in turn). Login as the
 * suites do: `save` answered N.
 */
function recordedDevice(base: ConfigDevice, t: ReturnType<typeof physicalTarget>, transcriptFile: string | undefined): ConfigDevice {
  if (!transcriptFile) return { ...base, log: undefined };
  const transcript = new TranscriptRecorder({ redactor: new Redactor([t.password, t.adminPassword]), path: transcriptFile });
  return {
    ...base, log: undefined,
    session: () => new CliSession({
      transport: () => new SshTransport({ host: t.ssh.host, port: t.ssh.port, username: t.ssh.user, password: t.password }),
      credentials: { password: t.password, adminPassword: t.adminPassword }, saveAnswer: 'N', transcript, model: t.model,
    }),
  };
}

/** Addresses of the probe frame (suites/filters.spec.ts's LAN and far hosts: documentation-style, never routed off the LAN). */
const FAR_HOST = { mac: '02:00:00:00:03:0b', ip: '192.168.100.20' };
const LAN_HOST = { mac: '02:00:00:00:01:0a', ip: '192.168.100.10' };

/** The stage-order probe of suites/support/filter-probe.ts for frames from the tunnel out of lan1 (the direction a harness without a LAN host can drive). */
function filterProbeFor(device: SuiteDevice): FilterProbe {
  const caps = capabilities(device.model, device.firmware);
  const probe = probeConfig(caps, 'out');
  return {
    lines: (tunnel) => [...probe.lines, `bridge member bridge1 lan1 tunnel${tunnel}`],
    probed: probe.stages,
    expected: expectedOrder(caps, 'out', probe.stages),
    frame: probeFrame(FAR_HOST, LAN_HOST, 'l2tpv3-learn-filter-order'),
    stageOf: (text) => stageOfLogLine(text)?.stage,
  };
}

/** `profile ...` argv (tests call this). */
export function profileCommand(argv: string[]): Promise<number> {
  return invoke(PROFILE_COMMAND, argv, [PROGRAM, 'profile']);
}
