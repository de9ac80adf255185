import { APP_URL } from '../env';
import { expect, onboardAdmin, openHydrated, test } from './helpers';

const IMMUTABLE = 'public, max-age=31536000, immutable';

test('the site files come precompressed under hashed names and are kept for a year; pages are compressed and never stored', async ({ request }) => {
  const page = await request.get(`${APP_URL}/sign-in`, { headers: { 'Accept-Encoding': 'br, gzip' } });
  expect(page.status()).toBe(200);
  expect(page.headers()['content-encoding']).toBe('br');
  expect(page.headers()['cache-control']).toBe('no-store');

  const html = await page.text();
  const assets = [...new Set(html.match(/\/pkg\/business-center\.[\w-]+\.(?:js|wasm|css)/g) ?? [])];
  expect(assets.map((asset) => asset.split('.').pop()).sort()).toEqual(['css', 'js', 'wasm']);
  for (const asset of assets) {
    for (const [accepts, encoding] of [['br, gzip', 'br'], ['gzip', 'gzip'], ['identity', undefined]]) {
      const response = await request.get(`${APP_URL}${asset}`, { headers: { 'Accept-Encoding': accepts! } });
      expect(response.status(), asset).toBe(200);
      expect(response.headers()['content-encoding'], `${asset} for ${accepts}`).toBe(encoding);
      expect(response.headers()['cache-control'], asset).toBe(IMMUTABLE);
    }
  }
  const favicon = await request.get(`${APP_URL}/favicon.svg`);
  expect(favicon.headers()['cache-control']).toBe('public, max-age=86400');
  const missing = await request.get(`${APP_URL}/pkg/business-center.0000.wasm`);
  expect(missing.status()).toBe(404);
  expect(missing.headers()['cache-control']).toBe('no-store');
});

test('a second visit downloads no byte of the app', async ({ page }) => {
  const network = await page.context().newCDPSession(page);
  await network.send('Network.enable');
  const urls = new Map<string, string>();
  let assetBytes = 0;
  network.on('Network.requestWillBeSent', (event) => urls.set(event.requestId, event.request.url));
  network.on('Network.loadingFinished', (event) => {
    if ((urls.get(event.requestId) ?? '').includes('/pkg/')) assetBytes += event.encodedDataLength;
  });
  await openHydrated(page, '/sign-in');
  expect(assetBytes, 'the first visit downloads the app').toBeGreaterThan(50_000);
  // Another page downloads its own code, and only that.
  assetBytes = 0;
  await openHydrated(page, '/request-invitation');
  const secondPage = assetBytes;
  assetBytes = 0;
  await openHydrated(page, '/sign-in');
  await openHydrated(page, '/request-invitation');
  expect(assetBytes, 'later visits take it from the cache').toBe(0);
  expect(secondPage, 'a second page does not download the app again').toBeLessThan(50_000);
});

test('the app is fetched only once the page is on screen: nothing is preloaded ahead of the first paint', async ({ page }) => {
  await openHydrated(page, '/sign-in');
  await expect(page.locator('link[rel="preload"], link[rel="modulepreload"]')).toHaveCount(0);
  const timing = await page.evaluate(() => ({
    paint: performance.getEntriesByName('first-contentful-paint')[0]?.startTime,
    code: performance
      .getEntriesByType('resource')
      .filter((entry) => /\/pkg\/.*\.(js|wasm)$/.test(entry.name))
      .map((entry) => entry.startTime),
  }));
  expect(timing.paint, 'the browser reports the first contentful paint').toBeGreaterThan(0);
  expect(timing.code.length, 'the app was fetched').toBeGreaterThan(0);
  for (const start of timing.code) expect(start).toBeGreaterThan(timing.paint!);
});

test('signed-in pages run the whole app too, fetched after their first paint', async ({ page }) => {
  await onboardAdmin(page);
  for (const path of ['/dashboard', '/orders', '/reports']) {
    // A fresh context each time: nothing from the cache.
    const fresh = await page.context().browser()!.newContext({ storageState: await page.context().storageState() });
    const tab = await fresh.newPage();
    await openHydrated(tab, path);
    const seen = await tab.evaluate(() => ({
      paint: performance.getEntriesByName('first-contentful-paint')[0]?.startTime,
      code: performance
        .getEntriesByType('resource')
        .filter((entry) => /\/pkg\/.*\.(js|wasm)$/.test(entry.name))
        .map((entry) => entry.startTime),
    }));
    expect(seen.code.length, path).toBeGreaterThan(0);
    for (const start of seen.code) expect(start, path).toBeGreaterThan(seen.paint!);
    await fresh.close();
  }
});
