// Reading topology and inventory files: YAML (with positions) -> zod schema -> semantic checks,
// every problem reported as `file:line:column: key: message`. Config files named by a router are
// read relative to the topology file, and their text is returned with where each line lives, so a
// config checker's line numbers can be mapped back to a file a person can open.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { isAlias, LineCounter, parseDocument, visit, type Document } from 'yaml';
import type { z } from 'zod';
import { formatPath, sortDiagnostics, type Diagnostic } from './diagnostics.ts';
import { inventorySchema, type Inventory } from './inventory-schema.ts';
import { checkTopologySemantics, type Finding, type SemanticOptions } from './semantic-checks.ts';
import { firstContentLine, makeLocator, type Locate } from './source-positions.ts';
import { topologySchema, type Topology } from './topology-schema.ts';
import { issuesToDiagnostics } from './zod-issues.ts';

export interface RouterConfigSource {
  router: string;
  model: string;
  firmware: string;
  text: string;
  /** the file the text is in (the topology file for inline configs) */
  file: string;
  /** the file line holding the config's first line */
  firstLine: number;
  /** add to a config column to get the file column (the block indentation of an inline config) */
  columnOffset: number;
}

export interface LoadResult<T> {
  value?: T;
  diagnostics: Diagnostic[];
}

export interface TopologyLoadResult extends LoadResult<Topology> {
  configs: RouterConfigSource[];
  findings: Finding[];
}

export interface ParseOptions extends SemanticOptions {
  /** reads a router's config_file (path already resolved); default: the file system */
  readConfigFile?: (resolvedPath: string) => string | undefined;
}

/**
 * The YAML library throws on some inputs instead of reporting them (an alias without its anchor, a
 * nesting deep enough to overflow the stack: bench/robustness found both); they become diagnostics.
 */
function thrownAsDiagnostic(e: unknown, file: string, doc: Document | undefined, lineCounter: LineCounter): Diagnostic {
  if (e instanceof RangeError) return { file, line: 1, column: 1, key: '', message: 'YAML: the document is nested too deeply to read' };
  let at = { line: 1, col: 1 };
  if (doc) {
    visit(doc, {
      Alias(_key, node) {
        if (isAlias(node) && node.resolve(doc) === undefined && node.range) {
          at = lineCounter.linePos(node.range[0]);
          return visit.BREAK;
        }
        return undefined;
      },
    });
  }
  const message = e instanceof Error ? e.message.split('\n')[0] : String(e);
  return { file, line: at.line, column: at.col, key: '', message: `YAML: ${message}` };
}

function parseYaml<S extends z.ZodType>(text: string, file: string, schema: S) {
  const lineCounter = new LineCounter();
  let doc: Document;
  try {
    doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  } catch (e) {
    return { diagnostics: [thrownAsDiagnostic(e, file, undefined, lineCounter)] };
  }
  const locate = makeLocator(doc, lineCounter);
  const diagnostics: Diagnostic[] = doc.errors.map((e) => {
    // prettyErrors is off (we want the bare message), so positions come from the line counter
    const pos = lineCounter.linePos(e.pos[0]);
    return { file, line: pos.line, column: pos.col, key: '', message: `YAML: ${e.message.split('\n')[0]}` };
  });
  if (diagnostics.length) return { diagnostics, doc, lineCounter, locate };
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    return { diagnostics: [thrownAsDiagnostic(e, file, doc, lineCounter)], doc, lineCounter, locate };
  }
  if (data === null || data === undefined) {
    return { diagnostics: [{ file, line: 1, column: 1, key: '', message: 'the file is empty' }], doc, lineCounter, locate };
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) return { diagnostics: issuesToDiagnostics(parsed.error.issues, data, file, locate), doc, lineCounter, locate };
  return { diagnostics, value: parsed.data as z.output<S>, doc, lineCounter, locate };
}

const defaultRead = (p: string) => (existsSync(p) ? readFileSync(p, 'utf8') : undefined);

export function parseTopology(text: string, fileName: string, opts: ParseOptions = {}): TopologyLoadResult {
  const y = parseYaml(text, fileName, topologySchema);
  if (!y.value) return { diagnostics: sortDiagnostics(y.diagnostics), configs: [], findings: [] };
  const t = y.value;
  const sem = checkTopologySemantics(t, fileName, y.locate, opts);
  const diagnostics = [...sem.diagnostics];
  const configs: RouterConfigSource[] = [];
  const read = opts.readConfigFile ?? defaultRead;
  t.routers.forEach((r, i) => {
    const base = { router: r.name, model: r.model, firmware: r.firmware };
    if (r.config !== undefined && r.config_file === undefined) {
      const firstLine = firstContentLine(y.doc, y.lineCounter, ['routers', i, 'config']);
      const indent = (s: string | undefined) => (s ?? '').length - (s ?? '').trimStart().length;
      const columnOffset = Math.max(0, indent(text.split('\n')[firstLine - 1]) - indent(r.config.split('\n')[0]));
      configs.push({ ...base, text: r.config, file: fileName, firstLine, columnOffset });
    } else if (r.config_file !== undefined && r.config === undefined) {
      const resolved = path.join(path.dirname(fileName), r.config_file);
      const text = read(resolved);
      if (text === undefined) {
        const pos = y.locate(['routers', i, 'config_file']);
        diagnostics.push({ file: fileName, line: pos.line, column: pos.column, key: formatPath(['routers', i, 'config_file']), message: `config file '${r.config_file}' not found (looked for ${resolved})` });
      } else {
        configs.push({ ...base, text, file: resolved, firstLine: 1, columnOffset: 0 });
      }
    }
  });
  return { value: diagnostics.length ? undefined : t, diagnostics: sortDiagnostics(diagnostics), configs, findings: sem.findings };
}

export function loadTopology(file: string, opts: ParseOptions = {}): TopologyLoadResult {
  const text = readTextFile(file);
  if (typeof text !== 'string') return { diagnostics: [text], configs: [], findings: [] };
  return parseTopology(text, file, opts);
}

export interface InventoryOptions {
  /**
   * The environment the run will have: each physical device's password variables must be set in
   * it (`topology check --inventory` passes process.env). Absent: not checked.
   */
  env?: Readonly<Record<string, string | undefined>>;
}

export function parseInventory(text: string, fileName: string, opts: InventoryOptions = {}): LoadResult<Inventory> {
  const y = parseYaml(text, fileName, inventorySchema);
  if (!y.value) return { diagnostics: sortDiagnostics(y.diagnostics) };
  const diagnostics: Diagnostic[] = [];
  const err = (p: (string | number)[], message: string) => {
    const pos = y.locate(p);
    diagnostics.push({ file: fileName, line: pos.line, column: pos.column, key: formatPath(p), message });
  };
  const inv = y.value;
  const seen = new Map<string, number>();
  const sshAt = new Map<string, number>();
  const wanAt = new Map<string, number>();
  inv.devices.forEach((d, i) => {
    if (seen.has(d.role)) err(['devices', i, 'role'], `duplicate role '${d.role}' (first at devices[${seen.get(d.role)}])`);
    else seen.set(d.role, i);
    if (d.kind === 'physical' && !d.ssh && !d.serial) err(['devices', i], 'a physical device needs ssh or serial access');
    if (d.kind === 'physical' && d.defects) err(['devices', i, 'defects'], 'defects can only be injected into emulated devices');
    // one router cannot play two roles: its journal and its lease would be shared
    if (d.ssh) {
      const k = `${d.ssh.host}|${d.ssh.port}`;
      if (sshAt.has(k)) err(['devices', i, 'ssh', 'host'], `devices[${sshAt.get(k)}] is reached at the same ${d.ssh.host} port ${d.ssh.port}: one router cannot play two roles`);
      else sshAt.set(k, i);
    }
    if (d.wan) {
      const k = `${d.wan.address}|${d.wan.l2tp_port}`;
      if (wanAt.has(k)) err(['devices', i, 'wan', 'address'], `devices[${wanAt.get(k)}] has the same WAN endpoint ${d.wan.address} port ${d.wan.l2tp_port}`);
      else wanAt.set(k, i);
    }
    if (opts.env && d.kind === 'physical') {
      for (const [access, keys] of [['ssh', ['password_env', 'admin_password_env']], ['serial', ['password_env', 'admin_password_env']]] as const) {
        const a = d[access] as Record<string, unknown> | undefined;
        for (const key of keys) {
          const v = a?.[key];
          if (typeof v === 'string' && !opts.env[v]) err(['devices', i, access, key], `environment variable ${v} is not set (the run reads device '${d.role}'s password from it)`);
        }
      }
    }
  });
  const h = inv.harness;
  if (h) {
    const peerAt = new Map<string, number>();
    const wanOf = new Map(inv.devices.flatMap((d) => (d.wan ? [[d.wan.address, d.role] as const] : [])));
    h.peer_addresses.forEach((a, i) => {
      if (peerAt.has(a)) err(['harness', 'peer_addresses', i], `duplicate peer address ${a} (also harness.peer_addresses[${peerAt.get(a)}]): each tester peer needs its own address`);
      else peerAt.set(a, i);
      if (wanOf.has(a)) err(['harness', 'peer_addresses', i], `${a} is the WAN address of device '${wanOf.get(a)}': a tester peer is the far end, an address of the harness host`);
    });
  }
  return { value: diagnostics.length ? undefined : inv, diagnostics: sortDiagnostics(diagnostics) };
}

export function loadInventory(file: string, opts: InventoryOptions = {}): LoadResult<Inventory> {
  const text = readTextFile(file);
  if (typeof text !== 'string') return { diagnostics: [text] };
  return parseInventory(text, file, opts);
}

/** Every topology role must be filled by a device of the same model. */
export function checkInventoryCovers(topology: Topology, inventory: Inventory, inventoryFile: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const r of topology.routers) {
    const d = inventory.devices.find((x) => x.role === r.role);
    const msg = !d ? `no device plays role '${r.role}' (router ${r.name})`
      : d.model !== r.model ? `role '${r.role}' needs a ${r.model}, the inventory gives a ${d.model}` : undefined;
    if (msg) out.push({ file: inventoryFile, line: 1, column: 1, key: 'devices', message: msg });
  }
  return out;
}

function readTextFile(file: string): string | Diagnostic {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { file, line: 1, column: 1, key: '', message: code === 'ENOENT' ? 'file not found' : `cannot read file (${code ?? 'error'})` };
  }
}

export type { Locate };
