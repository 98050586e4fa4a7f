import type { Browser, Page } from 'playwright-core';
import { startHost, purchase, SEED_INSTALL, type HostHarness } from './support/host-harness.js';
import { publicUrl, launchBrowser, signIn } from './support/web-browser.js';

/**
 * One state, one word: an event queued again after a failed attempt is "retrying" in Live Events, its Outcome
 * filter and an integration's recent events (as in the funnel); "queued" stays for one never attempted. Match
 * quality names the sent events still waiting, so its figures add up.
 */
let h: HostHarness;
let browser: Browser;
let page: Page;
let id: string;
let retrying: string;

beforeAll(async () => {
  // Retries an hour apart: an event that failed once stays retrying for the whole test.
  h = await startHost({ worker: { pollMs: 30, retry: { maxAttempts: 5, baseMs: 3_600_000 } } });
  id = (await h.install({ ...SEED_INSTALL, name: 'Brand A web' })).body.id;
  const delivered = (await h.ingest('/v1/t', purchase('R-OK'))).body.ids[0];
  await h.waitForOutcome(delivered, 'delivered');
  h.sandbox.faults.add({ route: 'events', status: 503, times: 2 });
  retrying = (await h.ingest('/v1/t', purchase('R-RETRY'))).body.ids[0];
  await h.waitFor(async () => {
    const { data } = (await h.admin('/v1/admin/live-events')).body;
    const e = data.find((x: { event_id: string }) => x.event_id === retrying);
    return (e?.outcome.status === 'queued' && e.outcome.attempts >= 1) || undefined;
  }, 'the event queued again after a failed attempt');
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.setDefaultTimeout(8_000);
  await signIn(page, publicUrl(h.host.adminUrl));
}, 30_000);
afterAll(async () => {
  await browser?.close();
  await h?.close();
});

test('Live Events and its filter call it retrying, and so do the recent events of the integration', async () => {
  await page.goto(`${publicUrl(h.host.adminUrl)}/#/live`);
  const item = page.locator(`#live-list li[data-event-id="${retrying}"]`);
  await item.locator('summary .badge').getByText('retrying', { exact: true }).waitFor();
  expect(await item.getAttribute('class')).toContain('status-retrying');
  await page.locator('#live-outcome').selectOption('retrying');
  expect(
    await page.locator('#live-list li:visible').evaluateAll((l) => l.map((n) => n.dataset.eventId)),
  ).toEqual([retrying]);
  await page.locator('#live-outcome').selectOption('queued');
  expect(await page.locator('#live-list li:visible').count()).toBe(0);
  await page.locator('#live-outcome').selectOption('');

  await page.goto(`${publicUrl(h.host.adminUrl)}/#/integrations/installed/${id}`);
  const row = page.locator('#recent-events').getByRole('row', { name: new RegExp(retrying) });
  await row.getByRole('cell', { name: 'retrying', exact: true }).waitFor();
}, 30_000);

test('Match quality counts the event still retrying, so its figures add up', async () => {
  const q = (await h.admin(`/v1/admin/integrations/${id}/match-quality`)).body.by_event.Purchase;
  expect([q.count, q.delivered, q.rejected, q.dead]).toEqual([2, 1, 0, 0]);
  await page.goto(`${publicUrl(h.host.adminUrl)}/#/quality/${id}`);
  const card = page.locator('.quality-card', { has: page.getByRole('heading', { name: /^Purchase/ }) });
  await card
    .getByText(/^2 sent · 1 delivered · 0 not delivered · 1 waiting or retrying · 0 filtered/)
    .waitFor();
}, 30_000);
