// A config the oracle refuses, given to the emulated device at start: it must exit with the error
// lines the oracle predicts (seed examples, underlays: the device takes a router's role of a
// topology). Only a refusal of the feature itself is a refusal to the matrix: refusing this config
// on a device whose L2TPv3 is documented (e.g. more tunnels than the model runs) is conformant.
import { expect } from '@playwright/test';
import { freeUdpPort, RouterProcess } from '../../drivers/dut/router-process.ts';
import { attachCliTranscript, attachOracleComparison } from '../../reports/allure/attachments.ts';
import { recordDeviceResponse } from '../../reports/allure/test-metadata.ts';
import { observedErrors } from './oracle-config.ts';

export interface RefusedConfig {
  /** The role the device plays in the topology (for the failure message). */
  readonly role: string;
  readonly config: string;
  /** The oracle's error lines. */
  readonly predicted: readonly string[];
  /** The support table's answer for the feature on this device. */
  readonly documented: 'supported' | 'unsupported';
  readonly device: { model: string; firmware: string; defects: readonly string[] };
  /** Masked in the attached console output. */
  readonly secrets: readonly string[];
}

/** The device must refuse the config at start, with the error lines the oracle predicts. */
export async function expectConfigRefusedAtStart(c: RefusedConfig): Promise<void> {
  const { device, predicted } = c;
  const r = await RouterProcess.run({ model: device.model, firmware: device.firmware, config: c.config, wan: '127.0.0.1', l2tpPort: await freeUdpPort(), defects: [...device.defects] });
  if (r.kind === 'ready') {
    await attachCliTranscript('router-console.txt', r.router.log, [...c.secrets]);
    await r.router.stop();
    await recordDeviceResponse('accepted', false);
    expect(r.kind, `${device.model} ${device.firmware} accepted ${c.role}'s config, which the oracle refuses: ${predicted.join('; ')}`).toBe('exited');
    return;
  }
  await attachCliTranscript('router-console.txt', r.output, [...c.secrets]);
  if (c.documented === 'unsupported') await recordDeviceResponse('refused');
  expect(r.code, 'the router exits: its config is refused').not.toBe(0);
  const same = await attachOracleComparison({ what: 'config refusal', predicted, observed: observedErrors(r.output), secrets: [...c.secrets] });
  expect(same, 'refused with the error lines the oracle predicts').toBe(true);
}
