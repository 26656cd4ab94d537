// A child that must not outlive the harness process that started it: started through util-linux
// `setpriv --pdeathsig TERM` (Debian: /usr/bin/setpriv), the kernel sends it SIGTERM when its
// parent dies, even by SIGKILL. It survives `ip netns exec` (an exec keeps the setting).
import { existsSync } from 'node:fs';

/** The argv prefix that ties a child to this process (empty where setpriv is missing). */
export const WITH_PARENT: readonly string[] = existsSync('/usr/bin/setpriv') ? ['/usr/bin/setpriv', '--pdeathsig', 'TERM', '--'] : [];
