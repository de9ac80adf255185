import { APP_URL } from '../env';
import { createAgreement, expect, invitationLink, test, unique, waitForMail } from './helpers';

// Before the page's script arrives (or where it never does), every form is
// a plain post: the server answers on the same page, with the problem next
// to its field, or goes on to the next page.
test.use({ javaScriptEnabled: false });

test('without script, an invitee creates the account and problems come back beside their fields', async ({ page }) => {
  const agreement = createAgreement();
  const [mail] = await waitForMail(agreement.email);
  const link = invitationLink(mail);

  await page.goto(link);
  await page.getByLabel('Create password').fill('Correct-Horse-42');
  await page.getByLabel('Confirm your password').fill('Correct-Horse-43');
  await page.getByRole('button', { name: 'Start' }).click();
  // Back on the invitation, not on the home page: the page named itself.
  expect(page.url().startsWith(link)).toBe(true);
  await expect(page.locator('#field-confirm_password-error')).toHaveText('The two passwords are not the same.');

  await page.getByLabel('Create password').fill('Correct-Horse-42');
  await page.getByLabel('Confirm your password').fill('Correct-Horse-42');
  await page.getByRole('button', { name: 'Start' }).click();
  await expect(page).toHaveURL(`${APP_URL}/dashboard`);
  await expect(page.getByRole('heading', { name: 'Welcome, Harry' })).toBeVisible();
});

test('without script, signing in and asking for an invitation answer on their own page', async ({ page }) => {
  await page.goto('/sign-in');
  await page.getByLabel('EMAIL ADDRESS').fill('nobody@contoso-e2e.com');
  await page.getByLabel('PASSWORD').fill('Not-The-Password-1');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/sign-in\?/);
  await expect(page.getByRole('alert')).toHaveText('The email address or password is not correct.');

  await page.goto('/request-invitation');
  await page.getByLabel('EMAIL ADDRESS').fill('nobody@contoso-e2e.com');
  await page.getByLabel('AGREEMENT NUMBER').fill('12ab');
  await page.getByLabel('PURCHASING ACCOUNT NUMBER').fill('12345678');
  await page.getByRole('button', { name: 'SUBMIT' }).click();
  await expect(page.locator('#field-agreement_number-error')).toHaveText(/exactly 10 digits/);

  await page.getByLabel('EMAIL ADDRESS').fill('nobody@contoso-e2e.com');
  await page.getByLabel('AGREEMENT NUMBER').fill('1234567890');
  await page.getByLabel('PURCHASING ACCOUNT NUMBER').fill('12345678');
  await page.getByRole('button', { name: 'SUBMIT' }).click();
  await expect(page.getByRole('status')).toContainText('If you are the designated Purchasing Account Administrator');
});

test('without script, an admin invites a colleague with two roles and revokes the invitation', async ({ page }) => {
  const agreement = createAgreement();
  const [mail] = await waitForMail(agreement.email);
  await page.goto(invitationLink(mail));
  await page.getByLabel('Create password').fill('Correct-Horse-42');
  await page.getByLabel('Confirm your password').fill('Correct-Horse-42');
  await page.getByRole('button', { name: 'Start' }).click();
  await expect(page).toHaveURL(`${APP_URL}/dashboard`);

  await page.goto('/manage-access');
  await page.getByRole('button', { name: 'INVITE USER' }).click();
  const form = page.locator('form', { has: page.getByRole('button', { name: 'INVITE ANOTHER USER' }) });
  const ivan = `ivan.${unique(6)}@contoso-e2e.com`;
  await form.getByLabel('EMAIL ADDRESS').fill(ivan);
  await form.getByLabel('FIRST NAME').fill('Ivan');
  await form.getByLabel('LAST NAME').fill('Petrov');
  await form.getByLabel('ROLE 1', { exact: true }).selectOption({ label: 'Report Viewer' });
  // The page comes back with what was typed and a second dropdown.
  await form.getByRole('button', { name: 'Add another role' }).click();
  await expect(form.getByLabel('EMAIL ADDRESS')).toHaveValue(ivan);
  await expect(form.getByLabel('ROLE 1', { exact: true })).toHaveValue('report_viewer');
  await form.getByLabel('ROLE 2', { exact: true }).selectOption({ label: 'Account Viewer' });
  await form.getByRole('button', { name: 'INVITE', exact: true }).click();
  await expect(page.getByText(`Invitation sent to ${ivan}`)).toBeVisible();
  const row = page.locator(`tr[data-email="${ivan}"]`);
  await expect(row).toContainText('Report Viewer, Account Viewer');

  await row.getByRole('button', { name: 'Revoke' }).click();
  await expect(page).toHaveURL(`${APP_URL}/manage-access`);
  await expect(row).toContainText('Revoked');

  // The search is a GET form: its page lists whom it found, alone.
  await page.getByLabel('Search').fill(ivan);
  await page.getByRole('search').getByRole('button', { name: 'Search' }).click();
  await expect(page).toHaveURL(/\/manage-access\?q=ivan/);
  await expect(row).toHaveCount(1);
  await expect(page.locator(`tr[data-email="${agreement.email.toLowerCase()}"]`)).toHaveCount(0);
});
