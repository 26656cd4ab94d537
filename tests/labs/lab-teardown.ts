// The end of a namespace-lab test: `lab down` through the real binary (its output attached, exit 0),
// then nothing of the lab left: no namespace it made, no process naming its prefix or folders.
import { test, expect } from '@playwright/test';
import { listNetns } from '../../drivers/hosts/index.ts';
import { cli } from '../support/cli-binary.ts';
import { processesNaming } from './ipsec-lab-evidence.ts';

export async function labDownThroughCli(stateFile: string): Promise<void> {
  const down = await cli(['lab', 'down', '--state', stateFile], 60_000);
  await test.info().attach('lab down output.txt', { body: down.out + down.err, contentType: 'text/plain' });
  expect(down.code, `lab down: ${down.err}`).toBe(0);
}

/** No namespace with the lab's prefix that was not there `before`, no process naming the prefix or `dirs`. */
export async function expectLabGone(prefix: string, before: ReadonlySet<string>, dirs: readonly string[]): Promise<void> {
  expect((await listNetns()).filter((n) => !before.has(n) && n.startsWith(prefix)), 'no lab namespace left behind').toEqual([]);
  expect(processesNaming([prefix, ...dirs]), 'no lab process left behind').toEqual([]);
}
