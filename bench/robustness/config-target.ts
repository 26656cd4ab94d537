// Target: the RTX config language (reference-impl/config): mutated config text parsed, rendered
// back and validated for several model/revision platforms. Contract (document.ts, validate.ts):
// parseConfig and validateConfig do not throw; rendering a parsed document gives back the
// identical text (the parser is lossless); every issue names a line of the text.
import { canonicalText, configPlatform, formatIssue, parseConfig, renderConfig, validateConfig, type ConfigPlatform } from '../../reference-impl/config/index.ts';
import { configFiles } from './corpus-files.ts';
import { mutateText, Rng } from './mutate.ts';
import type { PureTarget } from './target.ts';

// Platforms from small to large (seed support table): one-tunnel, mid-range, vRX.
const PLATFORMS: [string, string][] = [['RTX830', '15.02.17'], ['RTX1210', '14.01.26'], ['RTX5000', '14.00.26'], ['vRX VMware ESXi版', '15.02.20'], ['RTX1200', '10.01.59']];

export function configTarget(seed: number): PureTarget<string> {
  const rng = new Rng(seed);
  const corpus = configFiles().map((f) => f.text);
  const platforms: ConfigPlatform[] = PLATFORMS.flatMap(([m, r]) => {
    try {
      return [configPlatform(m, r)];
    } catch {
      return []; // a model name the platform table spells differently: the others still run
    }
  });
  if (platforms.length < 3) throw new Error(`config target: only ${platforms.length} of the platforms resolved`);
  return {
    name: 'config',
    generate() {
      let t = rng.pick(corpus);
      for (let n = 1 + rng.int(4); n > 0; n--) t = mutateText(t, rng, rng.pick(corpus));
      return t;
    },
    check(text) {
      const doc = parseConfig(text);
      if (renderConfig(doc) !== text) return { problem: 'render(parse(text)) is not the text (the parser is not lossless)' };
      for (const l of doc.lines) canonicalText(l);
      const issues = validateConfig(doc, rng.pick(platforms));
      for (const i of issues) {
        if (!(i.line >= 1 && i.line <= Math.max(1, doc.lines.length))) return { problem: `issue on line ${i.line} of a ${doc.lines.length}-line text` };
        formatIssue('x.conf', i);
      }
      return issues.length ? `issues:${issues[0].rule}` : 'clean';
    },
    show: (t) => JSON.stringify(t),
  };
}
