import type { Browser, Page } from 'playwright-core';
import { startHost, purchase, SEED_INSTALL, type HostHarness } from './support/host-harness.js';
import { launchBrowser, openView, publicUrl, shot, signIn } from './support/web-browser.js';

/**
 * A new operator's journeys in the page at 1280 px: sign in, install two named integrations through the form,
 * tell them apart everywhere, edit one, Connect with Amazon for a variant that is not the first, reconnect.
 */
let h: HostHarness;
const base = () => publicUrl(h.host.adminUrl);
let browser: Browser;
let page: Page;

beforeAll(async () => {
  h = await startHost();
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.setDefaultTimeout(8_000);
});
afterAll(async () => {
  await browser?.close();
  await h?.close();
});

const integrations = async () =>
  (await h.admin('/v1/admin/integrations')).body.data as Array<Record<string, any>>;

test('before anything is installed, each view has its heading first, one message, and no empty frame', async () => {
  await page.goto(`${base()}/`);
  await page.locator('#token-input').fill('wrong');
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByText('The token was not accepted.').waitFor();
  // Escape does not leave a page that can do nothing without the token.
  await page.keyboard.press('Escape');
  expect(await page.getByRole('dialog', { name: 'Admin token' }).isVisible()).toBe(true);
  await signIn(page, base(), '#/integrations/installed');
  await page.getByText('No integration is installed yet.').waitFor();

  // The example to send an event names this host's real ingestion URL, whatever its port.
  await openView(page, 'Live Events');
  await page.getByText('No event yet.').waitFor();
  const curl = await page.locator('#live-curl').textContent();
  expect(curl).toContain(`${h.host.ingestUrl}/v1/t`);
  expect(curl).not.toContain('localhost:8080');
  expect(await page.getByLabel('Event id').isVisible()).toBe(false);

  for (const [name, id] of [
    ['Match quality', 'quality'],
    ['Delivery Log', 'log'],
    ['Dead letters', 'dead'],
  ] as const) {
    await openView(page, name);
    const section = page.locator(`#view-${id}`);
    await section.getByText('Install an integration first').waitFor();
    // The heading first, then the one message; no toolbar, chart frame or bare table headers.
    const order = await section.evaluate((s) =>
      [...s.children].filter((c) => !(c as { hidden: boolean }).hidden).map((c) => c.tagName),
    );
    expect({ name, order }).toEqual({ name, order: ['H2', 'P'] });
    expect(await section.locator('svg, table, select').count()).toBe(
      await section.locator('[hidden] svg, [hidden] table, [hidden] select').count(),
    );
    await shot(page, `empty-${id}`);
  }
}, 30_000);

test('the install form: a name, required fields first, Advanced in named groups, the operator’s words', async () => {
  await openView(page, 'Integrations');
  await page.getByRole('tab', { name: 'Integration Library' }).click();
  await page.getByLabel('Category').selectOption({ label: 'Advertising' });
  await page.getByLabel('Search').fill('amazon');
  await page.getByRole('heading', { name: 'Amazon DSP Events' }).waitFor();
  await page.getByLabel('Search').fill('tiktok');
  await page.getByText('No integration matches.').waitFor();
  await page.getByLabel('Search').fill('');
  await page.getByRole('button', { name: 'Install Amazon DSP Events' }).click();
  const dialog = page.getByRole('dialog', { name: 'Install Amazon DSP Events' });
  await dialog.waitFor();
  expect(await dialog.getByRole('textbox', { name: 'Name', exact: true }).inputValue()).toBe(
    'Amazon DSP Events',
  );
  expect(await dialog.getByRole('radio').count()).toBe(3);

  // Outside Advanced: the three fields an install needs, in order; the rest folded, in named groups.
  const outside = await dialog
    .locator('#config-fields > .field label')
    .evaluateAll((labels) => labels.map((l) => l.textContent!.replace(' *', '').trim()));
  expect(outside).toEqual(['Advertiser ID', 'Profile ID', 'Access Token']);
  expect(await dialog.locator('#advanced').getAttribute('open')).toBeNull();
  expect(await dialog.getByLabel('Client Secret').isVisible()).toBe(false);
  await dialog.getByText('Advanced', { exact: true }).click();
  expect(await dialog.locator('#advanced legend').allTextContents()).toEqual([
    'Token renewal',
    'Manager account and API token',
    'Data and consent',
    'Custom events',
    'Delivery',
  ]);
  expect(await dialog.getByLabel('Client Secret').getAttribute('type')).toBe('password');
  const text = (await dialog.textContent())!;
  for (const developerWords of ['GET /v2/profiles', '2^53', 'geo_only', 'Amazon-Ads-'])
    expect({ developerWords, found: text.includes(developerWords) }).toEqual({
      developerWords,
      found: false,
    });
  // "Consent Without a Signal" defaults to what Amazon's tag does, in words.
  expect(
    await dialog
      .getByLabel('Consent Without a Signal')
      .evaluate((s) => (s as any).selectedOptions[0].textContent),
  ).toBe('Default: send with the IP address only');
  expect(await dialog.getByLabel('Region').evaluate((s) => (s as any).selectedOptions[0].textContent)).toBe(
    'Automatic (from the profile)',
  );

  // Only what the variant uses: Global Privacy Control is a browser's signal, so the website's alone.
  const gpc = dialog.getByLabel('Global Privacy Control Scope');
  await gpc.selectOption({ label: 'Every visitor who sends it' });
  await dialog.getByRole('radio', { name: /Offline and CRM sales/ }).check();
  expect(await gpc.isVisible()).toBe(false);
  expect(await dialog.getByLabel('Default Country').isVisible()).toBe(true);
  await dialog.getByLabel('Default Country').fill('US');
  // Back to Website: what was typed is still there.
  await dialog.getByRole('radio', { name: /Website/ }).check();
  expect(await gpc.isVisible()).toBe(true);
  expect(await gpc.inputValue()).toBe('everywhere');
  expect(await dialog.getByLabel('Default Country').inputValue()).toBe('US');
  await gpc.selectOption('');
  await dialog.getByLabel('Default Country').fill('');

  // Everything required left empty: every missing field at once, each under its own label, nothing sent.
  await dialog.getByRole('textbox', { name: 'Name', exact: true }).fill('');
  await dialog.getByRole('button', { name: 'Install Integration' }).click();
  const missing = page.locator('#install-error li');
  await missing.first().waitFor();
  expect(await missing.allTextContents()).toEqual([
    'Name: is required',
    'Advertiser ID: is required',
    'Access Token: is required, or use Connect with Amazon instead',
  ]);
  for (const [id, message] of [
    ['install-name', 'is required'],
    ['field-advertiser_id', 'is required'],
    ['field-access_token', 'is required, or use Connect with Amazon instead'],
  ]) {
    expect(await page.locator(`#${id}`).getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator(`#${id === 'install-name' ? 'field-name' : id}-error`).textContent()).toBe(
      message,
    );
  }
  // The summary is on screen inside the dialog, not cut at its bottom edge, with the focus on the first field.
  const [listBox, dialogBox] = await Promise.all([
    page.locator('#install-error ul').boundingBox(),
    dialog.boundingBox(),
  ]);
  expect(listBox!.y).toBeGreaterThanOrEqual(dialogBox!.y);
  expect(listBox!.y + listBox!.height).toBeLessThanOrEqual(dialogBox!.y + dialogBox!.height);
  expect(listBox!.y + listBox!.height).toBeLessThanOrEqual(page.viewportSize()!.height);
  expect(await page.locator('#install-name').evaluate((n) => n === n.ownerDocument.activeElement)).toBe(true);
  expect(await integrations()).toHaveLength(0);
  await shot(page, 'install-all-missing');

  // Errors name the field by its label, in the operator's words.
  await dialog.getByRole('textbox', { name: 'Name', exact: true }).fill('Brand A web');
  await dialog.getByRole('radio', { name: /Website/ }).check();
  await dialog.getByLabel('Advertiser ID').fill('ENTITY1234ABCD');
  await dialog.getByLabel('Profile ID').fill('12ab');
  await dialog.getByRole('button', { name: 'Install Integration' }).click();
  const summary = page.locator('#install-error');
  await summary.getByText('Access Token: is required, or use Connect with Amazon instead').waitFor();
  await summary
    .getByText('Profile ID: should be the profile’s number, digits only (1234567890)'.replace('’', "'"))
    .waitFor();
  expect(await summary.textContent()).not.toMatch(/profile_id|access_token|connection_id/);
  expect(await dialog.getByLabel('Profile ID').getAttribute('aria-invalid')).toBe('true');
  await shot(page, 'install-field-errors');
  expect(await integrations()).toHaveLength(0);

  // A custom event as a row: your event → Amazon event and conversion type.
  await dialog.getByLabel('Profile ID').fill('1234567890');
  await dialog.getByLabel('Access Token').fill('Atza|IwEBIA...');
  await dialog.getByRole('button', { name: 'Add an event' }).click();
  await dialog.getByLabel('Your event name').fill('trial_started');
  await dialog.getByLabel('Amazon event name').fill('TrialStarted');
  await dialog.getByLabel('Conversion type').selectOption({ label: 'Sign up' });
  await shot(page, 'install-form-advanced');
  await dialog.getByRole('button', { name: 'Install Integration' }).click();
  await page.waitForURL(/#\/integrations\/installed$/);
  await page.getByRole('status').getByText('Brand A web (Website) installed.').waitFor();
  const [installed] = await integrations();
  expect(installed!.name).toBe('Brand A web');
  expect(installed!.revision.config.custom_events).toEqual({
    trial_started: { vendor_event_name: 'TrialStarted', conversion_type: 'SIGN_UP' },
  });
}, 30_000);

test('two named installs are told apart wherever one is listed or picked, with the variant’s name', async () => {
  await h.install({ ...SEED_INSTALL, name: 'Stores CRM', variant: 'offline' });
  await page.reload();
  const card = (name: string) => page.getByRole('article', { name });
  await card('Stores CRM').getByText('Offline and CRM sales').waitFor();
  await card('Brand A web').getByText('Website').first().waitFor();
  expect(await page.locator('#installed-list').textContent()).not.toMatch(/\bdefault\b|\boffline\b/);
  // Installed as cards: status, token health, the switch and every action in view.
  for (const name of ['Brand A web', 'Stores CRM']) {
    await card(name).getByText('enabled', { exact: true }).waitFor();
    await card(name)
      .getByText(/Token: expires in \d+ min/)
      .waitFor();
    for (const control of [
      card(name).getByRole('switch', { name: `Enable ${name}` }),
      card(name).getByRole('button', { name: `Edit config of ${name}` }),
      card(name).getByRole('button', { name: `Reconnect ${name} with Amazon` }),
      card(name).getByRole('button', { name: `Delete ${name}` }),
    ])
      expect(await control.isVisible()).toBe(true);
  }
  await shot(page, 'installed-two-named');

  const labels = ['Brand A web (Website)', 'Stores CRM (Offline and CRM sales)'];
  for (const [view, picker] of [
    ['Match quality', '#quality-integration'],
    ['Delivery Log', '#log-integration'],
    ['Dead letters', '#dead-integration'],
    ['Live Events', '#live-integration'],
  ] as const) {
    await openView(page, view);
    await page.locator(`${picker} option`, { hasText: 'Stores CRM' }).waitFor({ state: 'attached' });
    const options = await page.locator(`${picker} option`).allTextContents();
    expect({ view, options: options.filter((o) => o !== 'All') }).toEqual({ view, options: labels });
  }

  // One purchase, one Live Events row per integration, each saying which.
  const eventId = (await h.ingest('/v1/t', purchase('TWO-1'))).body.ids[0] as string;
  for (const label of labels)
    await page.locator('#live-list li', { hasText: eventId }).filter({ hasText: label }).waitFor();
  await page.locator('#live-integration').selectOption({ label: labels[1] });
  expect(await page.locator('#live-list li:not([hidden])', { hasText: eventId }).count()).toBe(1);
  await page.locator('#live-integration').selectOption({ label: 'All' });
}, 30_000);

test('Edit renames through the dialog, keeps secrets blank, and saves a new revision', async () => {
  await page.goto(`${base()}/#/integrations/installed`);
  await page.getByRole('button', { name: 'Edit config of Brand A web' }).click();
  const edit = page.getByRole('dialog', { name: 'Edit Brand A web' });
  expect(await edit.getByLabel('Access Token').inputValue()).toBe('');
  expect(await edit.getByLabel('Access Token').getAttribute('required')).toBeNull();
  await edit.getByText('Leave blank to keep the stored secret.').first().waitFor();
  expect(await edit.getByRole('radio', { name: /Website/ }).isChecked()).toBe(true);
  expect(await edit.getByLabel('Your event name').inputValue()).toBe('trial_started');
  await edit.getByRole('textbox', { name: 'Name', exact: true }).fill('Brand A site');
  await edit.getByRole('button', { name: 'Save (new revision)' }).click();
  await page.getByRole('article', { name: 'Brand A site' }).waitFor();
  const renamed = (await integrations()).find((i) => i.name === 'Brand A site')!;
  expect(renamed.revision.revision_number).toBe(2);
  expect(renamed.auth.method).not.toBe('none');
  expect(await page.content()).not.toContain('IwEBIA');
}, 30_000);

test('Connect with Amazon keeps the variant and name picked before the sign-in (Offline stays Offline)', async () => {
  await page.goto(`${base()}/#/integrations/library`);
  await page.getByRole('button', { name: 'Install Amazon DSP Events' }).click();
  const dialog = page.getByRole('dialog', { name: 'Install Amazon DSP Events' });
  await dialog.getByRole('textbox', { name: 'Name', exact: true }).fill('Connected stores');
  await dialog.getByRole('radio', { name: /Offline and CRM sales/ }).check();
  // A European login signs in on Amazon's European page (the sandbox's /eu/ap/oa).
  expect(await dialog.getByLabel('Amazon login').inputValue()).toBe('NA');
  await dialog.getByLabel('Amazon login').selectOption('EU');
  await dialog.getByRole('button', { name: 'Connect with Amazon' }).click();
  await page.waitForURL(`${h.sandbox.url}/eu/ap/oa?**`);
  await page.getByRole('button', { name: 'Allow' }).click();
  await page.waitForURL(/#\/integrations\/library\/connect\/conn_/);
  await dialog.getByText('Connected with Amazon.').waitFor();
  expect(await dialog.getByRole('radio', { name: /Offline and CRM sales/ }).isChecked()).toBe(true);
  expect(await dialog.getByRole('textbox', { name: 'Name', exact: true }).inputValue()).toBe(
    'Connected stores',
  );
  await expect(dialog.getByLabel('Access Token').count()).resolves.toBe(0);
  await dialog
    .getByLabel('Advertiser')
    .locator('option', { hasText: '5830921746193' })
    .waitFor({ state: 'attached' });
  await dialog.getByLabel('Profile').selectOption({ value: '1234567890' });
  await dialog.getByLabel('Advertiser').selectOption({ value: '5830921746193' });
  await shot(page, 'connect-with-amazon');
  await dialog.getByRole('button', { name: 'Install Integration' }).click();
  await page.getByRole('article', { name: 'Connected stores' }).getByText('Offline and CRM sales').waitFor();
  const connected = (await integrations()).find((i) => i.name === 'Connected stores')!;
  expect(connected.catalog_variant_key).toBe('offline');
  expect(connected.revision.config.connection_id).toMatch(/^conn_/);
  expect(await page.content()).not.toContain('Atzr|');
}, 30_000);

test('Reconnect asks before it changes credentials, then says it worked', async () => {
  await page.goto(`${base()}/#/integrations/installed`);
  const card = page.getByRole('article', { name: 'Stores CRM' });
  await card.getByText(/expires in \d+ min — add refresh credentials/).waitFor();
  await card.getByRole('button', { name: 'Reconnect Stores CRM with Amazon' }).click();
  await page.getByRole('button', { name: 'Allow' }).click();
  const confirm = page.getByRole('dialog', { name: 'Reconnect Stores CRM' });
  await confirm.waitFor();
  expect((await integrations()).find((i) => i.name === 'Stores CRM')!.revision.revision_number).toBe(1);
  await confirm.getByRole('button', { name: 'Use this connection' }).click();
  await page.getByRole('status').getByText('Stores CRM is reconnected with Amazon').waitFor();
  await page.getByRole('heading', { name: 'Stores CRM' }).waitFor();
  await page.getByText('renews automatically').first().waitFor();
  await shot(page, 'reconnected');
  const after = (await integrations()).find((i) => i.name === 'Stores CRM')!;
  expect(after.revision.revision_number).toBe(2);
  expect(after.auth.method).toBe('connection');
}, 30_000);

test('Delete asks first (Cancel secondary, Delete the danger), says what happens to queued events', async () => {
  await page.goto(`${base()}/#/integrations/installed`);
  await page.getByRole('button', { name: 'Delete Connected stores' }).click();
  const confirm = page.getByRole('dialog', { name: 'Delete Connected stores?' });
  await confirm.getByText('Events still queued for it are not sent').waitFor();
  expect(await confirm.getByRole('button', { name: 'Cancel' }).getAttribute('class')).toBe('secondary');
  expect(await confirm.getByRole('button', { name: 'Delete' }).getAttribute('class')).toBe('danger');
  expect(await page.locator('#install-cancel').getAttribute('class')).toBe('secondary');
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  expect(await integrations()).toHaveLength(3);
  await page.getByRole('button', { name: 'Delete Connected stores' }).click();
  await confirm.getByRole('button', { name: 'Delete' }).click();
  await page.getByRole('status').getByText('Connected stores deleted.').waitFor();
  await expect(page.getByRole('article', { name: 'Connected stores' }).count()).resolves.toBe(0);
  expect(await integrations()).toHaveLength(2);
}, 30_000);

test('the page Connect with Amazon ends on, when it fails, is styled like the console and leads back', async () => {
  await page.goto(`${base()}/v1/admin/oauth/amazon/callback?state=stale&code=x`);
  await page.getByRole('heading', { name: 'Connect with Amazon' }).waitFor();
  expect(
    await page.locator('main').evaluate((m) => (globalThis as any).getComputedStyle(m).backgroundColor),
  ).toBe('rgb(255, 255, 255)');
  expect(
    await page.locator('header').evaluate((m) => (globalThis as any).getComputedStyle(m).backgroundColor),
  ).toBe('rgb(35, 47, 62)');
  const back = page.getByRole('link', { name: 'Back to the Integration Library' });
  expect(await back.evaluate((a) => (globalThis as any).getComputedStyle(a).backgroundColor)).toBe(
    'rgb(255, 153, 0)',
  );
  await shot(page, 'oauth-result');
  await back.click();
  await page.getByRole('tab', { name: 'Integration Library', selected: true }).waitFor();
});

test('a failed call says what failed (not "wrong token"), and signing in again leaves one live stream', async () => {
  // Count the page's EventSources and the ones it closed.
  await page.addInitScript(() => {
    const w = globalThis as any;
    const Native = w.EventSource;
    w.__streams = { opened: 0, closed: 0 };
    w.EventSource = class extends Native {
      constructor(url: string, init?: unknown) {
        super(url, init);
        w.__streams.opened++;
      }
      close() {
        w.__streams.closed++;
        super.close();
      }
    };
  });
  await page.goto(`${base()}/#/integrations/installed`);
  await page.reload();
  await page.getByRole('article', { name: 'Stores CRM' }).waitFor();
  const web = (await integrations()).find((i) => i.name === 'Brand A site')!.id;
  await page.route('**/match-quality?*', (route) =>
    route.fulfill({
      status: 503,
      contentType: 'application/json',
      body: '{"error":{"code":"storage_unavailable","message":"The disk is full: nothing was stored."}}',
    }),
  );
  await page.goto(`${base()}/#/quality/${web}`);
  await page
    .getByRole('alert')
    .getByText('Loading match quality failed: The disk is full: nothing was stored.')
    .waitFor();
  expect(await page.getByRole('dialog', { name: 'Admin token' }).isVisible()).toBe(false);
  await shot(page, 'error-says-what-failed');
  await page.unroute('**/match-quality?*');

  // A 401 asks for the token again; signing in again closes the old stream before opening the next.
  await page.route(
    '**/v1/admin/integrations?limit=500',
    (route) => route.fulfill({ status: 401, body: '{"error":{"code":"unauthorized","message":"no"}}' }),
    { times: 1 },
  );
  await page.goto(`${base()}/#/log`);
  await page.getByRole('dialog', { name: 'Admin token' }).getByText('The token was not accepted.').waitFor();
  await page.locator('#token-input').fill('YOUR_TOKEN');
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByRole('dialog', { name: 'Admin token' }).waitFor({ state: 'hidden' });
  const streams = await h.waitFor(async () => {
    const s = await page.evaluate(() => (globalThis as any).__streams);
    return s.opened === 2 ? s : undefined;
  }, 'a second stream');
  expect(streams).toEqual({ opened: 2, closed: 1 });
}, 30_000);

test('a name with markup shows as text everywhere it is listed, never as markup', async () => {
  const stores = (await integrations()).find((i) => i.name === 'Stores CRM')!;
  const hostile = '<img src=x onerror="globalThis.__xss=1">';
  await h.admin(`/v1/admin/integrations/${stores.id}`, { method: 'PATCH', body: { name: hostile } });
  for (const hash of [
    '#/integrations/installed',
    `#/integrations/installed/${stores.id}`,
    '#/live',
    '#/quality',
    '#/dead',
  ]) {
    await page.goto(`${base()}/${hash}`);
    await page.reload();
    await page
      .locator('main > section:not([hidden])')
      .getByText(hostile)
      .first()
      .waitFor({ state: 'attached' });
    expect({ hash, images: await page.locator('main img, select img').count() }).toEqual({ hash, images: 0 });
  }
  expect(await page.evaluate(() => (globalThis as any).__xss)).toBeUndefined();
}, 30_000);

test('two integrations with the same name and variant are still told apart in the pickers', async () => {
  const twin = (await h.install({ ...SEED_INSTALL, name: 'Brand A site' })).body.id as string;
  const first = (await integrations()).find((i) => i.name === 'Brand A site' && i.id !== twin)!.id as string;
  await page.goto(`${base()}/#/quality`);
  await page.reload();
  await page
    .locator('#quality-integration option', { hasText: twin.slice(-6) })
    .waitFor({ state: 'attached' });
  const options = await page.locator('#quality-integration option').allTextContents();
  expect(options.filter((o) => o.startsWith('Brand A site (Website)')).sort()).toEqual(
    [`Brand A site (Website) · …${first.slice(-6)}`, `Brand A site (Website) · …${twin.slice(-6)}`].sort(),
  );
  expect(new Set(options).size).toBe(options.length);
});
