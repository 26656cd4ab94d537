import { test, expect } from '@playwright/test';
import { Lab } from './helpers/lab.ts';

test('smoke: peer initiates', async () => {
  const lab = await Lab.open({ tunnels: [{ n: 1, peer: '127.0.0.2' }] });
  try {
    await lab.startRouter();
    const peer = await lab.peer('127.0.0.2', { role: 'initiator' });
    const layout = await peer.established();
    expect(layout.remoteSessionId).toBeGreaterThan(0);
  } finally {
    await lab.close(test.info());
  }
});
