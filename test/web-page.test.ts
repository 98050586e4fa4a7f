import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { PACKAGE_ROOT } from '../plugin/project-files.js';
import { launchChromium } from './support/chromium.js';
import { startHost, purchase, ADMIN_TOKEN, SEED_INSTALL, type HostHarness } from './support/host-harness.js';

const require = createRequire(import.meta.url);

/** Where the browser test leaves a screenshot of each view (named in the README). */
const SHOTS = join(PACKAGE_ROOT, 'screenshots');

let h: HostHarness;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  h = await startHost();
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
});
afterAll(async () => {
  await browser?.close();
  await h?.close();
});

/**
 * The page at the host's public URL (default `http://localhost:<admin port>`): where Amazon sends the browser
 * back, so the cookie that binds a Connect with Amazon sign-in to this browser comes back with it.
 */
const base = () => h.host.adminUrl.replace('//127.0.0.1:', '//localhost:');

const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
const sidebar = () => page.getByRole('navigation', { name: 'Sidebar' });
const view = (name: string) => sidebar().getByRole('link', { name, exact: true }).click();

test('a new user follows the seed’s sentences: Integrations → Integration Library → Advertising → Install → Install Integration', async () => {
  await page.goto(`${base()}/`);
  await page.getByRole('dialog', { name: 'Admin token' }).getByLabel('Admin token').fill('wrong');
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByText('The token was not accepted.').waitFor();
  await page.getByRole('dialog', { name: 'Admin token' }).getByLabel('Admin token').fill(ADMIN_TOKEN);
  await page.getByRole('button', { name: 'Continue' }).click();

  // Before anything is installed, every view says what to do next, and its actions are off.
  await page.getByRole('tab', { name: 'Installed' }).click();
  await page.getByText('No integration is installed yet.').waitFor();
  await view('Live Events');
  await page.getByText('No event yet. Send one to the ingestion endpoint').waitFor();
  for (const name of ['Delivery Log', 'Dead letters', 'Match quality']) {
    await view(name);
    await page
      .locator('section:not([hidden]) .needs-integration')
      .getByText('Install an integration first')
      .waitFor();
  }
  await view('Dead letters');
  expect(await page.getByRole('button', { name: 'Replay all' }).isDisabled()).toBe(true);
  expect(await page.locator('#dead-integration').isDisabled()).toBe(true);

  // "Navigate to Integrations in the sidebar → open the Integration Library tab → find Amazon DSP Events or
  // filter by Advertising → click Install, select a variant, fill in the required fields → click Install
  // Integration".
  await view('Integrations');
  await page.getByRole('tab', { name: 'Integration Library' }).click();
  await page.getByLabel('Category').selectOption({ label: 'Advertising' });
  await page.getByLabel('Search').fill('amazon');
  await page.getByRole('heading', { name: 'Amazon DSP Events' }).waitFor();
  await shot('1-integration-library');
  await page.getByLabel('Search').fill('tiktok');
  await page.getByText('No integration matches.').waitFor();
  await page.getByLabel('Search').fill('');
  await page.getByRole('button', { name: 'Install Amazon DSP Events' }).click();
  const dialog = page.getByRole('dialog', { name: 'Install Amazon DSP Events' });
  await dialog.waitFor();
  expect(await dialog.getByRole('radio').count()).toBe(3);
  await dialog.getByRole('radio', { name: /Website/ }).check();
  expect(await dialog.getByLabel('Access Token').getAttribute('type')).toBe('password');
  expect(await dialog.getByLabel('Client Secret').getAttribute('type')).toBe('password');
  await expect(
    dialog
      .getByText('Found in the Amazon DSP console under Advertiser Settings', { exact: false })
      .isVisible(),
  ).resolves.toBe(true);

  // A bad profile id first: the API's field error shows next to its field, nothing is installed.
  await dialog.getByLabel('Advertiser ID').fill('ENTITY1234ABCD');
  await dialog.getByLabel('Profile ID').fill('12ab');
  await dialog.getByLabel('Access Token').fill('Atza|IwEBIA...');
  await dialog.getByRole('button', { name: 'Install Integration' }).click();
  await page.locator('#field-profile_id-error').getByText('must be a numeric string').waitFor();
  expect(await dialog.getByLabel('Profile ID').getAttribute('aria-invalid')).toBe('true');
  await shot('2-install-field-error');
  expect((await h.admin('/v1/admin/integrations')).body.data).toHaveLength(0);

  await dialog.getByLabel('Profile ID').fill('1234567890');
  await dialog.getByRole('button', { name: 'Install Integration' }).click();
  await page.waitForURL(/#\/integrations\/installed$/);
  const row = page.getByRole('row', { name: /Amazon DSP Events/ });
  await row.getByText('enabled').waitFor();
  await expect(row.getByRole('cell', { name: 'NA', exact: true }).isVisible()).resolves.toBe(true);
  await shot('3-installed');

  // Its detail has a route of its own, which a reload keeps.
  await row.getByRole('link', { name: 'Amazon DSP Events' }).click();
  await page
    .getByRole('article', { name: 'Amazon DSP Events' })
    .getByText('ENTITY1234ABCD')
    .first()
    .waitFor();
  await page.reload();
  await page.getByRole('article', { name: 'Amazon DSP Events' }).waitFor();
  expect(await page.content()).not.toContain('IwEBIA');

  // A purchase through ingestion shows in Live Events, delivered; the filters find it or hide it.
  const sent = await h.ingest('/v1/t', purchase('WEB-1'));
  const eventId = sent.body.ids[0] as string;
  await view('Live Events');
  const item = page.locator(`#live-list li.status-delivered`, { hasText: eventId });
  await item.waitFor();
  await page.getByLabel('Outcome').selectOption('rejected');
  await page.getByText('No event matches these filters.').waitFor();
  expect(await item.isVisible()).toBe(false);
  await page.getByLabel('Outcome').selectOption('');
  await page.getByLabel('Event id').fill(eventId);
  await page.getByLabel('Event name').fill('purch');
  expect(await item.isVisible()).toBe(true);
  await page.getByLabel('Event name').fill('signup');
  expect(await item.isVisible()).toBe(false);
  await page.getByLabel('Event name').fill('');
  await page.getByLabel('Event id').fill('');
  await item.locator('summary').first().click();
  await item.getByText('Amazon payload (hashed values only)').waitFor();
  expect(await item.textContent()).not.toContain('jane.doe@example.com');
  await shot('4-live-events');
  // The event's own link opens it after a reload; from there to its Delivery Log.
  await item.getByRole('link', { name: 'Link to this event' }).click();
  await page.reload();
  await page.locator('#live-list li', { hasText: eventId }).getByText('Outcome').first().waitFor();
  await page
    .locator('#live-list li', { hasText: eventId })
    .getByRole('link', { name: 'Its Delivery Log' })
    .click();
  await page.locator('#log-rows tr', { hasText: '207' }).first().waitFor();
  expect(await page.locator('#log-chart rect.delivered').count()).toBeGreaterThan(0);
  await shot('5-delivery-log');

  // Switched off: the next event is filtered as "integration disabled".
  await view('Integrations');
  await page.getByRole('tab', { name: 'Installed' }).click();
  await page.getByRole('switch', { name: 'Enable Amazon DSP Events' }).uncheck();
  await page
    .getByRole('row', { name: /Amazon DSP Events/ })
    .getByText('disabled')
    .waitFor();
  const off = await h.ingest('/v1/t', purchase('WEB-2'));
  await view('Live Events');
  const filtered = page.locator('#live-list li.status-filtered', { hasText: off.body.ids[0] });
  await filtered.waitFor();
  expect(await filtered.textContent()).toContain('INTEGRATION_DISABLED');
  await shot('6-disabled-filtered');
  expect(h.sandbox.accepted.has('5830921746193:WEB-2')).toBe(false);

  await view('Dead letters');
  await page.getByText('No dead letters: nothing is waiting to be replayed.').waitFor();
  expect(await page.getByRole('button', { name: 'Replay all' }).isDisabled()).toBe(true);
  await shot('7-dead-letters');

  // Editing never shows a secret back, and says a blank one is kept.
  await view('Integrations');
  await page.getByRole('tab', { name: 'Installed' }).click();
  await page.getByRole('button', { name: 'Edit config' }).click();
  const edit = page.getByRole('dialog', { name: 'Edit Amazon DSP Events' });
  expect(await edit.getByLabel('Access Token').inputValue()).toBe('');
  expect(await edit.getByLabel('Access Token').getAttribute('required')).toBeNull();
  await edit.getByText('Leave blank to keep the stored secret.').first().waitFor();
  expect(await page.content()).not.toContain('IwEBIA');
  await page.keyboard.press('Escape');
  expect(await edit.isVisible()).toBe(false);
}, 60_000);

test('Match quality shows, per event type, the score, a bar per match key and the consent sent, with no axe violation', async () => {
  const id = (await h.admin('/v1/admin/integrations')).body.data[0].id as string;
  await h.admin(`/v1/admin/integrations/${id}`, { method: 'PATCH', body: { enabled: true } });
  const withPhone = {
    ...purchase('MQ-2'),
    traits: { email: 'jane.doe@example.com', phone: '+1 415 555 0100' },
  };
  await h.ingest('/v1/batch', { batch: [purchase('MQ-1'), withPhone] });
  await h.waitFor(() => h.sandbox.accepted.has('5830921746193:MQ-2') || undefined, 'MQ-2 delivered');

  await view('Match quality');
  const card = page.locator('.quality-card', { has: page.getByRole('heading', { name: /^Purchase/ }) });
  await card.waitFor();
  const q = (await h.admin(`/v1/admin/integrations/${id}/match-quality`)).body;
  const purchaseFigures = q.by_event.Purchase;
  await expect(card.locator('.score').textContent()).resolves.toBe(String(purchaseFigures.score));
  const bar = (label: string) => card.locator('.share', { has: page.getByText(label, { exact: true }) });
  await expect(bar('EMAIL').locator('.share-value').textContent()).resolves.toBe('100 %');
  await expect(bar('PHONE').locator('.share-value').textContent()).resolves.toBe(
    `${Math.round(purchaseFigures.match_keys.PHONE * 1000) / 10} %`,
  );
  // The bar's width is its share (set through the CSSOM, which the page's CSP allows).
  const widths = await bar('EMAIL').evaluate((row) => {
    const track = row.querySelector('.share-track')!.getBoundingClientRect().width;
    return row.querySelector('.share-fill')!.getBoundingClientRect().width / track;
  });
  expect(widths).toBeCloseTo(1, 2);
  await card.getByText('granted', { exact: true }).waitFor();
  expect(await page.locator('#quality-chart rect.transformed').count()).toBeGreaterThan(0);
  await page.locator('#quality-reasons tr', { hasText: 'INTEGRATION_DISABLED' }).waitFor();
  await shot('8-match-quality');

  const violations = await axeViolations('#view-quality');
  expect(violations).toEqual([]);
}, 30_000);

/** axe-core's violations in the page (or under `include`), as `rule: targets`; serious and critical only when asked. */
async function axeViolations(include?: string, seriousOnly = false): Promise<string[]> {
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

const ROUTES: Array<[name: string, hash: string, shows: string]> = [
  ['integration-library', '#/integrations/library', 'Amazon DSP Events'],
  ['installed', '#/integrations/installed', 'Edit config'],
  ['live-events', '#/live', 'Event id'],
  ['match-quality', '#/quality', 'Per hour'],
  ['delivery-log', '#/log', 'HTTP status'],
  ['dead-letters', '#/dead', 'Replay all'],
];

test.each([
  [1280, 800],
  [390, 844],
])(
  'every view at %i px: its route survives a reload, nothing scrolls sideways, axe finds nothing serious',
  async (width, height) => {
    await page.setViewportSize({ width, height });
    for (const [name, hash, shows] of ROUTES) {
      await page.goto(`${base()}/${hash}`);
      await page.reload();
      await page.locator('main > section:not([hidden])').getByText(shows).first().waitFor();
      expect(new URL(page.url()).hash).toBe(hash);
      const overflow = await page.evaluate(() => {
        const d = (
          globalThis as unknown as {
            document: { documentElement: { scrollWidth: number; clientWidth: number } };
          }
        ).document;
        return d.documentElement.scrollWidth - d.documentElement.clientWidth;
      });
      expect({ name, overflow }).toEqual({ name, overflow: 0 });
      expect({ name, violations: await axeViolations(undefined, true) }).toEqual({ name, violations: [] });
      await shot(`view-${name}-${width}`);
    }
    await page.setViewportSize({ width: 1280, height: 800 });
  },
  60_000,
);

test('deleting asks first, says what happens to queued events, and then removes the integration', async () => {
  await page.goto(`${base()}/#/integrations/installed`);
  await page.getByRole('button', { name: 'Delete Amazon DSP Events' }).click();
  const confirm = page.getByRole('dialog', { name: 'Delete Amazon DSP Events?' });
  await confirm.getByText('Events still queued for it are not sent').waitFor();
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  expect((await h.admin('/v1/admin/integrations')).body.data).toHaveLength(1);
  await page.getByRole('button', { name: 'Delete Amazon DSP Events' }).click();
  await confirm.getByRole('button', { name: 'Delete' }).click();
  await page.getByText('No integration is installed yet.').waitFor();
  expect((await h.admin('/v1/admin/integrations')).body.data).toHaveLength(0);
});

test('Connect with Amazon: region → Connect → Allow → a profile and an advertiser picked → installed with nothing typed', async () => {
  await page.goto(`${base()}/#/integrations/library`);
  await page.getByRole('button', { name: 'Install Amazon DSP Events' }).click();
  const dialog = page.getByRole('dialog', { name: 'Install Amazon DSP Events' });
  // A European login signs in on Amazon's European page (the sandbox's /eu/ap/oa).
  expect(await dialog.getByLabel('Amazon login').inputValue()).toBe('NA');
  await dialog.getByLabel('Amazon login').selectOption('EU');
  await dialog.getByRole('button', { name: 'Connect with Amazon' }).click();
  await page.waitForURL(`${h.sandbox.url}/eu/ap/oa?**`);
  // Amazon's consent page (the sandbox's), then back to the page with the dialog and its pickers.
  await page.getByRole('button', { name: 'Allow' }).click();
  await page.waitForURL(/#\/integrations\/library\/connect\/conn_/);
  await dialog.getByText('Connected with Amazon.').waitFor();
  await expect(dialog.getByLabel('Access Token').count()).resolves.toBe(0);
  expect(await dialog.getByRole('button', { name: 'Connect with Amazon' }).isVisible()).toBe(false);
  await dialog
    .getByLabel('Profile')
    .locator('option', { hasText: '1234567890' })
    .waitFor({ state: 'attached' });
  await dialog.getByLabel('Profile').selectOption({ value: '1234567890' });
  await dialog
    .getByLabel('Advertiser')
    .locator('option', { hasText: '5830921746193' })
    .waitFor({ state: 'attached' });
  await dialog.getByLabel('Advertiser').selectOption({ value: '5830921746193' });
  await shot('9-connect-with-amazon');
  await dialog.getByRole('button', { name: 'Install Integration' }).click();
  await page.waitForURL(/#\/integrations\/installed$/);
  await page
    .getByRole('row', { name: /Amazon DSP Events/ })
    .getByText('enabled')
    .waitFor();
  const [integration] = (await h.admin('/v1/admin/integrations')).body.data;
  expect(integration.revision.config.connection_id).toMatch(/^conn_/);
  const sent = await h.ingest('/v1/t', purchase('CONNECTED-1'));
  await h.waitForOutcome(sent.body.ids[0], 'delivered');
  expect(await page.content()).not.toContain('Atzr|');
}, 30_000);

test('token health on Installed, and Reconnect: the same flow, the integration and its history kept', async () => {
  const pasted = await h.install({ ...SEED_INSTALL, name: 'Pasted token' });
  await page.goto(`${base()}/#/integrations/installed`);
  await page.reload(); // the same address as before: load the list again
  const row = page.getByRole('row', { name: /Pasted token/ });
  await row.getByText(/expires in \d+ min — add refresh credentials/).waitFor();
  await page
    .getByRole('row', { name: /Amazon DSP Events/ })
    .getByText('renews automatically')
    .waitFor();
  await row.getByRole('button', { name: 'Reconnect Pasted token with Amazon' }).click();
  await page.getByRole('button', { name: 'Allow' }).click();
  // Back from Amazon, the address alone changes nothing: the operator confirms with a click.
  await page.waitForURL(new RegExp(`#/integrations/installed/${pasted.body.id}/reconnect/conn_`));
  const confirm = page.getByRole('button', { name: 'Use this connection' });
  await confirm.waitFor();
  expect((await h.admin(`/v1/admin/integrations/${pasted.body.id}`)).body.revision.revision_number).toBe(1);
  await confirm.click();
  await page.waitForURL(new RegExp(`#/integrations/installed/${pasted.body.id}$`));
  await page
    .getByRole('row', { name: /Pasted token/ })
    .getByText('renews automatically')
    .waitFor();
  const after = (await h.admin(`/v1/admin/integrations/${pasted.body.id}`)).body;
  expect(after.revision.revision_number).toBe(2);
  expect(after.auth.method).toBe('connection');
  await shot('10-token-health');
}, 30_000);
