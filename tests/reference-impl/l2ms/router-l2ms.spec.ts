// The emulated router's L2MS stage (reference-impl/router/l2ms-stage.ts) between two routers joined
// by the seed's example-1 pseudowire: L2MS off passes L2MS frames both ways; a manager endpoint
// consumes them; an agent endpoint answers a query from across the tunnel and bridges it on.
import { test, expect } from '@playwright/test';
import { decodeL2ms, discoveryAnswer, discoveryQuery } from '../../../reference-impl/l2ms/index.ts';
import { established, frame, hasMarker, seedConfig, startPair, waitFor, type LabRouter } from '../router/lab.ts';

const RT1 = seedConfig('ex1-two-sites', 'rt1');
const RT2 = seedConfig('ex1-two-sites', 'rt2');
const MANAGER = '02:00:00:00:4d:10';
const hex = (f: Uint8Array) => Buffer.from(f).toString('hex');

/** Sends `f` into `from`'s LAN, then a marker; once the marker is out of `to`'s LAN, says whether `f` came out there. */
async function crosses(from: LabRouter, to: LabRouter, f: Uint8Array, marker: string): Promise<boolean> {
  from.lan.send(f);
  from.lan.send(frame('ff:ff:ff:ff:ff:ff', '02:00:00:00:4d:01', marker));
  await to.lan.next(hasMarker(marker));
  return to.lan.frames.some((x) => hex(x) === hex(f));
}

async function pair(configA: string, configB: string, firmware = '14.01.41') {
  const p = await startPair({ configA, configB, firmware });
  await waitFor(() => established(p.a.router) && established(p.b.router), 5000, 'the tunnel');
  return p;
}

test('L2MS off on both endpoints (the seed\'s advice): a query and its answer cross unchanged, both ways', async () => {
  const { a, b, stop } = await pair(`${RT1}switch control mode off\n`, `${RT2}switch control mode off\n`);
  try {
    const q = discoveryQuery(MANAGER, 1);
    expect(await crosses(a, b, q, 'm1')).toBe(true);
    expect(await crosses(b, a, discoveryAnswer(q, { mac: '02:00:00:00:4d:20', model: 'SWX2310P' }), 'm2')).toBe(true);
  } finally {
    stop();
  }
});

test('an endpoint that is the manager (combination supported) consumes L2MS frames from its LAN and from the tunnel', async () => {
  const { a, b, stop } = await pair(`${RT1}switch control use lan1 on\n`, RT2);
  try {
    expect(await crosses(a, b, discoveryQuery(MANAGER, 2), 'm3'), 'LAN -> tunnel').toBe(false);
    expect(await crosses(b, a, discoveryAnswer(discoveryQuery(MANAGER, 2), { mac: '02:00:00:00:4d:30', model: 'SWX2210' }), 'm4'), 'tunnel -> LAN').toBe(false);
  } finally {
    stop();
  }
});

test('an agent endpoint answers a query from across the tunnel with its own MAC and model, and bridges the query on', async () => {
  const { a, b, stop } = await pair(RT1, `${RT2}switch control mode agent\nswitch control use lan1 on\n`);
  try {
    const q = discoveryQuery(MANAGER, 3);
    expect(await crosses(a, b, q, 'm5'), 'the query reaches the agent\'s LAN').toBe(true);
    const answer = await a.lan.next((f) => decodeL2ms(f)?.kind === 'answer');
    expect(decodeL2ms(answer)).toEqual({ kind: 'answer', transaction: 3, agentMac: [...b.router.macOf('lan1')].map((x) => x.toString(16).padStart(2, '0')).join(':'), model: 'RTX1210' });
    expect(hex(answer.subarray(0, 6))).toBe(MANAGER.replace(/:/g, ''));
  } finally {
    stop();
  }
});
