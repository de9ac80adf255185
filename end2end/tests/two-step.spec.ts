import type { Page } from '@playwright/test';
import { APP_URL } from '../env';
import {
  ADMIN_PASSWORD, expect, fillInvite, invitationLink, onboardAdmin, openHydrated, test, unique, waitForMail,
  waitHydrated,
} from './helpers';
import { authenticatorCode, startSetup, turnOn } from './authenticator';

async function signOutAndIn(page: Page, email: string) {
  await page.locator('header summary').click();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(`${APP_URL}/sign-in`);
  await waitHydrated(page);
  await page.getByLabel('EMAIL ADDRESS').fill(email);
  await page.getByLabel('PASSWORD').fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(`${APP_URL}/sign-in/code`);
  await waitHydrated(page);
  await expect(page.getByRole('heading', { name: 'Enter your code' })).toBeVisible();
}

test('a user sets up an authenticator app, then signs in with its code or a recovery code', async ({ page }) => {
  const agreement = await onboardAdmin(page);
  await openHydrated(page, '/profile');
  await page.getByRole('link', { name: 'Set up or manage two-step verification' }).click();
  await expect(page).toHaveURL(`${APP_URL}/two-step`);
  await waitHydrated(page);
  await expect(page.getByText('Two-step verification is off.')).toBeVisible();

  const key = await startSetup(page);
  await expect(page.getByRole('img', { name: 'QR code of your authenticator key' })).toBeVisible();
  expect(key).toMatch(/^[A-Z2-7]{32}$/);

  const right = authenticatorCode(key);
  await page.getByLabel('CODE', { exact: true }).fill(right === '000000' ? '111111' : '000000');
  await page.locator('#field-password').fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Turn on' }).click();
  await expect(page.locator('#field-code-error')).toHaveText(
    'This code is not correct, or it has already been used. Enter the code your app shows now.',
  );
  // A stolen session cannot turn it on: the password is asked too.
  await page.getByLabel('CODE', { exact: true }).fill(right);
  await page.locator('#field-password').fill('not-my-password');
  await page.getByRole('button', { name: 'Turn on' }).click();
  await expect(page.locator('#field-password-error')).toHaveText('The current password is not correct.');
  const recoveryCodes = await turnOn(page, right);
  await expect(page.getByText(/^Two-step verification is on \(since /)).toBeVisible();
  await expect(page.locator('.two-step-secret')).toHaveCount(0);

  // Signing in now takes a code; the one that turned it on is spent, so
  // the next 30 seconds' code is typed, as a phone a little ahead shows it.
  await signOutAndIn(page, agreement.email);
  await page.getByLabel('CODE', { exact: true }).fill(right);
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page.locator('#field-code-error')).toHaveText(
    'This code is not correct, or it has already been used. Enter the code your app shows now.',
  );
  await page.getByLabel('CODE', { exact: true }).fill(authenticatorCode(key, Date.now() + 30_000));
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page).toHaveURL(`${APP_URL}/dashboard`);
  await expect(page.getByRole('heading', { name: 'Welcome, Harry' })).toBeVisible();

  // Without the phone: a recovery code, once.
  await waitHydrated(page);
  await signOutAndIn(page, agreement.email);
  await page.getByLabel('CODE', { exact: true }).fill(recoveryCodes[0]);
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page).toHaveURL(`${APP_URL}/dashboard`);
  await openHydrated(page, '/two-step');
  await expect(page.getByText('Unused recovery codes: 9')).toBeVisible();
});

test('an Account Admin requires two-step verification and a new colleague is sent to set it up', async ({ page, browser }) => {
  await onboardAdmin(page);
  await openHydrated(page, '/manage-access');
  const dan = `dan.${unique(6)}@contoso-e2e.com`;
  await page.getByRole('button', { name: 'INVITE USER' }).click();
  const form = await fillInvite(page, { email: dan, first: 'Dan', last: 'Jones', language: 'en', country: 'US', roles: ['Account Viewer'] });
  await form.getByRole('button', { name: 'INVITE', exact: true }).click();
  await expect(page.getByText(`Invitation sent to ${dan}`)).toBeVisible();

  await openHydrated(page, '/two-step');
  await page.locator('#rule-password').fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Require for everyone' }).click();
  await expect(page.getByText(
    'Turn on two-step verification for yourself before requiring it of everyone.',
  )).toBeVisible();
  await turnOn(page, authenticatorCode(await startSetup(page)));
  await page.locator('#rule-password').fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Require for everyone' }).click();
  await expect(page.getByText(
    'Everyone in your organization must use two-step verification; those without it set it up at their next sign-in.',
  )).toBeVisible();
  // Nobody in the organization is offered to turn it off any more.
  await expect(page.getByRole('button', { name: 'Turn off two-step verification' })).toHaveCount(0);

  // Dan joins: every page sends him to set it up first.
  const [mail] = await waitForMail(dan);
  const colleague = await (await browser.newContext()).newPage();
  await openHydrated(colleague, invitationLink(mail));
  await colleague.getByLabel('Create password').fill('Dan-Has-A-Long-Password-1');
  await colleague.getByLabel('Confirm your password').fill('Dan-Has-A-Long-Password-1');
  await colleague.getByRole('button', { name: 'Start' }).click();
  await expect(colleague).toHaveURL(`${APP_URL}/two-step`);
  await expect(colleague.getByText('Your organization requires two-step verification. Set it up to continue.')).toBeVisible();
  await openHydrated(colleague, '/orders');
  await expect(colleague).toHaveURL(`${APP_URL}/two-step`);
  await waitHydrated(colleague);
  await turnOn(colleague, authenticatorCode(await startSetup(colleague)), 'Dan-Has-A-Long-Password-1');
  await colleague.getByRole('link', { name: 'I have saved my codes' }).click();
  await expect(colleague).toHaveURL(`${APP_URL}/dashboard`);
  await expect(colleague.getByRole('heading', { name: 'Welcome, Dan' })).toBeVisible();
});

test('a person signs out another of their sessions, and an Account Admin resets a colleague\'s two-step verification', async ({ page, browser }) => {
  const agreement = await onboardAdmin(page);

  // Harry signs in on a second browser too; his profile lists both.
  const laptop = await (await browser.newContext()).newPage();
  await openHydrated(laptop, '/sign-in');
  await laptop.getByLabel('EMAIL ADDRESS').fill(agreement.email);
  await laptop.getByLabel('PASSWORD').fill(ADMIN_PASSWORD);
  await laptop.getByRole('button', { name: 'Sign in' }).click();
  await expect(laptop).toHaveURL(`${APP_URL}/dashboard`);
  await openHydrated(page, '/profile');
  const sessions = page.locator('.sessions-table tbody tr');
  await expect(sessions).toHaveCount(2);
  await expect(sessions.filter({ hasText: 'This browser' })).toHaveCount(1);
  await expect(sessions.first()).toContainText('Chrome');
  await sessions.filter({ hasNotText: 'This browser' }).getByRole('button', { name: 'Sign out' }).click();
  await expect(sessions).toHaveCount(1);
  await laptop.goto(`${APP_URL}/orders`);
  await expect(laptop).toHaveURL(/\/sign-in/);

  // Dan turns two-step verification on, then loses his phone and codes.
  await openHydrated(page, '/manage-access');
  const dan = `dan.${unique(6)}@contoso-e2e.com`;
  await page.getByRole('button', { name: 'INVITE USER' }).click();
  const form = await fillInvite(page, { email: dan, first: 'Dan', last: 'Jones', language: 'en', country: 'US', roles: ['Account Viewer'] });
  await form.getByRole('button', { name: 'INVITE', exact: true }).click();
  await expect(page.getByText(`Invitation sent to ${dan}`)).toBeVisible();
  const [mail] = await waitForMail(dan);
  const colleague = await (await browser.newContext()).newPage();
  await openHydrated(colleague, invitationLink(mail));
  await colleague.getByLabel('Create password').fill('Dan-Has-A-Long-Password-1');
  await colleague.getByLabel('Confirm your password').fill('Dan-Has-A-Long-Password-1');
  await colleague.getByRole('button', { name: 'Start' }).click();
  await expect(colleague).toHaveURL(`${APP_URL}/dashboard`);
  await openHydrated(colleague, '/two-step');
  await turnOn(colleague, authenticatorCode(await startSetup(colleague)), 'Dan-Has-A-Long-Password-1');

  await openHydrated(page, '/manage-access');
  const line = page.locator(`tr[data-email="${dan}"]`);
  await line.getByRole('button', { name: 'Reset two-step verification' }).click();
  await expect(line.getByRole('button', { name: 'Reset two-step verification' })).toHaveCount(0);
  const told = await waitForMail(dan, 3);
  expect(told.map((m) => m.subject)).toContain('Two-step verification was reset for your Business Center account');
  await colleague.goto(`${APP_URL}/orders`);
  await expect(colleague).toHaveURL(/\/sign-in/);
});
