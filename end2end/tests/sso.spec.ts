import type { Page } from '@playwright/test';
import { APP_URL, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_ISSUER } from '../env';
import { authenticatorCode, startSetup, turnOn } from './authenticator';
import {
  ADMIN_PASSWORD, areaNav, expect, fillInvite, invitationLink, onboardAdmin, openHydrated, proveDomain, test, unique,
  waitForMail, waitHydrated,
} from './helpers';

/** Signs in at the tests' OpenID provider (its development pages: any
 * login, then consent) as `email`; the browser comes back to the Center. */
async function atTheProvider(page: Page, email: string) {
  await expect(page).toHaveURL(new RegExp(`^${OIDC_ISSUER}/`));
  await page.locator('input[name="login"]').fill(email);
  await page.locator('input[name="password"]').fill('anything');
  await page.getByRole('button', { name: 'Sign-in' }).click();
  await page.getByRole('button', { name: 'Continue' }).click();
}

async function signOut(page: Page) {
  await page.locator('header summary').click();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(`${APP_URL}/sign-in`);
}

test('an organization signs its people in with its provider, then requires it; the designated administrator keeps a password and code', async ({ page, browser }) => {
  // The provider's own pages ask for web fonts; nothing leaves loopback.
  await page.route('https://fonts.googleapis.com/**', (route) => route.fulfill({ status: 200, body: '' }));
  const domain = `sso-${unique(6)}.example`;
  const admin = `harry@${domain}`;
  const agreement = await onboardAdmin(page, { email: admin });
  // The break-glass account: two-step verification on, before anything.
  await openHydrated(page, '/two-step');
  const key = await startSetup(page);
  await turnOn(page, authenticatorCode(key));
  await proveDomain(page, domain, agreement.purchasingAccount);

  // Account → Single sign-on: connect the provider, test it, turn it on.
  await openHydrated(page, '/dashboard');
  await areaNav(page).getByRole('link', { name: 'Single sign-on' }).click();
  await expect(page.getByRole('heading', { name: 'Single sign-on', level: 1 })).toBeVisible();
  await waitHydrated(page);
  await expect(page.locator('.sso-redirect')).toHaveText(`${APP_URL}/sso/callback`);
  await page.getByLabel('Issuer URL').fill(OIDC_ISSUER);
  await page.getByLabel('Client ID').fill(OIDC_CLIENT_ID);
  await page.getByLabel('Client secret').fill(OIDC_CLIENT_SECRET);
  await page.getByLabel(domain).check();
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('Single sign-on is off: everyone signs in with a password.')).toBeVisible();
  await expect(page.getByText('Requiring SSO is possible once a test connection has succeeded.')).toBeVisible();
  await page.getByRole('button', { name: 'Test connection' }).click();
  await atTheProvider(page, admin);
  await expect(page).toHaveURL(`${APP_URL}/single-sign-on?test=passed`);
  await expect(page.getByText('The test connection succeeded.')).toBeVisible();
  await page.getByRole('button', { name: 'Turn on single sign-on' }).click();
  await expect(page.getByText('Single sign-on is on.')).toBeVisible();

  // A colleague's invitation is accepted at the provider: no password.
  const bob = `bob@${domain}`;
  await openHydrated(page, '/manage-access');
  await page.getByRole('button', { name: 'INVITE USER' }).click();
  const form = await fillInvite(page, { email: bob, first: 'Bob', last: 'Kelly', language: 'en', country: 'US', roles: ['Account Viewer'] });
  await form.getByRole('button', { name: 'INVITE', exact: true }).click();
  const [mail] = await waitForMail(bob);
  const colleague = await browser.newContext();
  const bobPage = await colleague.newPage();
  await bobPage.route('https://fonts.googleapis.com/**', (route) => route.fulfill({ status: 200, body: '' }));
  await openHydrated(bobPage, invitationLink(mail));
  await expect(bobPage.getByLabel('Create password')).toHaveCount(0);
  await bobPage.getByRole('button', { name: "Continue with your organization's sign-in" }).click();
  await atTheProvider(bobPage, bob);
  await expect(bobPage).toHaveURL(`${APP_URL}/dashboard`);

  // Signing in again: the password gives way as soon as the address is typed.
  await signOut(bobPage);
  await waitHydrated(bobPage);
  await bobPage.getByLabel('EMAIL ADDRESS').fill(bob);
  await expect(bobPage.getByLabel('PASSWORD')).toHaveCount(0);
  await bobPage.getByRole('button', { name: "Continue with your organization's sign-in" }).click();
  // The provider remembers Bob: straight back, or through its consent.
  await bobPage.waitForURL((url) => url.href.startsWith(`${APP_URL}/dashboard`) || url.href.startsWith(OIDC_ISSUER));
  if (bobPage.url().startsWith(OIDC_ISSUER)) await bobPage.getByRole('button', { name: 'Continue' }).click();
  await expect(bobPage).toHaveURL(`${APP_URL}/dashboard`);
  await colleague.close();

  // Require it: a password typed for a colleague, or an invitation's
  // password, is refused with what to do instead.
  await openHydrated(page, '/single-sign-on');
  await page.getByRole('button', { name: 'Require SSO' }).click();
  await expect(page.getByText('Required: for these domains')).toBeVisible();
  const noScript = await browser.newContext({ javaScriptEnabled: false });
  const plain = await noScript.newPage();
  await plain.goto('/sign-in');
  await plain.getByLabel('EMAIL ADDRESS').fill(bob);
  await plain.getByLabel('PASSWORD').fill('Guessed-Password-1');
  await plain.getByRole('button', { name: 'Sign in' }).click();
  await expect(plain.getByText("Your organization signs you in with its own sign-in")).toBeVisible();
  await noScript.close();
  const carol = `carol@${domain}`;
  await openHydrated(page, '/manage-access');
  await page.getByRole('button', { name: 'INVITE USER' }).click();
  const again = await fillInvite(page, { email: carol, first: 'Carol', last: 'Diaz', language: 'en', country: 'US', roles: ['Account Viewer'] });
  await again.getByRole('button', { name: 'INVITE', exact: true }).click();
  const [carolMail] = await waitForMail(carol);
  const token = invitationLink(carolMail).split('/invitation/')[1];
  const refused = await page.request.post('/api/accept_invitation', {
    form: { token, first_name: 'Carol', last_name: 'Diaz', country: 'US', password: ADMIN_PASSWORD, confirm_password: ADMIN_PASSWORD },
    headers: { 'sec-fetch-site': 'same-origin' },
  });
  expect(refused.status()).toBe(422);
  expect(await refused.text()).toContain('SsoRequired');

  // The designated administrator still signs in with password and code.
  await signOut(page);
  await waitHydrated(page);
  await page.getByLabel('EMAIL ADDRESS').fill(admin);
  await page.getByRole('button', { name: 'Sign in with a password instead' }).click();
  await page.getByLabel('PASSWORD').fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(`${APP_URL}/sign-in/code`);
  await waitHydrated(page);
  await page.getByLabel('CODE', { exact: true }).fill(authenticatorCode(key, Date.now() + 30_000));
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page).toHaveURL(`${APP_URL}/dashboard`);
});
