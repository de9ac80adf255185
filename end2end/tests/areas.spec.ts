import fs from 'node:fs';
import type { Browser, Page } from '@playwright/test';
import {
  expect, fillInvite, invitationLink, join, loadCatalog, onboardAdmin, openHydrated, proveDomain, test,
  unique, waitForMail,
} from './helpers';

const PASSWORD = 'Welcome-To-The-Center-1';

/** The admin (on `page`) invites a colleague with `role`, who joins in a browser of their own. */
async function colleague(page: Page, browser: Browser, role: string): Promise<Page> {
  const email = `${role.toLowerCase().replace(' ', '.')}.${unique(6)}@contoso-e2e.com`;
  await openHydrated(page, '/manage-access');
  await page.getByRole('button', { name: 'INVITE USER' }).click();
  const form = await fillInvite(page, { email, first: 'Sam', last: role.replace(' ', ''), language: 'en', country: 'US', roles: [role] });
  await form.getByRole('button', { name: 'INVITE', exact: true }).click();
  await expect(page.getByText(`Invitation sent to ${email}`)).toBeVisible();
  const [mail] = await waitForMail(email);
  const other = await (await browser.newContext({ acceptDownloads: true })).newPage();
  await join(other, invitationLink(mail), PASSWORD);
  return other;
}

test('an Account Viewer sees agreements, orders and licenses but no keys and no downloads', async ({ page, browser }) => {
  const agreement = await onboardAdmin(page);
  loadCatalog(agreement);
  const viewer = await colleague(page, browser, 'Account Viewer');

  const tiles = viewer.locator('.tiles');
  await expect(tiles.getByRole('link', { name: /Agreements\s*1/ })).toBeVisible();
  await expect(tiles.getByRole('link', { name: /Orders\s*2/ })).toBeVisible();
  await expect(tiles.getByRole('link', { name: /License details\s*2/ })).toBeVisible();
  await expect(tiles.getByRole('link', { name: /Reports/ })).toBeVisible();
  await expect(tiles).not.toContainText('Product keys');
  await expect(tiles).not.toContainText('Software downloads');
  await expect(tiles).not.toContainText('Self-service provisioning');

  await tiles.getByRole('link', { name: /Orders/ }).click();
  await expect(viewer.locator('table.orders')).toContainText(`E-${agreement.number}-1`);
  await openHydrated(viewer, '/licenses');
  await expect(viewer.locator('table.licenses tr', { hasText: 'Microsoft 365 E3' })).toContainText('50');

  for (const forbidden of ['/keys', '/downloads', '/provisioning']) {
    const answer = await viewer.goto(forbidden);
    expect(answer?.status(), forbidden).toBe(403);
    await expect(viewer.getByRole('alert')).toHaveText('Your roles do not allow this.');
  }
  const file = await viewer.request.get('/downloads/1');
  expect(file.status()).toBe(403);
  const keys = await viewer.request.get('/reports/keys.csv');
  expect(keys.status()).toBe(403);
});

test('an Account Manager downloads a file and provisions a service', async ({ page, browser }) => {
  const agreement = await onboardAdmin(page);
  const image = loadCatalog(agreement);
  const manager = await colleague(page, browser, 'Account Manager');

  await manager.locator('.tiles').getByRole('link', { name: /Software downloads\s*1/ }).click();
  await expect(manager.getByRole('heading', { name: 'Office Professional Plus 2024' })).toBeVisible();
  const [download] = await Promise.all([
    manager.waitForEvent('download'),
    manager.getByRole('link', { name: `Download office-${agreement.number}.img` }).click(),
  ]);
  expect(download.suggestedFilename()).toBe(`office-${agreement.number}.img`);
  const saved = fs.readFileSync(await download.path());
  expect(saved.equals(image), 'the downloaded file is the imported one').toBe(true);

  // Online services go to a verified domain: none yet, the page says where to add one.
  await openHydrated(manager, '/provisioning');
  await expect(manager.getByRole('button', { name: 'ASSIGN' })).toBeDisabled();
  await manager.locator('#field-domain-help').getByRole('link', { name: 'Domains' }).click();
  await expect(manager).toHaveURL(/\/domains$/);
  const domain = `contoso-${agreement.number}.example`;
  await proveDomain(manager, domain, agreement.purchasingAccount);

  await openHydrated(manager, '/provisioning');
  const service = manager.locator('table.services tr', { hasText: 'Microsoft 365 E3' });
  await expect(service).toContainText('50');
  await expect(manager.getByLabel('DOMAIN', { exact: true })).toHaveValue(domain);
  await manager.getByLabel('SERVICE').selectOption({ label: `Microsoft 365 E3 · ${agreement.purchasingAccount} · 50 available` });
  await manager.getByLabel('QUANTITY').fill('60');
  await manager.getByLabel('START DATE').fill('2026-12-01');
  await manager.getByRole('button', { name: 'ASSIGN' }).click();
  await expect(manager.locator('#field-quantity-error')).toHaveText(
    'That is more than the orders of this purchasing account entitle: 50 ordered, 0 already assigned: 50 available.');

  await manager.getByLabel('QUANTITY').fill('20');
  await manager.getByRole('button', { name: 'ASSIGN' }).click();
  await expect(manager.getByRole('status')).toHaveText('The subscriptions were assigned.');
  await expect(service.locator('td.available')).toHaveText('30');
  await expect(manager.locator('table.subscriptions')).toContainText('account.manager.');
  await expect(manager.locator('table.subscriptions')).toContainText(domain);
});

test('a Report Viewer exports a CSV that opens with the expected rows', async ({ page, browser }) => {
  const agreement = await onboardAdmin(page);
  loadCatalog(agreement);
  const reporter = await colleague(page, browser, 'Report Viewer');

  await reporter.locator('.tiles').getByRole('link', { name: /Reports\s*3/ }).click();
  await expect(reporter.getByRole('heading', { name: 'License summary' })).toBeVisible();
  const [download] = await Promise.all([
    reporter.waitForEvent('download'),
    reporter.getByRole('link', { name: 'Export CSV — Orders' }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^orders-\d{4}-\d{2}-\d{2}\.csv$/);
  const text = fs.readFileSync(await download.path(), 'utf8').replace(/^\uFEFF/, '');
  const rows = text.trim().split(/\r?\n/).map((line) => line.split(','));
  expect(rows[0]).toEqual([
    'agreement_number', 'purchasing_account', 'order_number', 'order_date', 'product', 'version',
    'quantity', 'unit_price', 'currency', 'amount',
  ]);
  expect(rows.slice(1)).toEqual([
    [agreement.number, agreement.purchasingAccount, `E-${agreement.number}-2`, '2026-02-15', 'Microsoft 365 E3', '', '50', '36.00', 'USD', '1800.00'],
    [agreement.number, agreement.purchasingAccount, `E-${agreement.number}-1`, '2026-01-15', 'Office Professional Plus', '2024', '25', '450.00', 'USD', '11250.00'],
  ]);
  await expect(reporter.getByRole('link', { name: 'Export CSV — Product keys' })).toBeVisible();
});
