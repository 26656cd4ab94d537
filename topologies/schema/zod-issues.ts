// Turns zod issues into positioned diagnostics with messages a person can act on: "missing
// required key 'model'", "unknown key 'modle'", "expected a list, got a string".
import type { z } from 'zod';
import { formatPath, type Diagnostic, type PathSegment } from './diagnostics.ts';
import type { Locate } from './source-positions.ts';

function describe(value: unknown): string {
  if (value === null) return 'null (an empty value)';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'string': return `a string ('${value.length > 40 ? `${value.slice(0, 40)}...` : value}')`;
    case 'number': return Number.isInteger(value) ? `an integer (${value})` : `a number (${value})`;
    case 'boolean': return `a boolean (${value})`;
    case 'object': return 'a mapping';
    default: return typeof value;
  }
}

const EXPECTED_WORDS: Record<string, string> = {
  string: 'a string', number: 'a number', int: 'an integer', boolean: 'a boolean (true/false)',
  array: 'a list', object: 'a mapping (key: value)', tuple: 'a list',
};

function valueAt(data: unknown, path: readonly PathSegment[]): unknown {
  let v: unknown = data;
  for (const seg of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[seg];
  }
  return v;
}

/** Keys whose presence means someone wrote a secret into a file meant to be shared. */
const SECRET_KEY = /pass(word)?$|secret|psk|pre-?shared/i;

export function issuesToDiagnostics(
  issues: readonly z.core.$ZodIssue[],
  data: unknown,
  file: string,
  locate: Locate,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const push = (path: readonly PathSegment[], at: 'key' | 'value', message: string) => {
    const pos = locate(path, at);
    out.push({ file, line: pos.line, column: pos.column, key: formatPath(path), message });
  };
  for (const issue of issues) {
    const path = issue.path as PathSegment[];
    switch (issue.code) {
      case 'unrecognized_keys':
        for (const k of issue.keys) {
          push([...path, k], 'key', SECRET_KEY.test(k)
            ? `unknown key '${k}': secrets are never written in these files; name the environment variable that holds it (e.g. password_env)`
            : `unknown key '${k}'`);
        }
        break;
      case 'invalid_type': {
        const value = valueAt(data, path);
        const expected = EXPECTED_WORDS[issue.expected] ?? issue.expected;
        if (value === undefined && path.length > 0) {
          const key = path[path.length - 1];
          push(path, 'value', typeof key === 'number' ? `missing list item: expected ${expected}` : `missing required key '${key}' (${expected})`);
        } else {
          push(path, 'value', `expected ${expected}, got ${describe(value)}`);
        }
        break;
      }
      case 'invalid_value':
        push(path, 'value', `${describe(valueAt(data, path))} is not one of: ${issue.values.map(String).join(', ')}`);
        break;
      case 'too_small':
      case 'too_big':
      case 'custom':
      case 'invalid_format':
      case 'invalid_union':
      default:
        push(path, 'value', issue.message);
    }
  }
  return out;
}
