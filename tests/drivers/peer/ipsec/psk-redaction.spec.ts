// The pre-shared key a peer test shares with a device reaches the device's config through the CLI
// session, whose transcript passes through drivers/transcript's Redactor: the key must be masked
// there in every form RTX takes it (`text KEY`, the bare and 0x forms, yamaha-platform-facts.md
// §1.4), in the config line and in any later output that repeats it (e.g. `show config`).
import { test, expect } from '@playwright/test';
import { Redactor, SECRET_MASK } from '../../../../drivers/transcript/redactor.ts';
import { PSK } from './pair.ts';

test('the Redactor masks the peer\'s pre-shared key in `ipsec ike pre-shared-key` lines and wherever it shows up later', () => {
  for (const line of [`ipsec ike pre-shared-key 1 text ${PSK}`, `ipsec ike pre-shared-key 1 ${PSK}`]) {
    const r = new Redactor();
    // The command as the session sends it (transcript.ts passes sent text through redact())...
    const masked = r.redact(line);
    expect(masked, line).not.toContain(PSK);
    expect(masked, line).toContain(SECRET_MASK);
    // ...and the device's later output that repeats it (`show config`), masked by what was learnt.
    expect(r.mask(`tunnel select 1\r\n  ${line}\r\n  ipsec ike remote address 1 198.51.100.1\r\n`)).not.toContain(PSK);
  }
  const hexKey = `0x${Buffer.from(PSK).toString('hex')}`;
  const r = new Redactor();
  expect(r.redact(`ipsec ike pre-shared-key 1 ${hexKey}`)).not.toContain(hexKey);
});
