import { DNS_API } from '../env';
import { areaNav, expect, onboardAdmin, test, waitHydrated } from './helpers';

test('an admin adds a domain, publishes its TXT record, and Verify turns it verified; a consumer domain is refused', async ({ page }) => {
  const agreement = await onboardAdmin(page);
  await areaNav(page).getByRole('link', { name: 'Domains' }).click();
  await expect(page).toHaveURL(/\/domains$/);
  await waitHydrated(page);
  await expect(areaNav(page).getByRole('link', { name: 'Domains' })).toHaveAttribute('aria-current', 'page');

  await page.getByLabel('DOMAIN', { exact: true }).fill('gmail.com');
  await page.getByRole('button', { name: 'ADD DOMAIN' }).click();
  await expect(page.getByText("This is a consumer mail domain (such as gmail.com): use your organization's own domain.")).toBeVisible();

  const domain = `contoso-${agreement.number}.example`;
  await page.getByLabel('DOMAIN', { exact: true }).fill(domain.toUpperCase());
  await page.getByLabel('PURCHASING ACCOUNT NUMBER').selectOption(agreement.purchasingAccount);
  await page.getByRole('button', { name: 'ADD DOMAIN' }).click();
  const card = page.locator(`section[data-domain="${domain}"]`);
  await expect(card).toContainText(/Pending: publish the record and verify by \w+ \d{1,2}, \d{4}/);
  await expect(card.locator('.record-name')).toHaveText(`_business-center.${domain}`);
  const value = (await card.locator('.record-value').textContent()) ?? '';
  expect(value).toMatch(/^business-center-verification=[A-Za-z0-9_-]{30,}$/);
  await expect(card.getByRole('button', { name: 'Copy — Value' })).toBeVisible();

  await card.getByRole('button', { name: 'Verify' }).click();
  await expect(card.getByRole('status')).toContainText(`No TXT record was found at _business-center.${domain}.`);

  const published = await fetch(
    `${DNS_API}/records?name=${encodeURIComponent(`_business-center.${domain}`)}&value=${encodeURIComponent(value)}`,
    { method: 'POST' },
  );
  expect(published.ok).toBe(true);
  await card.getByRole('button', { name: 'Verify' }).click();
  await expect(card.getByRole('status')).toContainText('Verified: the record was found.');
  await expect(card.locator('.domain-status')).toContainText(/Verified on \w+ \d{1,2}, \d{4}/);
  await expect(card.getByRole('button', { name: 'Verify' })).toHaveCount(0);
});
