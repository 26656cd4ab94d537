// Issue 16 point 6, the pure parts: the run's identity as Allure environment entries and JUnit
// properties. A hardware run says so and never shows the emulated time scale (Allure's
// environment said `timeScale=10` for a real-time run); JUnit suites get the properties.
import { test, expect } from '@playwright/test';
import { conformanceReporters, reportPaths } from '../../reports/allure/reporter-config.ts';
import { withSuiteProperties } from '../../reports/junit/identity.ts';
import { identityProperties, RUN_IDENTITY_ENV, type RunIdentity } from '../../reports/matrix/run-identity.ts';

const HARDWARE: RunIdentity = {
  harness: { version: '0.1.0', commit: 'abc1234' },
  hardware: true,
  devices: [{ role: 'site1', kind: 'physical', model: 'RTX1210', firmware: 'Rev.14.01.41', serial: 'S4K012345', address: '192.0.2.11:22', source: 'device', timeScale: 1 }],
};
const EMULATED: RunIdentity = {
  harness: { version: '0.1.0', commit: 'abc1234' },
  hardware: false,
  devices: [{ role: 'RTX830 Rev.15.02.22', kind: 'emulated', model: 'RTX830', firmware: 'Rev.15.02.22', serial: 'emulated', source: 'inventory', timeScale: 10 }],
};

function allureEnvironment(env: NodeJS.ProcessEnv): Record<string, string> {
  const saved = process.env[RUN_IDENTITY_ENV];
  Object.assign(process.env, env);
  try {
    const allure = conformanceReporters(reportPaths('/tmp/x'), { environmentInfo: { lab: 'bench.yaml', timeScale: '10' } }).find((r) => r[0] === 'allure-playwright');
    return (allure![1] as { environmentInfo: Record<string, string> }).environmentInfo;
  } finally {
    if (saved === undefined) delete process.env[RUN_IDENTITY_ENV];
    else process.env[RUN_IDENTITY_ENV] = saved;
  }
}

test('a hardware run: the Allure environment says real time, the harness commit and the device as read, not timeScale=10', () => {
  const env = allureEnvironment({ [RUN_IDENTITY_ENV]: JSON.stringify(HARDWARE) });
  expect(env.timeScale).toBe('1 (real time: hardware run)');
  expect(env.run).toBe('hardware (physical devices)');
  expect(env.harnessCommit).toBe('abc1234');
  expect(env['device.site1']).toBe('RTX1210 Rev.14.01.41 serial S4K012345 at 192.0.2.11:22 (physical)');
  expect(env.lab).toBe('bench.yaml'); // the config's own keys stay
});

test('an emulated run: the time scale of its emulated devices', () => {
  const p = identityProperties(EMULATED);
  expect(p.run).toBe('emulated');
  expect(p.timeScale).toBe('10 (emulated devices: timers 10x faster)');
  // run alone (no identity from `run`): the config's own entries only
  expect(allureEnvironment({}).timeScale).toBe('10');
});

test('JUnit: every testsuite gets the properties as its first child; an existing block is extended', () => {
  const xml = '<testsuites>\n<testsuite name="a" tests="1">\n<testcase name="t"/>\n</testsuite>\n<testsuite name="b">\n<properties>\n<property name="x" value="1"/>\n</properties>\n</testsuite>\n<testsuite name="c"/>\n</testsuites>';
  const out = withSuiteProperties(xml, { harnessCommit: 'abc1234', 'device.site1': 'RTX1210 "quoted" <x>' });
  expect(out).toContain('<testsuite name="a" tests="1">\n<properties>\n<property name="harnessCommit" value="abc1234"/>\n<property name="device.site1" value="RTX1210 &quot;quoted&quot; &lt;x&gt;"/>\n</properties>\n<testcase name="t"/>');
  expect(out).toContain('<testsuite name="b">\n<properties>\n<property name="harnessCommit" value="abc1234"/>\n<property name="device.site1" value="RTX1210 &quot;quoted&quot; &lt;x&gt;"/>\n<property name="x" value="1"/>\n</properties>');
  expect(out).toContain('<testsuite name="c"/>');
});
