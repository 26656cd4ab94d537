// Issue 4 point 3: one test per documented ordering fact (seed ※1, ※2, ※3, member vs bridge).
import { test, expect } from '@playwright/test';
import {
  DEFAULT_FILTER_ORDER_PROFILE, DOCUMENTED_ORDER_FACTS, checkDocumentedOrder, pathStages, runPipeline, stageLabel,
  stagesAt, type FilterOrderProfile, type FilterStage, type FramePath, type StageRef,
} from '../../../reference-impl/filter/index.ts';
import { capabilities } from '../../../reference-impl/platform/index.ts';
import { readFileSync } from 'node:fs';

const SEED = readFileSync('/work/shared/reference/yamaha-l2tpv3-l2vpn.ja.txt', 'utf8');
const POLICY = { policyFilterModel: true, tunnelInterfaceFilter: true };
const STANDARD = { policyFilterModel: false, tunnelInterfaceFilter: true };
const lan1 = { name: 'lan1', role: 'lan-member' } as const;
const tunnel1 = { name: 'tunnel1', role: 'tunnel-member' } as const;
const toLan: FramePath = { kind: 'bridged', ingress: tunnel1, egress: lan1, bridge: 'bridge1' };
const fromLan: FramePath = { kind: 'bridged', ingress: lan1, egress: tunnel1, bridge: 'bridge1' };

/** Configures the listed stages at `iface` with a verdict; everything else unconfigured. */
function config(entries: [iface: string, stage: FilterStage, verdict: 'pass' | 'reject'][]) {
  return (ref: StageRef) => entries.find(([i, s]) => i === ref.interfaceName && s === ref.stage)?.[2];
}

test('the notes in the code are the seed text, verbatim', () => {
  for (const f of DOCUMENTED_ORDER_FACTS) expect(SEED).toContain(f.seed);
});

test('the default profile keeps every documented fact', () => {
  expect(checkDocumentedOrder(DEFAULT_FILTER_ORDER_PROFILE)).toEqual([]);
});

test.describe('※1 input-blocking filter: in direction only', () => {
  test('a reject-all input-blocking filter on lan1 does not stop frames sent out of lan1', () => {
    const r = runPipeline(pathStages(POLICY, toLan), config([['lan1', 'input-blocking', 'reject']]), null);
    expect(r.verdict).toBe('forwarded');
    expect(r.consulted).toEqual([]);
  });
  test('the same filter drops frames received on lan1', () => {
    const r = runPipeline(pathStages(POLICY, fromLan), config([['lan1', 'input-blocking', 'reject']]), null);
    expect(r.verdict).toBe('dropped');
    expect(r.droppedAt && stageLabel(r.droppedAt)).toBe('lan1 in input-blocking');
  });
  test('a profile applying it outbound is reported', () => {
    const bad = withOut(DEFAULT_FILTER_ORDER_PROFILE, 'policy-filter', ['input-blocking', 'ip-static', 'ip-dynamic', 'url', 'policy', 'intrusion-detection', 'ethernet']);
    expect(checkDocumentedOrder(bad).join('\n')).toMatch(/note1/);
  });
});

test.describe('※2 out direction: intrusion detection after the policy filter', () => {
  test('outbound, a policy-filter reject means intrusion detection never sees the frame', () => {
    const r = runPipeline(pathStages(POLICY, toLan), config([['lan1', 'policy', 'reject'], ['lan1', 'intrusion-detection', 'pass']]), null);
    expect(r.consulted.map(stageLabel)).toEqual(['lan1 out policy']);
  });
  test('outbound order with both passing: policy, then intrusion detection', () => {
    const r = runPipeline(pathStages(POLICY, toLan), config([['lan1', 'policy', 'pass'], ['lan1', 'intrusion-detection', 'pass']]), null);
    expect(r.consulted.map((x) => x.stage)).toEqual(['policy', 'intrusion-detection']);
  });
  test('inbound it is the other way round (the note is an out-direction exception)', () => {
    const order = stagesAt(POLICY, 'lan-member', 'in');
    expect(order.indexOf('intrusion-detection')).toBeLessThan(order.indexOf('policy'));
  });
  test('a profile with intrusion detection before the policy filter outbound is reported', () => {
    const bad = withOut(DEFAULT_FILTER_ORDER_PROFILE, 'policy-filter', ['ip-static', 'ip-dynamic', 'url', 'intrusion-detection', 'policy', 'ethernet']);
    expect(checkDocumentedOrder(bad)).toEqual(['note2: policy-filter: out direction applies intrusion detection before the policy filter']);
  });
});

test.describe('※3 out direction: IP filter before URL filter', () => {
  for (const [name, caps] of [['standard', STANDARD], ['policy-filter', POLICY]] as const) {
    test(`${name}: outbound IP-filter reject stops the frame before the URL filter`, () => {
      const r = runPipeline(pathStages(caps, toLan), config([['lan1', 'ip-static', 'reject'], ['lan1', 'url', 'pass']]), null);
      expect(r.consulted.map(stageLabel)).toEqual(['lan1 out ip-static']);
    });
  }
  test('outbound with both passing: ip-static, then url', () => {
    const r = runPipeline(pathStages(STANDARD, toLan), config([['lan1', 'url', 'pass'], ['lan1', 'ip-static', 'pass']]), null);
    expect(r.consulted.map((x) => x.stage)).toEqual(['ip-static', 'url']);
  });
  test('a profile with URL before IP outbound is reported', () => {
    const bad = withOut(DEFAULT_FILTER_ORDER_PROFILE, 'standard', ['url', 'ip-static', 'ip-dynamic', 'intrusion-detection', 'ethernet']);
    expect(checkDocumentedOrder(bad)).toEqual(['note3: standard: out direction applies the URL filter before the IP filter']);
  });
});

test.describe('member interfaces vs the bridge interface', () => {
  test('member filters act on bridged frames (seed: ブリッジングの過程で処理されます)', () => {
    const r = runPipeline(pathStages(STANDARD, fromLan), config([['lan1', 'ethernet', 'reject']]), null);
    expect(r.verdict).toBe('dropped');
    expect(SEED).toContain('ブリッジ機能でのフィルタリングと同様にそれらのフィルターは下図のようにブリッジングの過程で処理されます');
  });
  test('a bridged frame meets the ingress member in-stages, then the egress member out-stages', () => {
    const labels = pathStages(STANDARD, fromLan).map(stageLabel);
    expect(labels[0]).toBe('lan1 in ethernet');
    expect(labels[labels.length - 1]).toBe('tunnel1 out ethernet');
    expect(labels.every((l) => l.startsWith('lan1 in') || l.startsWith('tunnel1 out'))).toBe(true);
  });
  test('bridge1 filters: not on bridged frames, but on frames to and from the router (ASSUMPTION)', () => {
    const bridgeReject = config([['bridge1', 'ip-static', 'reject']]);
    expect(runPipeline(pathStages(STANDARD, fromLan), bridgeReject, null).verdict).toBe('forwarded');
    const toRouter = runPipeline(pathStages(STANDARD, { kind: 'to-router', ingress: lan1, bridge: 'bridge1' }), bridgeReject, null);
    expect(toRouter.droppedAt && stageLabel(toRouter.droppedAt)).toBe('bridge1 in ip-static');
    const fromRouter = pathStages(STANDARD, { kind: 'from-router', egress: lan1, bridge: 'bridge1' }).map(stageLabel);
    expect(fromRouter.slice(0, 2)).toEqual(['bridge1 out ip-static', 'bridge1 out ip-dynamic']);
    expect(fromRouter[2]).toBe('lan1 out ip-static');
  });
  test('bridge interface takes only the IP filter (the only filter command listed for bridgeN)', () => {
    expect(stagesAt(POLICY, 'bridge', 'in')).toEqual(['ip-static', 'ip-dynamic']);
  });
});

test.describe('capability sets (figures filter1/filter2/filter3)', () => {
  test('tunnel member filters apply only on tunnel-interface-filtering models', () => {
    const without = capabilities('RTX1210', 'Rev.14.01.20');
    const withF = capabilities('RTX1210', 'Rev.14.01.26');
    expect(stagesAt(without, 'tunnel-member', 'out')).toEqual([]);
    expect(stagesAt(withF, 'tunnel-member', 'out')).toContain('ethernet');
    const r = runPipeline(pathStages(without, fromLan), config([['tunnel1', 'ethernet', 'reject']]), null);
    expect(r.verdict).toBe('forwarded');
  });
  test('policy filter and input blocking only in the policy-filter profile', () => {
    for (const d of ['in', 'out'] as const) {
      expect(stagesAt(STANDARD, 'lan-member', d)).not.toContain('policy');
      expect(stagesAt(STANDARD, 'lan-member', d)).not.toContain('input-blocking');
      expect(stagesAt(POLICY, 'lan-member', d)).toContain('policy');
    }
  });
});

function withOut(p: FilterOrderProfile, set: 'standard' | 'policy-filter', out: FilterStage[]): FilterOrderProfile {
  return { ...p, memberOrder: { ...p.memberOrder, [set]: { ...p.memberOrder[set], out } } };
}
