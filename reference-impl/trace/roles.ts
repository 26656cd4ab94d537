// Values the device (or the tester peer) chooses at random — Control Connection and Session IDs,
// cookies, Tie Breakers, challenges, nonces, digests over them — cannot be predicted, only held
// consistent. Named rules say where such a value appears; on first sight it becomes a role name
// (`ccid#1`), and every later use of the same value gets the same name, so a device that repeats
// a value where the oracle uses a new one (or the other way round) still diverges. Pure.
import { baseFieldName } from './control-event.ts';
import { actorOf, type TraceActor, type TraceEvent, type TraceField, type TraceSource } from './trace-event.ts';

/** A field whose whole value is chosen at random by one side. */
export interface FieldRoleRule {
  readonly name: string;
  readonly role: string;
  readonly source: TraceSource;
  /** Whose events (default the device's): the same AVP names the sender's own value. */
  readonly by?: TraceActor;
  /** Field name without the AVP flag suffix, e.g. `Assigned Control Connection ID`. */
  readonly field: string;
  /** Values that are not chosen (e.g. CCID 0 = not known yet) stay as they are. */
  readonly keep?: readonly string[];
  readonly why: string;
}

/** A chosen value inside text (a syslog line, a CLI output line): the first capture group of a global RegExp. */
export interface TextRoleRule {
  readonly name: string;
  readonly role: string;
  readonly source: TraceSource;
  readonly pattern: RegExp;
  readonly why: string;
}

export interface RoleRules {
  readonly fields: readonly FieldRoleRule[];
  readonly texts: readonly TextRoleRule[];
}

export interface RoleAbstraction {
  readonly events: TraceEvent[];
  /** raw value -> role name, in first-sight order (for the report). */
  readonly roles: ReadonlyMap<string, string>;
}

/** Replaces chosen values by role names, in event order (first sight names the value). */
export function abstractRoles(events: readonly TraceEvent[], rules: RoleRules): RoleAbstraction {
  for (const r of rules.texts) if (!r.pattern.global) throw new Error(`role rule '${r.name}': its pattern must be global (/.../g)`);
  const roles = new Map<string, string>();
  const counts = new Map<string, number>();
  const roleOf = (raw: string, role: string): string => {
    const known = roles.get(raw);
    if (known !== undefined) return known;
    const n = (counts.get(role) ?? 0) + 1;
    counts.set(role, n);
    const name = `${role}#${n}`;
    roles.set(raw, name);
    return name;
  };
  const out = events.map((e) => {
    const fieldRules = rules.fields.filter((r) => r.source === e.source && (r.by ?? 'device') === actorOf(e));
    const textRules = rules.texts.filter((r) => r.source === e.source);
    if (fieldRules.length === 0 && textRules.length === 0) return e;
    const fields = e.fields.map((f): TraceField => {
      const base = baseFieldName(f.name);
      const rule = fieldRules.find((r) => r.field === base);
      if (rule && !(rule.keep ?? []).includes(f.value)) return { name: f.name, value: roleOf(f.value, rule.role) };
      let value = f.value;
      for (const r of textRules) {
        value = value.replace(r.pattern, (whole: string, raw: string | undefined) => (raw === undefined ? whole : whole.replace(raw, roleOf(raw, r.role))));
      }
      return value === f.value ? f : { name: f.name, value };
    });
    return { ...e, fields };
  });
  return { events: out, roles };
}

/** The rules as report lines: `ccid: device CCID (control field Assigned Control Connection ID) — why`. */
export function describeRoleRules(rules: RoleRules): string[] {
  return [
    ...rules.fields.map((r) => `${r.role}: ${r.name} (${r.by ?? 'device'} ${r.source} field '${r.field}'${r.keep?.length ? `, except ${r.keep.join(', ')}` : ''}): ${r.why}`),
    ...rules.texts.map((r) => `${r.role}: ${r.name} (${r.source} text ${String(r.pattern)}): ${r.why}`),
  ];
}
