import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';

/** Where the browser tests leave their screenshots (git-ignored, like all of .stack). */
export const SCREENSHOT_DIR = join(new URL('../../', import.meta.url).pathname, '.stack', 'screenshots');

/** Debian's headless Chromium (npm test installs the package when it is missing). */
export function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing: npm test installs Debian's chromium package`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** The live page's number format (`fmt` in live.page.ts), to compare what it shows with the API. */
export function pageNumber(n: number | null | undefined, digits = 0): string {
  return n === null || n === undefined
    ? '-'
    : n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}
