// Which devices a conformance run tests: one Playwright project per device. The default lab is
// emulated: every model of the seed's support table at its newest documented revision; the full
// matrix is one emulated device per support-table band (supportBands()); a lab inventory file
// (topologies/labs/*.yaml) names the devices itself. Nothing here is typed per model.
import { existsSync, statSync } from 'node:fs';
import { loadInventory, formatDiagnostic } from '../../topologies/schema/index.ts';
import { MODEL_NAMES, formatRevision, supportBands, type Revision } from '../../reference-impl/platform/index.ts';
import type { ProfileVariantName } from '../../reference-impl/control/profile-variants.ts';
import type { ControlProfile } from '../../reference-impl/control/control-profile.ts';
import { learnedControlOverrides, learnedProfileFor } from '../../drivers/learn/profile-lookup.ts';
import { ProfileFileError } from '../../drivers/learn/profile-file.ts';
import { UNDERLAY_KINDS, underlayConfigLines, underlayEndpoint, underlayPeerAddress, type UnderlayKind } from '../../drivers/dut/underlay-service.ts';
import { routerConfig } from '../../drivers/dut/lab-config.ts';
import { predictConfig } from './oracle-config.ts';

export interface SuiteDevice {
  /** Model name as the seed prints it. */
  readonly model: string;
  /** `Rev.15.02.22`, or `any` for a model whose support does not depend on the revision. */
  readonly firmware: string;
  readonly kind: 'emulated' | 'physical';
  /** Role in the lab inventory (default lab: the model name). */
  readonly role: string;
  /** Defects the emulated router carries (inventory `defects:` plus the run's --defect). */
  readonly defects: readonly string[];
  /** A physical device: how the suites reach it (from the lab inventory). */
  readonly access?: PhysicalAccess;
  /**
   * An emulated firmware-profile variant (reference-impl/control/profile-variants.ts); undefined: the
   * default profile. Suites read their expectations from deviceControlProfile(device) (device-profile.ts).
   */
  readonly profile?: ProfileVariantName;
  /**
   * A physical device's firmware profile learned by `profile learn` (`run --profiles DIR`): the
   * suites predict it with these control values over the default profile (device-profile.ts).
   */
  readonly learned?: LearnedProfileRef;
  /**
   * An emulated device behind an IPv6-only access service (drivers/dut/underlay-dut.ts): its L2TPv3
   * inside an IPIP or MAP-E tunnel, the tester peers on the IPv4 internet beyond the ISP's relay.
   */
  readonly underlay?: UnderlayKind;
}

/** Which learned profile file a device runs with, and its control values (validated overrides). */
export interface LearnedProfileRef {
  readonly file: string;
  readonly learnedAt: string;
  readonly control: Partial<ControlProfile>;
}

/** What the suites need of a physical device and of the harness around it (inventory fields). */
export interface PhysicalAccess {
  readonly inventory: string;
  readonly ssh?: { readonly host: string; readonly port: number; readonly user: string; readonly passwordEnv: string; readonly adminPasswordEnv?: string };
  readonly wan?: { readonly address: string; readonly l2tpPort: number };
  readonly harness?: { readonly peerAddresses: readonly string[]; readonly syslog: { readonly address: string; readonly port: number } };
}

export class LabSelectionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LabSelectionError';
  }
}

const revText = (r: Revision | 'any'): string => (r === 'any' ? 'any' : formatRevision(r));

/** Every band of the seed's table, one emulated device each (the band's sample revision). */
export function fullMatrixDevices(): SuiteDevice[] {
  return supportBands().map((b) => ({ model: b.model, firmware: revText(b.sampleRevision), kind: 'emulated', role: b.model, defects: [] }));
}

/**
 * The full matrix's underlay devices: every model at its newest band behind each IPv6-only access
 * service (IPIP, MAP-E), where the oracle accepts the service's tunnel lines on that model (a model
 * that refuses them is the examples area's refusal check, suites/underlay.spec.ts).
 */
export function underlayDevices(): SuiteDevice[] {
  return newestDevices().flatMap((d) => UNDERLAY_KINDS.filter((k) => acceptsUnderlay(d, k)).map((underlay) => ({ ...d, underlay })));
}

function acceptsUnderlay(d: SuiteDevice, kind: UnderlayKind): boolean {
  const config = [...routerConfig([{ n: 1, peer: underlayPeerAddress(0) }], 514, { routerAddress: underlayEndpoint(kind).address }).trimEnd().split('\n'), ...underlayConfigLines(kind)].join('\n') + '\n';
  return predictConfig(config, d.model, d.firmware).response === 'accepted';
}

function newestDevices(): SuiteDevice[] {
  const all = fullMatrixDevices();
  return MODEL_NAMES.map((m) => all.filter((d) => d.model === m).at(-1)!);
}

/**
 * The default lab's profile variants: one model run again with a profile that assigns a cookie and
 * one that asks for sequencing, so the suites' cookie and sequencing checks meet a router that does
 * them (RFC 3931 §5.4.4 lets any peer). RTX1220: not a model the mutation command runs by default,
 * so mutation runs stay as long as they were.
 */
export const DEFAULT_LAB_VARIANTS: readonly { readonly model: string; readonly profile: ProfileVariantName }[] = [
  { model: 'RTX1220', profile: 'cookie8' },
  { model: 'RTX1220', profile: 'sequencing' },
];

/** Every model at its newest documented band (the last band of the model in the seed's table), then the profile variants. */
export function defaultLabDevices(): SuiteDevice[] {
  const newest = newestDevices();
  const variants = DEFAULT_LAB_VARIANTS.flatMap((v) => newest.filter((d) => d.model === v.model).map((d) => ({ ...d, profile: v.profile })));
  return [...newest, ...variants];
}

export function inventoryDevices(file: string): SuiteDevice[] {
  const r = loadInventory(file);
  if (r.value === undefined) throw new LabSelectionError(`lab file ${file}:\n${r.diagnostics.map(formatDiagnostic).join('\n')}`);
  const h = r.value.harness;
  return r.value.devices.map((d) => ({
    model: d.model, firmware: d.firmware, kind: d.kind, role: d.role, defects: d.defects ?? [],
    ...(d.kind === 'physical'
      ? {
          access: {
            inventory: file,
            ssh: d.ssh && { host: d.ssh.host, port: d.ssh.port, user: d.ssh.user, passwordEnv: d.ssh.password_env, adminPasswordEnv: d.ssh.admin_password_env },
            wan: d.wan && { address: d.wan.address, l2tpPort: d.wan.l2tp_port },
            harness: h && { peerAddresses: h.peer_addresses, syslog: { address: h.syslog.address, port: h.syslog.port } },
          },
        }
      : {}),
  }));
}

export interface LabSelection {
  readonly labFile?: string;
  readonly fullMatrix?: boolean;
  /** Only the devices behind IPIP and MAP-E (underlayDevices): `run --underlays`. */
  readonly underlays?: boolean;
  /** Only these models (names as the seed prints them; matched case-insensitively, prefix allowed for vRX). */
  readonly models?: readonly string[];
  readonly defects?: readonly string[];
  /** A folder of learned profiles (`profile learn --out`): physical devices of the lab use theirs (withLearnedProfiles). */
  readonly profilesDir?: string;
}

function matchesModel(device: string, wanted: string): boolean {
  const d = device.toLowerCase();
  const w = wanted.toLowerCase().trim();
  return d === w || d.startsWith(`${w} `);
}

export function selectDevices(sel: LabSelection): SuiteDevice[] {
  let devices = sel.labFile ? inventoryDevices(sel.labFile) : sel.fullMatrix ? [...fullMatrixDevices(), ...underlayDevices()] : sel.underlays ? underlayDevices() : defaultLabDevices();
  if (sel.models && sel.models.length > 0) {
    for (const w of sel.models) {
      if (!devices.some((d) => matchesModel(d.model, w))) {
        throw new LabSelectionError(`--models: no device of model '${w}' in the lab (lab has: ${[...new Set(devices.map((d) => d.model))].join(', ')})`);
      }
    }
    devices = devices.filter((d) => sel.models!.some((w) => matchesModel(d.model, w)));
  }
  if (sel.profilesDir) devices = withLearnedProfiles(devices, sel.profilesDir);
  const extra = sel.defects ?? [];
  return devices.map((d) => ({ ...d, defects: d.kind === 'emulated' ? [...d.defects, ...extra] : d.defects }));
}

/**
 * The devices with their learned profiles from `dir` attached: each physical device whose model and
 * firmware (as the inventory says; the run's preflight checks the device says the same) has a
 * profile file there gets the newest one. Emulated devices keep their own profile: they run what
 * the harness starts them with. A missing folder or a matching file with bad values is a
 * selection error, named, before any test.
 */
export function withLearnedProfiles(devices: readonly SuiteDevice[], dir: string): SuiteDevice[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new LabSelectionError(`--profiles: ${dir} is not a folder (learned profiles: profile learn --out)`);
  return devices.map((d) => {
    if (d.kind !== 'physical') return d;
    const found = learnedProfileFor(dir, d.model, d.firmware);
    if (found === undefined) return d;
    try {
      return { ...d, learned: { file: found.file, learnedAt: found.profile.learnedAt, control: learnedControlOverrides(found.profile, found.file) } };
    } catch (e) {
      if (e instanceof ProfileFileError) throw new LabSelectionError(`--profiles: ${e.message}`);
      throw e;
    }
  });
}

/** The Playwright project name of a device (a profile variant, an underlay in brackets). */
export function projectName(d: SuiteDevice): string {
  const tags = [...(d.profile !== undefined ? [d.profile] : []), ...(d.underlay !== undefined ? [`over ${d.underlay}`] : [])];
  return tags.length === 0 ? `${d.model} ${d.firmware}` : `${d.model} ${d.firmware} [${tags.join(', ')}]`;
}

/** How the run command passes its selection to the Playwright config (a child process). */
export const LAB_ENV = {
  labFile: 'L2TPV3_LAB',
  fullMatrix: 'L2TPV3_FULL_MATRIX',
  underlays: 'L2TPV3_UNDERLAYS',
  models: 'L2TPV3_MODELS',
  defects: 'L2TPV3_DEFECTS',
  timeScale: 'L2TPV3_TIME_SCALE',
  outDir: 'L2TPV3_REPORT_OUT',
  display: 'L2TPV3_DISPLAY',
  profilesDir: 'L2TPV3_PROFILES',
} as const;

const list = (v: string | undefined): string[] => (v ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');

export function selectionFromEnv(env: NodeJS.ProcessEnv = process.env): LabSelection {
  return {
    labFile: env[LAB_ENV.labFile] || undefined,
    fullMatrix: env[LAB_ENV.fullMatrix] === '1',
    underlays: env[LAB_ENV.underlays] === '1',
    models: list(env[LAB_ENV.models]),
    defects: list(env[LAB_ENV.defects]),
    profilesDir: env[LAB_ENV.profilesDir] || undefined,
  };
}
