import type { Browser } from 'playwright-core';
import { startHost, SEED_INSTALL, PIPELINE_KEY, type HostHarness } from './support/host-harness.js';
import { publicUrl, launchBrowser, signIn } from './support/web-browser.js';

/**
 * The Live Events empty state shows a curl command to send a first event: sent as shown (with the pipeline key
 * for YOUR_KEY), the Website variant delivers it.
 */
let h: HostHarness;
let browser: Browser;
beforeAll(async () => {
  h = await startHost();
  browser = await launchBrowser();
}, 30_000);
afterAll(async () => {
  await browser?.close();
  await h?.close();
});

test('the empty state’s sample curl sends a purchase the Website variant delivers', async () => {
  const web = (await h.install({ ...SEED_INSTALL, name: 'Brand A web' })).body;
  expect(web.variant ?? web.catalog_variant_key).toBe('default');
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.setDefaultTimeout(8_000);
  await signIn(page, publicUrl(h.host.adminUrl), '#/live');
  await page.getByText('No event yet.').waitFor();
  const curl = (await page.locator('#live-curl').textContent())!;

  // The command as an operator would run it: its URL, its headers, its body.
  const url = /curl -X POST (\S+)/.exec(curl)![1]!;
  expect(url).toBe(`${h.host.ingestUrl}/v1/t`);
  expect(curl).toContain('-H "Content-Type: application/json"');
  const body = /-d '([^']+)'/.exec(curl)![1]!;
  const sent = await fetch(url, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${/Bearer (\S+)"/.exec(curl)![1]!.replace('YOUR_KEY', PIPELINE_KEY)}`,
      'content-type': 'application/json',
    },
    body,
  });
  expect(sent.status).toBe(200);
  const [eventId] = ((await sent.json()) as { ids: string[] }).ids;
  const outcome = await h.waitForOutcome(eventId!, 'delivered');
  expect(outcome.integration_id).toBe(web.id);
  await page.locator(`#live-list li[data-event-id="${eventId}"] .badge`).getByText('delivered').waitFor();
}, 30_000);
