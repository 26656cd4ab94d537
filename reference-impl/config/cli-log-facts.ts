// What an RTX's CLI writes to its log and prints when it saves: facts the emulated router's CLI
// shows and the suites' CLI prediction expects (one table, here with the config oracle; the
// router's console-facts.ts re-exports it). Pure.
import type { Language } from './index.ts';

/** How the CLI was reached, as the log lines name it. */
export type CliTransport = 'Serial' | 'SSH' | 'TELNET';

/**
 * Lines the CLI writes to the router's log (`show log`). facts §3.5 (real RTX1100):
 * `Login succeeded for Serial`, `'administrator' succeeded for Serial user`, `Logout from Serial`;
 * `Configuration saved in "CONFIG0" by TELNET` is inferred (third-party).
 * ASSUMPTION: SSH lines name the user and address as `for SSH: user@address`, and the failure
 * lines read `Login failed for ...` / `'administrator' failed for ... user` (not in the digest).
 * None of them ever carries a password.
 */
export const CLI_LOG = {
  loginSucceeded: (t: CliTransport, who?: string) => `Login succeeded for ${t}${who ? `: ${who}` : ''}`,
  loginFailed: (t: CliTransport, who?: string) => `Login failed for ${t}${who ? `: ${who}` : ''}`,
  administratorSucceeded: (t: CliTransport) => `'administrator' succeeded for ${t} user`,
  administratorFailed: (t: CliTransport) => `'administrator' failed for ${t} user`,
  logout: (t: CliTransport) => `Logout from ${t}`,
  configurationSaved: (t: CliTransport) => `Configuration saved in "CONFIG0" by ${t}`,
};

// ASSUMPTION: what `save` prints (not in the digest; a hardware run confirms or refutes).
export const SAVE_DONE: Record<Language, string> = { en: 'Saving ... CONFIG0 Done.', ja: 'セーブ中... CONFIG0 終了' };
