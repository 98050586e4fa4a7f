import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { PACKAGE_ROOT } from '../plugin/project-files.js';
import { startHost, purchase, ADMIN_TOKEN, type HostHarness } from './support/host-harness.js';

const require = createRequire(import.meta.url);

/** Where the browser test leaves a screenshot of each view (named in the README). */
const SHOTS = join(PACKAGE_ROOT, 'screenshots');

let h: HostHarness;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  h = await startHost();
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
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
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
});
afterAll(async () => {
  await browser?.close();
  await h?.close();
});

const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
const view = (name: string) =>
  page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name }).click();

test('a person installs Amazon DSP Events from the browser, watches an event delivered, and switches it off', async () => {
  await page.goto(`${h.host.adminUrl}/`);
  await page.getByRole('dialog', { name: 'Admin token' }).getByLabel('Admin token').fill('wrong');
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByText('The token was not accepted.').waitFor();
  await page.getByRole('dialog', { name: 'Admin token' }).getByLabel('Admin token').fill(ADMIN_TOKEN);
  await page.getByRole('button', { name: 'Continue' }).click();

  // Integration Library: category filter and search, then the install dialog built from manifest.json.
  await page.getByLabel('Category').selectOption('advertising');
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
  await dialog.getByRole('button', { name: 'Install' }).click();
  await page.locator('#field-profile_id-error').getByText('must be a numeric string').waitFor();
  expect(await dialog.getByLabel('Profile ID').getAttribute('aria-invalid')).toBe('true');
  await shot('2-install-field-error');
  expect((await h.admin('/v1/admin/integrations')).body.data).toHaveLength(0);

  await dialog.getByLabel('Profile ID').fill('1234567890');
  await dialog.getByRole('button', { name: 'Install' }).click();
  await page.getByRole('heading', { name: 'Installed integrations' }).waitFor();
  const row = page.getByRole('row', { name: /Amazon DSP Events/ });
  await row.getByText('enabled').waitFor();
  await expect(row.getByRole('cell', { name: 'NA', exact: true }).isVisible()).resolves.toBe(true);
  await shot('3-installed');

  // A purchase through ingestion shows in Live Events, delivered, and in the Delivery Log as a 207.
  const sent = await h.ingest('/v1/t', purchase('WEB-1'));
  await view('Live Events');
  const item = page.locator(`#live-list li.status-delivered`, { hasText: sent.body.ids[0] });
  await item.waitFor();
  await item.locator('summary').click();
  await item.getByText('Amazon payload (hashed values only)').waitFor();
  expect(await item.textContent()).not.toContain('jane.doe@example.com');
  await shot('4-live-events');

  await view('Delivery Log');
  await page.locator('#log-rows tr', { hasText: '207' }).first().waitFor();
  expect(await page.locator('#log-chart rect.delivered').count()).toBeGreaterThan(0);
  await shot('5-delivery-log');

  // Switched off: the next event is filtered as "integration disabled".
  await view('Installed');
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
  await page.getByRole('heading', { name: 'Dead letters' }).waitFor();
  await shot('7-dead-letters');

  // Editing never shows a secret back.
  await view('Installed');
  await page.getByRole('button', { name: 'Edit config' }).click();
  const edit = page.getByRole('dialog', { name: 'Edit Amazon DSP Events' });
  expect(await edit.getByLabel('Access Token').inputValue()).toBe('');
  expect(await page.content()).not.toContain('IwEBIA');
  await edit.getByRole('button', { name: 'Cancel' }).click();
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

  await page.evaluate(readFileSync(require.resolve('axe-core'), 'utf8'));
  const violations = await page.evaluate(async () => {
    type Axe = {
      run(
        context: unknown,
      ): Promise<{ violations: Array<{ id: string; nodes: Array<{ target: unknown }> }> }>;
    };
    const result = await (globalThis as unknown as { axe: Axe }).axe.run({ include: ['#view-quality'] });
    return result.violations.map(
      (v) => `${v.id}: ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`,
    );
  });
  expect(violations).toEqual([]);
}, 30_000);
