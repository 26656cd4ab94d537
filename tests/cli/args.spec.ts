import { test, expect } from '@playwright/test';
import { parseArgs, flagValue, intFlag, UsageError } from '../../cli/args.ts';

const specs = [
  { name: 'json', value: false },
  { name: 'port', value: true },
  { name: 'defect', value: true, repeat: true },
];

test('parses flags, values and positionals', () => {
  const a = parseArgs(['f.pcap', '--json', '--port', '5000', '--defect=a', '--defect', 'b'], specs);
  expect(a.positional).toEqual(['f.pcap']);
  expect(flagValue(a, 'json')).toBe('true');
  expect(intFlag(a, 'port', 1, 65535)).toBe(5000);
  expect(a.flags.get('defect')).toEqual(['a', 'b']);
});

test('rejects unknown, duplicated, valueless and out-of-range flags by name', () => {
  expect(() => parseArgs(['--nope'], specs)).toThrow(/unknown option --nope/);
  expect(() => parseArgs(['--port'], specs)).toThrow(/--port needs a value/);
  expect(() => parseArgs(['--port', '1', '--port', '2'], specs)).toThrow(/--port given twice/);
  expect(() => parseArgs(['--json=1'], specs)).toThrow(UsageError);
  expect(() => intFlag(parseArgs(['--port', '70000'], specs), 'port', 1, 65535)).toThrow(/--port must be an integer from 1 to 65535/);
});

test('an optional-value flag stands alone or takes a value (router --console-pty [PATH])', () => {
  const spec = [{ name: 'console-pty', value: 'optional' as const }, { name: 'wan', value: true }];
  expect(parseArgs(['--console-pty', '--wan', '1.2.3.4'], spec).flags.get('console-pty')).toEqual(['true']);
  expect(parseArgs(['--console-pty'], spec).flags.get('console-pty')).toEqual(['true']);
  expect(parseArgs(['--console-pty', '/tmp/c'], spec).flags.get('console-pty')).toEqual(['/tmp/c']);
  expect(parseArgs(['--console-pty=/tmp/d', 'x'], spec)).toEqual({ positional: ['x'], flags: new Map([['console-pty', ['/tmp/d']]]) });
  expect(parseArgs(['--console-pty', '--wan', '1.2.3.4'], spec).flags.get('wan')).toEqual(['1.2.3.4']);
});
