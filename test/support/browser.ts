import AxeBuilder from '@axe-core/playwright';
import { spawnSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { type Browser, type BrowserContext, type BrowserContextOptions, chromium, type Locator, type Page } from 'playwright-core';

const ROOT = join(__dirname, '..', '..');
const CANDIDATES = ['chromium', 'chromium-browser', 'google-chrome-stable', 'google-chrome'];

/** The system's Chromium (the Debian package `chromium`), or CHROMIUM_PATH: never a browser a test tool downloads. */
export function findChromium(): string | null {
  const given = process.env.CHROMIUM_PATH;
  if (given) return existsSync(given) ? given : null;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    for (const name of CANDIDATES) if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return null;
}

export const BROWSER_MISSING =
  'browser tests skipped: no Chromium found (apt-get install chromium, or set CHROMIUM_PATH to a Chromium or Chrome binary, to run them)';

/**
 * Browser specs run where a Chromium is installed; in CI they must (.ci/run
 * installs it). Elsewhere they are skipped, and the suite's set-up says so once.
 */
export function describeWithBrowser(name: string, body: () => void): void {
  const found = findChromium() !== null;
  if (!found && process.env.CI) throw new Error('Chromium is not installed, and CI must run the browser tests (apt-get install chromium)');
  (found ? describe : describe.skip)(name, body);
}

/** The system's Chromium, headless; `extraArgs` are more command-line switches (a fake camera, say). */
export async function launchBrowser(extraArgs: string[] = []): Promise<Browser> {
  const executablePath = findChromium();
  if (!executablePath) throw new Error(BROWSER_MISSING);
  const version = spawnSync(executablePath, ['--version'], { encoding: 'utf8' });
  if (version.status !== 0) throw new Error(`${executablePath} does not start: ${version.stderr}`);
  // Chromium's sandbox needs user namespaces, which root in a container does not get.
  const args = process.getuid?.() === 0 ? ['--no-sandbox'] : [];
  return chromium.launch({ executablePath, headless: true, args: [...args, ...extraArgs] });
}

/**
 * Switches that give Chromium a camera showing `file` (a .y4m or .mjpeg) in a
 * loop, and allow pages to use it without asking.
 */
export const fakeCamera = (file: string): string[] => ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${file}`];

export const DESKTOP = { width: 1280, height: 900 };
export const PHONE = { width: 375, height: 740 };

export interface Tab {
  context: BrowserContext;
  page: Page;
  /** Everything the page said went wrong: uncaught errors, console errors (CSP violations are console errors). */
  errors: string[];
}

/** A fresh browser profile (its own storage), one page in it, and what goes wrong in it recorded. */
export async function openTab(browser: Browser, baseURL: string, viewport = DESKTOP, device: Pick<BrowserContextOptions, 'isMobile' | 'hasTouch' | 'deviceScaleFactor'> = {}): Promise<Tab> {
  const context = await browser.newContext({ baseURL, viewport, locale: 'en-GB', timezoneId: 'UTC', ...device });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    // A refused request is the app's to show (and the test's to assert), not an error of the page.
    if (message.type() === 'error' && !/the server responded with a status of 4\d\d/.test(message.text())) errors.push(`console: ${message.text()}`);
  });
  return { context, page, errors };
}

/** Signs a tab in without the login form: the session the app keeps in localStorage, before any page loads. */
/** After each test: no tab saw an error, and every one is closed (the list is emptied for the next test). */
export async function closeTabs(tabs: Tab[]): Promise<void> {
  const open = tabs.splice(0);
  for (const { context, errors } of open) {
    expect(errors).toEqual([]);
    await context.close();
  }
}

export async function signInTab(tab: Tab, tokens: { access: string; refresh: string }): Promise<void> {
  // Written once, from a page of the origin that is not the app (so no session reads it yet):
  // every tab of the profile then starts from this pair, and none puts it back after a
  // refresh or logout (an init script would run again in each new tab and on each reload).
  await tab.page.goto('/health/live');
  await tab.page.evaluate(([key, value]) => localStorage.setItem(key, value), ['box-office.session', JSON.stringify({ access: tokens.access, refresh: tokens.refresh })]);
}

/**
 * axe-core on the page as it is: no serious or critical violation of WCAG 2.2 A/AA.
 * In the page itself (axe's "legacy" frame mode): the default opens a blank
 * page to merge the frames' results, about half of each check's time (a
 * 200-seat map 5.1 → 2.7 s), and the app's pages have no frames to merge.
 */
export async function expectAccessible(page: Page, what: string): Promise<void> {
  const result = await new AxeBuilder({ page }).setLegacyMode(true).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']).analyze();
  const serious = result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${what}: ${v.id} (${v.impact}) ${v.help}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
  expect(serious).toEqual([]);
  expect(result.passes.length).toBeGreaterThan(10);
}

/**
 * Saves a screenshot under test-results/screenshots/ on every run; with
 * UPDATE_SCREENSHOTS=1 (`npm run screenshots`) also into docs/screenshots/,
 * where the README shows them.
 */
export async function saveScreenshot(target: Page | Locator, name: string): Promise<void> {
  const dirs = [join(ROOT, 'test-results', 'screenshots')];
  if (process.env.UPDATE_SCREENSHOTS) dirs.push(join(ROOT, 'docs', 'screenshots'));
  const image = 'goto' in target ? await target.screenshot({ fullPage: true, animations: 'disabled' }) : await target.screenshot({ animations: 'disabled' });
  for (const dir of dirs) {
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, `${name}.png`), image);
  }
  expect(image.length).toBeGreaterThan(1000);
}

/** The state the seat map shows for a seat (its class), once it is drawn. */
export const seatState = (page: Page, seat: number) =>
  page.locator(`[data-seat="${seat}"]`).evaluate((el) => ['available', 'selected', 'held', 'booked', 'mine-held', 'mine-booked'].find((s) => el.classList.contains(s)));

/** Waits until the map shows `seat` in `state` (an event, not a sleep), at most `timeoutMs`. */
export async function seatBecomes(page: Page, seat: number, state: string, timeoutMs = 5000): Promise<void> {
  await page.locator(`[data-seat="${seat}"].${state}`).waitFor({ timeout: timeoutMs });
}
