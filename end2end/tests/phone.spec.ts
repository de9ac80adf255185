import { expect, loadCatalog, onboardAdmin, openHydrated, test } from './helpers';

// A common phone: every page fits its width; tables scroll in their own box.
test.use({ viewport: { width: 390, height: 844 } });

async function fitsTheWindow(page: import('@playwright/test').Page, where: string) {
  const [documentWidth, windowWidth] = await page.evaluate(() => [
    document.documentElement.scrollWidth,
    window.innerWidth,
  ]);
  expect(documentWidth, `${where} scrolls sideways`).toBeLessThanOrEqual(windowWidth);
}

test('at 390 × 844 no page scrolls sideways', async ({ page }) => {
  for (const path of ['/sign-in', '/request-invitation']) {
    await openHydrated(page, path);
    await fitsTheWindow(page, path);
  }
  const agreement = await onboardAdmin(page);
  loadCatalog(agreement);
  for (const path of [
    '/dashboard', '/agreements', '/orders', '/licenses', '/keys', '/downloads', '/reports', '/provisioning',
    '/manage-access', '/manage-access/audit', '/manage-access/partners', '/domains', '/profile', '/two-step',
  ]) {
    await openHydrated(page, path);
    await fitsTheWindow(page, path);
  }
  await openHydrated(page, '/manage-access');
  await page.getByRole('button', { name: 'INVITE USER' }).click();
  await fitsTheWindow(page, 'the invite form');
});
