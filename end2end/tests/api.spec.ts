import { APP_URL } from '../env';
import { expect, onboardAdmin, openHydrated, test } from './helpers';

test('a person makes an API token on My profile, a script uses it, and revoking it ends it', async ({ page }) => {
  const agreement = await onboardAdmin(page);
  await openHydrated(page, '/profile');
  const section = page.locator('#api-tokens');
  await expect(section.getByText('No API token yet.')).toBeVisible();
  await section.getByLabel('TOKEN NAME').fill('ci script');
  await section.getByLabel('EXPIRES AFTER').selectOption('30');
  await section.getByLabel('Account Admin').check();
  await section.getByRole('button', { name: 'Create token' }).click();
  await expect(section.getByText('Copy this token now: it is shown only once.')).toBeVisible();
  const secret = (await section.locator('.token-secret').textContent()) ?? '';
  expect(secret).toMatch(/^bc_[0-9a-f]{64}_[0-9a-f]{6}$/);
  const row = section.locator('tr[data-token="ci script"]');
  await expect(row).toContainText('Account Admin');
  await expect(row).toContainText('Never');

  const me = await page.request.get(`${APP_URL}/api/v1/me`, { headers: { Authorization: `Bearer ${secret}` } });
  expect(me.status()).toBe(200);
  expect((await me.json()).email).toBe(agreement.email.toLowerCase());

  await row.getByRole('button', { name: 'Revoke' }).click();
  await expect(row).toHaveCount(0);
  const after = await page.request.get(`${APP_URL}/api/v1/me`, { headers: { Authorization: `Bearer ${secret}` } });
  expect(after.status()).toBe(401);
  expect(after.headers()['content-type']).toBe('application/problem+json');
});

test('/api/docs shows every operation of the OpenAPI document from files this server serves, within the CSP', async ({ page }) => {
  const outside: string[] = [];
  page.on('request', (request) => {
    if (!request.url().startsWith(APP_URL) && !request.url().startsWith('data:')) outside.push(request.url());
  });
  const response = await page.goto('/api/docs');
  expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
  await expect(page.getByRole('heading', { name: /Business Center API/ })).toBeVisible();
  const document = await (await page.request.get(`${APP_URL}/api/v1/openapi.json`)).json();
  const operations = Object.values(document.paths).flatMap((item) => Object.keys(item as object));
  await expect(page.locator('.opblock')).toHaveCount(operations.length);
  await expect(page.locator('.opblock-summary-path[data-path="/api/v1/events"]')).toBeVisible();
  // Nothing from the internet; the fixture fails the test on any CSP violation.
  expect(outside).toEqual([]);
});
