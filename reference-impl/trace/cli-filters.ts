// Named filter for the lines a device logs about the harness's own CLI sessions (reference-impl/
// trace/filters.ts). The lines are the config oracle's table (reference-impl/config/cli-log-facts.ts),
// not retyped here.
import { CLI_LOG } from '../config/cli-log-facts.ts';
import type { TraceFilter } from './filters.ts';

/** The text before the transport name, e.g. `Login succeeded for `. */
const prefixOf = (line: string) => line.slice(0, line.indexOf('SSH'));
const SESSION_LINE_PREFIXES = [CLI_LOG.loginSucceeded('SSH'), CLI_LOG.administratorSucceeded('SSH'), CLI_LOG.logout('SSH')].map(prefixOf);

/**
 * The device's log lines about the harness's CLI session logging in, becoming administrator and
 * logging out (facts §3.5): how the harness reads the device, not the behaviour under test; when
 * the session starts relative to the stimulus is the harness's scheduling, and their SSH form is
 * an assumption. Failed logins and `Configuration saved ...` are not dropped: they answer a stimulus.
 */
export const CLI_SESSION_LINES: TraceFilter = {
  name: 'CLI session login lines',
  why: 'the lines the device logs when the harness\'s own CLI session logs in, becomes administrator or logs out (facts §3.5 `Login succeeded for ...`, `\'administrator\' succeeded for ... user`, `Logout from ...`): the harness\'s access, not the behaviour under test',
  drops: (e) => {
    if (e.source !== 'syslog') return false;
    const text = e.fields.find((f) => f.name === 'text')?.value ?? '';
    return SESSION_LINE_PREFIXES.some((p) => text.startsWith(p));
  },
};
