import { chromium, type Browser } from 'playwright-core';

/** The browser the page tests drive: `SIGNAL_TEST_CHROMIUM`, else Debian's `chromium`. */
export const CHROMIUM = process.env.SIGNAL_TEST_CHROMIUM || '/usr/bin/chromium';

/** Headless Chromium, or an error naming the fix when it cannot start. */
export async function launchChromium(): Promise<Browser> {
  try {
    return await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-quic',
      ],
    });
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new Error(`Chromium did not start from ${CHROMIUM} (${reason}): apt-get install -y chromium`, {
      cause: error,
    });
  }
}
