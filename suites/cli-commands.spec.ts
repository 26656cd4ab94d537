// The router's CLI (facts §3.1): an invalid configuration command is answered with the router's
// `Error:` line (the text the config oracle predicts for that line), and `save` writes the running
// configuration so that a restarted router comes up with it.
// The verdict of each test is the whole trace (suites/support/trace-verdict.ts): every command's
// answer is a `cli` event the oracle predicts (trace-cli-oracle.ts: the config oracle's
// RunningConfig plays the same edits; `show config` its layout), judged with the device's syslog
// lines and control messages; the assertions are summaries.
import { readFileSync } from 'node:fs';
import { needsCapability, test, expect } from './fixtures.ts';
import { checkConfigText, configPlatform } from '../reference-impl/config/index.ts';
import { cliLoginLines } from '../drivers/dut/router-cli.ts';
import { TracedLab } from './support/trace-verdict.ts';

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
    const t = new TracedLab(await openLab({ tunnels: [{ n: 1, peer: PEER }], extra: cliLoginLines() }));
    await t.startRouter();
    const cli = await t.cli();
    try {
      await cli.run('tunnel select 1');
      const r = await cli.run(BAD_LINE);
      expect(r.errors, 'the router reports the predicted error').toEqual([issues[0].message]);
    } finally {
      await cli.close();
    }
    await t.verdict();
  });

  test('`save` writes the running config: a restarted router comes up with it', async ({ openLab, device }) => {
    needsCapability(device, 'restartFromSave');
    const t = new TracedLab(await openLab({ tunnels: [{ n: 1, peer: PEER }], extra: cliLoginLines() }));
    await t.startRouter();
    const savedFile = t.lab.dut.savedConfigFile!;
    const cli = await t.cli();
    let saved: string;
    try {
      for (const line of ['tunnel select 1', `l2tp hostname ${SAVED_HOSTNAME}`, 'tunnel select none']) await cli.run(line);
      await cli.run('save');
      saved = readFileSync(savedFile, 'utf8');
      await cli.run('show config');
    } finally {
      await cli.close();
    }
    await t.verdict();
    expect(saved).toContain(`l2tp hostname ${SAVED_HOSTNAME}`);
    // Restart from the saved file: the new router shows (and uses) the saved hostname. Its syslog
    // goes to this lab's collector (the saved `syslog host` names the first lab's).
    const again = new TracedLab(await openLab({ tunnels: [], config: (port) => saved.replace(/^syslog host \S+$/m, `syslog host 127.0.0.1:${port}`) }));
    await again.startRouter();
    const cli2 = await again.cli();
    try {
      const shown = await cli2.run('show config');
      expect(shown.lines).toContain(` l2tp hostname ${SAVED_HOSTNAME}`);
    } finally {
      await cli2.close();
    }
    await again.verdict();
  });
});
