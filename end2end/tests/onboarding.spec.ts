import { APP_URL } from '../env';
import {
  createAgreement, expect, invitationLink, openHydrated, test, waitForMail, waitHydrated,
} from './helpers';

const PASSWORD = 'Correct-Horse-42';
const NEW_PASSWORD = 'Battery-Staple-77';

test('an administrator goes from the agreement to the dashboard, in English', async ({ page }) => {
  // 1. The operator registers the agreement.
  const agreement = createAgreement();
  expect(agreement.stdout).toContain(`Agreement ${agreement.number} (MPSA) registered for ${agreement.organization}`);
  const email = agreement.email.toLowerCase();

  // 2. The invitation email.
  const [mail] = await waitForMail(email);
  expect(mail.subject).toBe('Explore the new Business Center');
  expect(mail.text).toContain(agreement.number);
  expect(mail.text).toContain(email);
  expect(mail.text).toMatch(/This link expires on \w+ \d{1,2}, \d{4} \(60 days after it was sent\)/);
  expect(mail.html).toContain('Get started now');
  const link = invitationLink(mail);
  expect(link.startsWith(`${APP_URL}/invitation/`)).toBe(true);

  // 3. Create your organizational account.
  await openHydrated(page, link);
  await expect(page.getByRole('heading', { name: 'Create your organizational account' })).toBeVisible();
  const emailField = page.getByLabel('EMAIL ADDRESS');
  await expect(emailField).toHaveValue(email);
  await expect(emailField).not.toBeEditable();
  await expect(page.getByText('Not you? Contact your partner or support to change the email address.')).toBeVisible();
  await expect(page.getByLabel('FIRST NAME')).toHaveValue('Harry');
  await expect(page.getByLabel('LAST NAME')).toHaveValue(agreement.lastName);
  await expect(page.getByLabel('COUNTRY/REGION')).toHaveValue('US');
  await expect(page.getByText(/By choosing Start, you agree to the terms/)).toBeVisible();
  await expect(page.getByText(/This invitation expires on \w+ \d{1,2}, \d{4}/)).toBeVisible();

  // Problems are explained next to the field as the person types.
  await page.getByLabel('Create password').fill('short');
  await expect(page.locator('#field-password-error')).toHaveText('Use at least 12 characters.');
  await page.getByLabel('Create password').fill(PASSWORD);
  await expect(page.locator('#field-password-error')).toHaveText('');
  await page.getByLabel('Confirm your password').fill(`${PASSWORD}x`);
  await expect(page.locator('#field-confirm_password-error')).toHaveText('The two passwords are not the same.');

  // ...and again by the server if submitted anyway.
  await page.getByRole('button', { name: 'Start' }).click();
  await expect(page.locator('#field-confirm_password-error')).toHaveText('The two passwords are not the same.');
  await expect(page).toHaveURL(link);

  // Long enough, but on the list of breached passwords: only the server
  // knows, and says so next to the field.
  await page.getByLabel('Create password').fill('Password1234');
  await page.getByLabel('Confirm your password').fill('Password1234');
  await page.getByRole('button', { name: 'Start' }).click();
  await expect(page.locator('#field-password-error')).toHaveText(/appeared in a data breach/);
  await expect(page).toHaveURL(link);

  await page.getByLabel('Create password').fill(PASSWORD);
  await page.getByLabel('Confirm your password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Start' }).click();

  // 7. Signed in, on the dashboard.
  await expect(page).toHaveURL(`${APP_URL}/dashboard`);
  await waitHydrated(page);
  await expect(page.getByRole('heading', { name: 'Welcome, Harry' })).toBeVisible();
  await expect(page.getByText(agreement.organization)).toBeVisible();
  await expect(page.getByRole('cell', { name: `${agreement.number} (MPSA)` })).toBeVisible();
  await expect(page.getByRole('cell', { name: agreement.purchasingAccount })).toBeVisible();
  await expect(page.locator('.tiles').getByText('Manage access')).toBeVisible();

  // The link worked once.
  const reused = await page.goto(link);
  expect(reused?.status()).toBe(410);
  await expect(page.getByRole('heading', { name: 'This invitation has already been used' })).toBeVisible();

  // My profile, from the name at the top right.
  await openHydrated(page, '/dashboard');
  await expect(page.locator('header summary')).toHaveText(`Harry ${agreement.lastName}`);
  await page.locator('header summary').click();
  await page.getByRole('link', { name: 'My profile' }).click();
  await expect(page).toHaveURL(`${APP_URL}/profile`);
  await waitHydrated(page);
  const profile = page.locator('dl.profile');
  await expect(profile).toContainText(email);
  await expect(profile).toContainText('English');
  await expect(profile).toContainText('United States');
  await expect(profile).toContainText('Account Admin');

  // Changing the password checks the current one.
  await page.getByLabel('Current password').fill('Not-My-Password-1');
  await page.getByLabel('New password').fill(NEW_PASSWORD);
  await page.getByLabel('Confirm your password').fill(NEW_PASSWORD);
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.locator('#field-current_password-error')).toHaveText('The current password is not correct.');
  await page.getByLabel('Current password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByRole('status')).toHaveText('Your password was changed. Your other sessions were signed out.');

  // 5. Sign out, then in again.
  await expect(page.locator('header summary')).toHaveText(`Harry ${agreement.lastName}`);
  await page.locator('header summary').click();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(`${APP_URL}/sign-in`);
  await waitHydrated(page);
  await expect(page.getByText('A work account is not a personal account')).toBeVisible();
  await expect(page.getByRole('link', { name: "Didn't receive your invitation email? Click here." })).toBeVisible();

  await page.getByLabel('EMAIL ADDRESS').fill(agreement.email.toUpperCase());
  await page.getByLabel('PASSWORD').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toHaveText('The email address or password is not correct.');

  await page.getByLabel('PASSWORD').fill(NEW_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(`${APP_URL}/dashboard`);
  await expect(page.getByRole('heading', { name: 'Welcome, Harry' })).toBeVisible();
});

test('a visitor who is not signed in is sent to sign in', async ({ page }) => {
  await openHydrated(page, '/dashboard');
  await expect(page).toHaveURL(`${APP_URL}/sign-in`);
  await openHydrated(page, '/profile');
  await expect(page).toHaveURL(`${APP_URL}/sign-in`);
});

test('unknown credentials get the same message as a wrong password', async ({ page }) => {
  await openHydrated(page, '/sign-in');
  await page.getByLabel('EMAIL ADDRESS').fill('nobody@contoso-e2e.com');
  await page.getByLabel('PASSWORD').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toHaveText('The email address or password is not correct.');
});
