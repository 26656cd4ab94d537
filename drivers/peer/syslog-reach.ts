// Which lines of the seed's syslog catalogue (seed: SYSLOGメッセージ一覧) a peer on the far
// end of the tunnel cannot make the device log, and why. Every other line can be provoked with
// the tester peer (tests/drivers/peer/syslog-catalogue.spec.ts shows how, line by line).
import type { SyslogId } from '../../reference-impl/syslog/catalogue.ts';

export const NOT_CAUSED_BY_A_PEER: Partial<Record<SyslogId, string>> = {
  portOpened: 'logged when the device itself runs `l2tp service on` (config or start-up); no message from a peer opens UDP 1701',
  portClosed: 'logged when the device itself runs `l2tp service off` or shuts down; no message from a peer closes UDP 1701',
};
