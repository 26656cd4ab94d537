// The router's CLI (facts §3.1): an invalid configuration command is answered with the router's
// `Error:` line (the text the config oracle predicts for that line), and `save` writes the running
// configuration so that a restarted router comes up with it.
import { readFileSync } from 'node:fs';
import { test, expect } from './fixtures.ts';
import { checkConfigText, configPlatform } from '../reference-impl/config/index.ts';
import { cliLoginLines } from './support/router-cli.ts';

const PEER = '127.0.0.2';
// CR §16.4: the keepalive interval is 1..600, so 9999 is refused.
const BAD_LINE = 'l2tp keepalive use on 9999 3';
const SAVED_HOSTNAME = 'SAVED-BY-CLI';

test.describe('router CLI', { tag: '@cli' }, () => {
  test.beforeEach(async ({ feature }) => {
    await feature('control-connection');
  });

  test('an invalid command is answered with the error the config oracle predicts', async ({ openLab, device }) => {
    const { issues } = checkConfigText(`tunnel select 1\n ${BAD_LINE}\n`, configPlatform(device.model, device.firmware.replace(/^Rev\./, '')));
    expect(issues.length, 'the oracle refuses the line').toBeGreaterThan(0);
    const lab = await openLab({ tunnels: [{ n: 1, peer: PEER }], extra: cliLoginLines() });
    await lab.startRouter();
    const cli = await lab.adminCli();
    try {
      await cli.run('tunnel select 1');
      const r = await cli.run(BAD_LINE, { allowErrors: true });
      expect(r.errors, 'the router reports the predicted error').toEqual([issues[0].message]);
    } finally {
      await cli.close();
    }
  });

  test('`save` writes the running config: a restarted router comes up with it', async ({ openLab, device }) => {
    test.skip(device.kind !== 'emulated', 'restarts the router from its saved file: only an emulated router can be restarted by the suite');
    const lab = await openLab({ tunnels: [{ n: 1, peer: PEER }], extra: cliLoginLines() });
    const router = (await lab.startRouter())!;
    const cli = await lab.adminCli();
    let saved: string;
    try {
      await cli.configure(['tunnel select 1', `l2tp hostname ${SAVED_HOSTNAME}`, 'tunnel select none']);
      await cli.run('save');
      saved = readFileSync(router.configFile, 'utf8');
    } finally {
      await cli.close();
    }
    expect(saved).toContain(`l2tp hostname ${SAVED_HOSTNAME}`);
    // Restart from the saved file: the new router shows (and uses) the saved hostname.
    const again = await openLab({ tunnels: [], config: () => saved });
    await again.startRouter();
    const cli2 = await again.adminCli();
    try {
      expect(await cli2.showConfig()).toContain(` l2tp hostname ${SAVED_HOSTNAME}\n`);
    } finally {
      await cli2.close();
    }
  });
});
