// Issue 17 point 4: the config language against real RTX configs collected from public sources
// (topologies/real-configs/, provenance in its README). Every fixture round-trips through
// `config format` to the same document and checks without a false error; the commands the checker
// does not model are warnings, attached to each test as the list of what was not checked.
import { test, expect } from '@playwright/test';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { configPlatform, parseConfig, reviewConfigText, formatFinding, type ConfigDocument } from '../../../reference-impl/config/index.ts';
import { configCommand } from '../../../cli/config.ts';

const DIR = fileURLToPath(new URL('../../../topologies/real-configs/', import.meta.url));
const README = readFileSync(path.join(DIR, 'README.md'), 'utf8');

/** The model and revision each fixture is checked for (the README's table says why). */
const PLATFORM: Readonly<Record<string, readonly [model: string, revision: string]>> = {
  'blog830-rtx830-rt1-fixed-responder.conf': ['RTX830', '15.02.17'],
  'blog830-rtx830-rt2-dynamic-initiator.conf': ['RTX830', '15.02.17'],
  'tf-rtx-cfg-rtx1210-l2tpv3-fqdn.conf': ['RTX1210', '14.01.42'],
  'shin1ohno-rtx1210-l2tpv3-ipsec.conf': ['RTX1210', '14.01.42'],
  'hrst-center-l2tpv3-l2tp.conf': ['RTX1210', '14.01.42'],
  'hrst-head-office-ipsec-qos.conf': ['RTX1210', '14.01.42'],
  'zenn-rtx1210-factory-default.conf': ['RTX1210', '14.01.05'],
  'zenn-rtx1210-map-e.conf': ['RTX1210', '14.01.42'],
  'ribbit-rtx1300-ipip-v6plus.conf': ['RTX1300', '23.00.04'],
};

const FILES = readdirSync(DIR).filter((f) => f.endsWith('.conf')).sort();

/** What a document is, line by line, for comparing two parses. */
function shape(doc: ConfigDocument) {
  return doc.lines.map((l) => ({ indent: l.indent, text: l.text, eol: l.eol, kind: l.parsed.kind, tunnel: l.tunnel, pp: l.pp }));
}

async function formatOutput(file: string): Promise<string> {
  let out = '';
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => ((out += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString()), true)) as typeof process.stdout.write;
  try {
    expect(await configCommand(['format', file])).toBe(0);
  } finally {
    process.stdout.write = write;
  }
  return out;
}

test('at least 8 real configs from several sources, each with a provenance row and a platform', () => {
  expect(FILES.length).toBeGreaterThanOrEqual(8);
  for (const f of FILES) {
    expect(README, `README row for ${f}`).toContain(`\`${f}\``);
    expect(PLATFORM[f], `model/revision for ${f}`).toBeDefined();
  }
  const sources = new Set(FILES.map((f) => f.split('-')[0]));
  expect(sources.size).toBeGreaterThanOrEqual(5);
  // some of them are L2TPv3 sites, and some of those run it over IPsec
  const l2tpv3 = FILES.filter((f) => /tunnel encapsulation l2tpv3/.test(readFileSync(path.join(DIR, f), 'utf8')));
  expect(l2tpv3.length).toBeGreaterThanOrEqual(4);
});

for (const file of FILES) {
  test(`${file}: config format output parses back to the same document`, async () => {
    const full = path.join(DIR, file);
    const text = readFileSync(full, 'utf8');
    const out = await formatOutput(full);
    expect(out).toBe(text);
    expect(shape(parseConfig(out))).toEqual(shape(parseConfig(text)));
  });

  test(`${file}: config check finds no error; what is not modelled is listed`, () => {
    const [model, revision] = PLATFORM[file];
    const { doc, issues } = reviewConfigText(readFileSync(path.join(DIR, file), 'utf8'), configPlatform(model, revision));
    const errors = issues.filter((i) => i.severity === 'error').map((i) => formatFinding(file, i));
    expect(errors).toEqual([]);
    const warnings = issues.filter((i) => i.severity === 'warning');
    expect(warnings.every((w) => w.rule === 'not-modelled')).toBe(true);
    // every line the parser kept as unmodelled is reported: nothing is accepted silently
    const unknownLines = doc.lines.filter((l) => l.parsed.kind === 'unknown').map((l) => l.lineNo);
    expect(warnings.map((w) => w.line)).toEqual(unknownLines);
    test.info().annotations.push({ type: 'not modelled', description: `${warnings.length} line(s): ${[...new Set(warnings.map((w) => w.detail.split(':')[0]))].join(', ')}` });
  });
}

test('no fixture holds a real-looking secret: every secret parameter is a placeholder or the source dummy', () => {
  const allowed = /^(PLACEHOLDER_\w+|TEST_\w+|yamaha|\*)$/;
  for (const file of FILES) {
    for (const line of parseConfig(readFileSync(path.join(DIR, file), 'utf8')).lines) {
      if (line.parsed.kind !== 'command') continue;
      const { command } = line.parsed;
      for (const e of command.form.elements.flatMap(function flat(x): typeof command.form.elements {
        return x.kind === 'optional' ? x.body.flatMap(flat) : [x];
      })) {
        if (e.kind !== 'param' || !e.type.secret) continue;
        const v = command.values[e.name];
        if (v !== undefined) expect(String(v), `${file}:${line.lineNo} ${command.id}`).toMatch(allowed);
      }
    }
    // lines outside the subset that carry credentials
    const text = readFileSync(path.join(DIR, file), 'utf8');
    for (const m of text.matchAll(/^\s*(pp auth (?:myname|username) \S+|sshd host key generate) (\S+)/gm)) {
      expect(m[2], `${file}: ${m[1]}`).toMatch(allowed);
    }
  }
});
