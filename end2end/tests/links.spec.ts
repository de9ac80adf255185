import { APP_URL } from '../env';
import {
  createAgreement, expect, expireInvitationsOf, invitationLink, mailCount, openHydrated, test,
  waitForMail, waitHydrated,
} from './helpers';

test('an expired link says so and offers a new invitation', async ({ page }) => {
  const agreement = createAgreement();
  const [mail] = await waitForMail(agreement.email);
  expireInvitationsOf(agreement.email);
  const response = await openHydrated(page, invitationLink(mail));
  expect(response?.status()).toBe(410);
  await expect(page.getByRole('heading', { name: 'This invitation has expired' })).toBeVisible();
  await page.getByRole('link', { name: 'Request a new invitation' }).click();
  await expect(page).toHaveURL(`${APP_URL}/request-invitation`);
});

test('an unknown link has its own page', async ({ page }) => {
  const response = await openHydrated(page, '/invitation/this-is-not-a-real-invitation-token-at-all');
  expect(response?.status()).toBe(404);
  await expect(page.getByRole('heading', { name: "We don't recognize this invitation link" })).toBeVisible();
});

test('asking for a new invitation kills the old link, and only a full match sends one', async ({ page }) => {
  const agreement = createAgreement();
  const [first] = await waitForMail(agreement.email);
  const oldLink = invitationLink(first);

  await openHydrated(page, '/sign-in');
  await page.getByRole('link', { name: "Didn't receive your invitation email? Click here." }).click();
  await expect(page).toHaveURL(`${APP_URL}/request-invitation`);
  await waitHydrated(page);
  await expect(page.getByRole('heading', { name: 'Please enter your email address and account information' })).toBeVisible();

  // Bad input is explained next to its field.
  await page.getByLabel('EMAIL ADDRESS').fill(agreement.email);
  await page.getByLabel('AGREEMENT NUMBER').fill('12ab');
  await page.getByLabel('PURCHASING ACCOUNT NUMBER').fill(agreement.purchasingAccount);
  await page.getByRole('button', { name: 'SUBMIT' }).click();
  await expect(page.locator('#field-agreement_number-error')).toHaveText(/exactly 10 digits/);

  // A wrong purchasing account: the same answer, but no email.
  await page.getByLabel('AGREEMENT NUMBER').fill(agreement.number);
  await page.getByLabel('PURCHASING ACCOUNT NUMBER').fill('1');
  await page.getByRole('button', { name: 'SUBMIT' }).click();
  const answer = page.getByRole('status');
  await expect(answer).toContainText('If you are the designated Purchasing Account Administrator');

  // The right three: a new invitation.
  await page.getByLabel('PURCHASING ACCOUNT NUMBER').fill(agreement.purchasingAccount);
  await page.getByRole('button', { name: 'SUBMIT' }).click();
  const mails = await waitForMail(agreement.email, 2);
  expect(mails).toHaveLength(2);
  expect(await mailCount(agreement.email)).toBe(2);
  const newLink = invitationLink(mails[1]);
  expect(newLink).not.toBe(oldLink);

  const old = await openHydrated(page, oldLink);
  expect(old?.status()).toBe(410);
  await expect(page.getByRole('heading', { name: 'This invitation link has been replaced' })).toBeVisible();

  const fresh = await openHydrated(page, newLink);
  expect(fresh?.status()).toBe(200);
  await expect(page.getByRole('heading', { name: 'Create your organizational account' })).toBeVisible();
});
