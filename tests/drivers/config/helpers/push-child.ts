// A test process that pushes config to the emulated router and stops after N acknowledged
// commands, waiting to be killed (killed-push.spec.ts sends SIGKILL: no finally, no rollback).
// argv: HOST PORT JOURNAL_DIR TRANSCRIPT_FILE PAUSE_AFTER. Logs (masked) go to stdout.

import { TranscriptRecorder } from '../../../../drivers/transcript/transcript.ts';
import { Redactor } from '../../../../drivers/transcript/redactor.ts';
import { ConfigPush } from '../../../../drivers/config/push.ts';
import { routerDevice } from './lab.ts';
import { KILLED_PUSH_DEVICE, PUSH_LINES } from './push-lines.ts';

const [host, port, journalDir, transcriptPath, pauseAfter] = process.argv.slice(2);
const transcript = new TranscriptRecorder({ redactor: new Redactor(), path: transcriptPath });
// the harness's safety net so an unkilled child cannot hang the suite
setTimeout(() => process.exit(3), 60_000).unref();
await ConfigPush.apply(routerDevice({ host, port: Number(port) }, KILLED_PUSH_DEVICE, { transcript }), PUSH_LINES, {
  journalDir,
  log: (l) => console.log(l),
  afterCommand: async (n) => {
    if (n < Number(pauseAfter)) return;
    console.log(`paused after ${n} command(s)`);
    // hold the push here until killed (the 60 s timer above bounds it)
    await new Promise<void>((resolve) => setTimeout(resolve, 120_000));
  },
});
console.log('push finished (should have been killed)');
