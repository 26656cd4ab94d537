// Debian's chromium driven by Playwright (never a downloaded browser), for the report rendering tests.
import { existsSync } from 'node:fs';
import { chromium, type Browser } from '@playwright/test';

export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Reason to skip when the system browser is missing (scripts/install-system-deps.sh installs it). */
export const NO_CHROMIUM = existsSync(CHROMIUM_PATH)
  ? undefined
  : `${CHROMIUM_PATH} not installed (Debian package chromium; run scripts/install-system-deps.sh as root)`;

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    timeout: 30_000,
  });
}
