import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { launchChromium } from './chromium.js';
import { PACKAGE_ROOT } from '../../plugin/project-files.js';
import { ADMIN_TOKEN } from './host-harness.js';

const require = createRequire(import.meta.url);

/**
 * Where the browser tests leave a screenshot of each view. `screenshots/` (committed: the README and issues show
 * them) when `SIGNAL_SCREENSHOTS=1` (`npm run screenshots`); otherwise a temporary folder, so that a test run
 * takes every screenshot but leaves the work tree as it was.
 */
export const SHOTS =
  process.env.SIGNAL_SCREENSHOTS === '1'
    ? join(PACKAGE_ROOT, 'screenshots')
    : join(tmpdir(), `amazon-dsp-events-screenshots-${process.pid}`);

/** Debian's Chromium (or `SIGNAL_TEST_CHROMIUM`), headless, nothing talking to the network beyond loopback. */
export async function launchBrowser(): Promise<Browser> {
  mkdirSync(SHOTS, { recursive: true });
  return launchChromium();
}

/**
 * The page at the host's public URL (default `http://localhost:<admin port>`): where Amazon sends the browser
 * back, so the cookie that binds a Connect with Amazon sign-in to this browser comes back with it.
 */
export const publicUrl = (adminUrl: string) => adminUrl.replace('//127.0.0.1:', '//localhost:');

export const shot = (page: Page, name: string) =>
  page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

export const sidebar = (page: Page) => page.getByRole('navigation', { name: 'Sidebar' });
export const openView = (page: Page, name: string) =>
  sidebar(page).getByRole('link', { name, exact: true }).click();

/** Opens the page and signs in with the admin token. */
export async function signIn(page: Page, adminUrl: string, hash = ''): Promise<void> {
  await page.goto(`${adminUrl}/${hash}`);
  await page.locator('#token-input').fill(ADMIN_TOKEN);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByRole('dialog', { name: 'Admin token' }).waitFor({ state: 'hidden' });
}

/** axe-core's violations in the page (or under `include`), as `rule: targets`; serious and critical only when asked. */
export async function axeViolations(page: Page, include?: string, seriousOnly = false): Promise<string[]> {
  await page.evaluate(readFileSync(require.resolve('axe-core'), 'utf8'));
  return page.evaluate(
    async ([selector, serious]) => {
      type Axe = {
        run(context: unknown): Promise<{
          violations: Array<{ id: string; impact: string; nodes: Array<{ target: unknown }> }>;
        }>;
      };
      const result = await (globalThis as unknown as { axe: Axe }).axe.run(
        selector ? { include: [selector] } : (globalThis as unknown as { document: unknown }).document,
      );
      return result.violations
        .filter((v) => !serious || v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.id}: ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`);
    },
    [include, seriousOnly] as const,
  );
}

/** How far the page scrolls sideways (0: nothing is cut off or needs a sideways scroll). */
export const sidewaysOverflow = (page: Page) =>
  page.evaluate(() => {
    const d = (
      globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }
    ).document;
    return d.documentElement.scrollWidth - d.documentElement.clientWidth;
  });

/** Visible elements under `scope` whose right edge passes the viewport's (inside scrolling regions too). */
export const pastRightEdge = (page: Page, scope: string) =>
  page.evaluate((sel) => {
    const g = globalThis as unknown as {
      innerWidth: number;
      document: { querySelectorAll(s: string): ArrayLike<Element> };
    };
    type Element = {
      tagName: string;
      id: string;
      className: string;
      getBoundingClientRect(): { right: number; width: number; height: number };
      closest(s: string): { id: string } | null;
      checkVisibility(): boolean;
    };
    return Array.from(g.document.querySelectorAll(`${sel} *`))
      .filter((n) => {
        const r = n.getBoundingClientRect();
        // checkVisibility: a folded <details>' content keeps its boxes but is not shown.
        return n.checkVisibility() && r.width > 0 && r.height > 0 && r.right > g.innerWidth + 0.5;
      })
      .map(
        (n) =>
          `${n.closest('[id]')?.id ?? ''} ${n.tagName.toLowerCase()}${n.className ? `.${n.className}` : ''}`,
      );
  }, scope);
