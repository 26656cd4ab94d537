// The lab inventory format (YAML): which device plays each topology role and how the harness
// reaches it. Secrets are never written here: only the NAME of the environment variable that
// holds them, so an inventory can be committed, printed and attached to a report.
import { isIP } from 'node:net';
import { z } from 'zod';
import { firmware, model, name } from './topology-schema.ts';

/** An IP address literal (the harness binds it, or a device's endpoint is compared with it): `10.999.1.1` and `not-an-ip` are refused. */
const ipAddress = z.string().min(1).refine((s) => isIP(s) !== 0, {
  error: (iss) => `'${String(iss.input)}' is not an IP address (IPv4 a.b.c.d with each part 0-255, or IPv6)`,
});

// RFC 1123 host names; all-numeric dotted text must be a valid IPv4 address (`10.999.1.1` is neither).
const HOST_NAME = /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const host = z.string().min(1).refine((s) => isIP(s) !== 0 || (HOST_NAME.test(s) && !/^[\d.]+$/.test(s)), {
  error: (iss) => `'${String(iss.input)}' is neither an IP address nor a host name`,
});

const envName = z.string().regex(/^[A-Z_][A-Z0-9_]*$/, {
  error: (iss) => `'${String(iss.input)}' is not an environment variable name (A-Z, 0-9, _)`,
});

const ssh = z.strictObject({
  host,
  port: z.int().min(1).max(65535).default(22),
  user: z.string().min(1),
  /** env var holding the login password (never the password itself) */
  password_env: envName,
  /** env var holding the administrator password */
  admin_password_env: envName.optional(),
});

/** Serial console: platform facts §3.1 (9600 8N1 Xon/Xoff by default; set-serial-baudrate values). */
const serial = z.strictObject({
  device: z.string().regex(/^\/dev\/\S+$/, { error: (iss) => `'${String(iss.input)}' is not a device path (/dev/...)` }),
  baud: z.union([z.literal(9600), z.literal(19200), z.literal(38400), z.literal(57600), z.literal(115200)], {
    error: 'baud must be one of 9600, 19200, 38400, 57600, 115200 (set-serial-baudrate, CR §56.3.10)',
  }).default(9600),
  password_env: envName.optional(),
  admin_password_env: envName.optional(),
});

/** Where the device's L2TPv3 endpoint is, as the harness reaches it (the conformance suites need it). */
const wan = z.strictObject({
  address: ipAddress,
  /** UDP port of L2TPv3 on the device (RTX: 1701) */
  l2tp_port: z.int().min(1).max(65535).default(1701),
});

/**
 * The harness host's own side of the lab, for the conformance suites on physical devices: the
 * addresses its tester peers bind (each test tunnel's far end: the device's `tunnel endpoint
 * address` points at them) and where it collects syslog (the device's `syslog host`).
 */
const harness = z.strictObject({
  peer_addresses: z.array(ipAddress).min(1, { error: 'harness.peer_addresses needs at least one address' }),
  /** the collector's port: the device is told `syslog host ADDRESS:PORT` off 514 (README); below 1024 the harness needs CAP_NET_BIND_SERVICE */
  syslog: z.strictObject({ address: ipAddress, port: z.int().min(1).max(65535).default(514) }),
});

const device = z.strictObject({
  /** the topology role this device plays */
  role: name,
  kind: z.enum(['physical', 'emulated']),
  model,
  /** physical: the revision expected on the box (checked at lease time); emulated: the profile to run */
  firmware,
  ssh: ssh.optional(),
  serial: serial.optional(),
  /** router interface -> lab attachment (switch port, netns interface) */
  ports: z.record(z.string(), z.string()).optional(),
  /** emulated only: defects to inject (names from the emulator's defect table) */
  defects: z.array(z.string()).optional(),
  /** physical: the device's L2TPv3 endpoint (needed by the conformance suites) */
  wan: wan.optional(),
});

export const inventorySchema = z.strictObject({
  name,
  description: z.string().optional(),
  devices: z.array(device).min(1, { error: 'an inventory needs at least one device' }),
  /** physical devices in the conformance suites: the harness's peer and syslog addresses */
  harness: harness.optional(),
});

export type Inventory = z.output<typeof inventorySchema>;
export type InventoryDevice = Inventory['devices'][number];
