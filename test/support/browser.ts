import { existsSync, mkdirSync } from 'fs';
import { join } from 'path';
import type { Browser, Page } from 'playwright-core';
import { ROOT } from '../engine/support';

/**
 * Headless Chromium for the browser tests: Debian's `chromium` (installed by
 * .ci/run), driven by playwright-core, which downloads no browser. Without
 * it the tests fail and say how to install it; only outside CI, and only when
 * asked with UNUM_SKIP_BROWSER_TESTS=1, are they skipped instead.
 */

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/lib/chromium/chromium'];

export function chromiumPath(): string | undefined {
  const chosen = process.env.UNUM_CHROMIUM;
  if (chosen !== undefined && chosen !== '') return chosen;
  return CANDIDATES.find((p) => existsSync(p));
}

/** Skipped only on request, never in CI. */
export const skipBrowserTests = chromiumPath() === undefined && process.env.UNUM_SKIP_BROWSER_TESTS === '1' && !process.env.CI;

/** `describe`, or `describe.skip` when the browser tests were asked to be skipped. */
export const describeInBrowser: jest.Describe = skipBrowserTests ? describe.skip : describe;

export async function launchChromium(): Promise<Browser> {
  const executablePath = chromiumPath();
  if (executablePath === undefined || !existsSync(executablePath)) {
    throw new Error(`headless Chromium is not installed (${executablePath ?? CANDIDATES.join(', ')}: no such file), and the browser tests need it: `
      + '`sudo apt-get install -y chromium` '
      + '(.ci/run installs it), or set UNUM_CHROMIUM to a Chromium binary; outside CI, UNUM_SKIP_BROWSER_TESTS=1 skips these tests');
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { chromium } = require('playwright-core') as typeof import('playwright-core');
  // The tests run as root in CI, where Chromium's own sandbox cannot start.
  return chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'] });
}

/** Console messages of level error and uncaught exceptions of a page. */
export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  return errors;
}

/** Where the screenshots go, for people to look at: under the test output (test-reports/, beside jest's junit file). */
export function screenshotPath(name: string): string {
  const dir = join(ROOT, 'test-reports', 'screenshots');
  mkdirSync(dir, { recursive: true });
  return join(dir, `${name}.png`);
}
