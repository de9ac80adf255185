import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import {
  ADMIN_PASSWORD, createAgreement, expect, invitationLink, loadCatalog, openHydrated, test, waitForMail, waitHydrated,
} from './helpers';

// The rules behind Lighthouse's accessibility score (axe-core), with WCAG
// 2.2 AA's target size, on the pages people meet first and use daily, at a
// phone's size.
test.use({ viewport: { width: 390, height: 844 } });

async function expectNoViolations(page: Page, where: string) {
  const { violations } = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'])
    .analyze();
  const found = violations.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
  expect(found, where).toEqual([]);
}

test('the first pages and the daily ones break no accessibility rule', async ({ page }) => {
  await openHydrated(page, '/sign-in');
  await expectNoViolations(page, 'sign in');
  await openHydrated(page, '/request-invitation');
  await expectNoViolations(page, 'request invitation');

  const agreement = createAgreement();
  const [mail] = await waitForMail(agreement.email);
  await openHydrated(page, invitationLink(mail));
  await expectNoViolations(page, 'create account');
  await page.getByLabel('Create password').fill(ADMIN_PASSWORD);
  await page.getByLabel('Confirm your password').fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Start' }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await waitHydrated(page);
  // The router swaps the page in once its chunk has come: check that
  // page, not the moment before.
  await expect(page.getByRole('heading', { level: 1, name: /^Welcome/ })).toBeVisible();
  await expectNoViolations(page, 'dashboard');

  loadCatalog(agreement);
  for (const path of ['/orders', '/reports']) {
    await openHydrated(page, path);
    await expectNoViolations(page, path);
  }
  await openHydrated(page, '/manage-access');
  await page.getByRole('button', { name: 'INVITE USER' }).click();
  await expectNoViolations(page, 'manage access, the invite form open');
});
