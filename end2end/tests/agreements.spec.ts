import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { APP_URL } from '../env';
import { cli, expect, onboardAdmin, openHydrated, test, waitHydrated } from './helpers';

test('an Account Admin edits an agreement and follows licenses to their orders', async ({ page }) => {
  const agreement = await onboardAdmin(page);
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bc-orders-')), 'orders.csv');
  const rows = [
    'agreement_number,purchasing_account,order_number,order_date,product,version,quantity,unit_price,currency',
    `${agreement.number},${agreement.purchasingAccount},A-${agreement.number}-1,2026-01-15,Visio Professional,2024,10,52.90,USD`,
    `${agreement.number},${agreement.purchasingAccount},A-${agreement.number}-2,2026-02-15,Visio Professional,2024,5,52.90,USD`,
    `${agreement.number},${agreement.purchasingAccount},A-${agreement.number}-3,2026-03-15,Project Professional,2024,2,1119.00,USD`,
  ];
  fs.writeFileSync(file, rows.join('\n'));
  const imported = cli(['orders', 'import', file]);
  expect(imported.status, imported.stdout + imported.stderr).toBe(0);
  expect(imported.stdout).toContain('3 imported, 0 refused');

  await page.locator('.tiles').getByRole('link', { name: /Agreements/ }).click();
  await expect(page).toHaveURL(`${APP_URL}/agreements`);
  await waitHydrated(page);
  const card = page.locator(`section[data-agreement="${agreement.number}"]`);
  await expect(card).toContainText('MPSA');
  await expect(card).toContainText('Active');
  await expect(card).toContainText(agreement.purchasingAccount);
  await card.getByRole('button', { name: 'Edit details' }).click();
  await card.getByLabel('PURCHASE ORDER REFERENCE').fill('<bad>');
  await card.getByRole('button', { name: 'Save' }).click();
  await expect(card.locator('#field-purchase_order-error')).toContainText('at most 50 letters');
  await card.getByLabel('PURCHASE ORDER REFERENCE').fill('PO-2026-001');
  await card.getByRole('button', { name: 'Save' }).click();
  await expect(card.getByRole('status')).toHaveText('Saved.');
  await expect(card.locator('.purchase-order')).toHaveText('PO-2026-001');

  await openHydrated(page, '/licenses');
  const visio = page.locator('table.licenses tr', { hasText: 'Visio Professional 2024' });
  await expect(visio).toContainText('15');
  await visio.getByRole('link', { name: /See orders/ }).click();
  await waitHydrated(page);
  const orders = page.locator('table.orders tbody tr');
  await expect(orders).toHaveCount(2);
  await expect(orders.first()).toContainText(`A-${agreement.number}-2`);
  await expect(orders.first()).toContainText('264.50 USD');

  await page.getByLabel('FROM').fill('2026-02-01');
  await page.getByLabel('PRODUCT').selectOption({ label: 'Any' });
  await page.getByRole('button', { name: 'Filter' }).click();
  await waitHydrated(page);
  await expect(orders).toHaveCount(2);
  await expect(page.locator('table.orders')).not.toContainText(`A-${agreement.number}-1`);
});

test('product keys stay masked until shown', async ({ page }) => {
  const agreement = await onboardAdmin(page);
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bc-keys-')), 'keys.csv');
  const key = `K${agreement.number.slice(0, 4)}-7QX4K-M2P9R-W8T3V-ZZ${agreement.number.slice(-3)}`;
  fs.writeFileSync(file, `${agreement.number},${agreement.purchasingAccount},Windows Server Standard,2022,${key}\n`);
  const imported = cli(['keys', 'import', file]);
  expect(imported.status, imported.stdout + imported.stderr).toBe(0);

  await page.locator('.tiles').getByRole('link', { name: /Product keys/ }).click();
  await waitHydrated(page);
  const row = page.locator('table.keys tbody tr', { hasText: 'Windows Server Standard 2022' });
  await expect(row.locator('code')).toHaveText(`XXXXX-XXXXX-XXXXX-XXXXX-ZZ${agreement.number.slice(-3)}`);
  await row.getByRole('button', { name: 'Show key' }).click();
  await expect(row.locator('code')).toHaveText(key);

  await openHydrated(page, '/manage-access/audit');
  await expect(page.locator('table.audit tbody tr').first()).toContainText('Product key viewed');
});
