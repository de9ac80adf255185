import { APP_URL } from '../env';
import {
  createAgreement, expect, fillInvite, invitationLink, join, onboardAdmin, openHydrated, test, unique,
  waitForMail, waitHydrated,
} from './helpers';

const PASSWORD = 'Welcome-To-The-Center-1';

test('an admin invites a French Account Viewer with INVITE ANOTHER USER, who joins and cannot invite', async ({ page, browser }) => {
  const agreement = await onboardAdmin(page);
  await page.locator('.tiles').getByRole('link', { name: /Manage access/ }).click();
  await expect(page).toHaveURL(`${APP_URL}/manage-access`);
  await waitHydrated(page);

  const chloe = `chloe.${unique(6)}@contoso-e2e.com`;
  const dan = `dan.${unique(6)}@contoso-e2e.com`;
  await page.getByRole('button', { name: 'INVITE USER' }).click();
  const form = await fillInvite(page, { email: chloe, first: 'Chloé', last: 'Martin', language: 'fr', country: 'FR', roles: ['Account Viewer'] });
  await form.getByRole('button', { name: 'INVITE ANOTHER USER' }).click();
  await expect(page.getByText(`Invitation sent to ${chloe}`)).toBeVisible();
  await expect(form.getByLabel('EMAIL ADDRESS')).toHaveValue('');
  await expect(form.getByLabel('ROLE 1', { exact: true })).toHaveValue('');

  await fillInvite(page, { email: dan, first: 'Dan', last: 'Jones', language: 'en', country: 'US', roles: ['Report Viewer', 'Agreement Admin'] });
  await form.getByRole('button', { name: 'INVITE', exact: true }).click();
  await expect(page.getByText(`Invitation sent to ${dan}`)).toBeVisible();
  await expect(page.getByRole('button', { name: 'INVITE USER' })).toBeVisible();

  const chloeRow = page.locator(`tr[data-email="${chloe}"]`);
  await expect(chloeRow).toContainText('Account Viewer');
  await expect(chloeRow).toContainText('Invited');
  await expect(chloeRow).toContainText(/\w+ \d{1,2}, \d{4}/);
  await expect(page.locator(`tr[data-email="${dan}"]`)).toContainText('Agreement Admin, Report Viewer');

  const [welcome] = await waitForMail(chloe);
  expect(welcome.subject).toBe("Découvrez le nouveau Centre d'affaires");
  expect(welcome.text).toContain(`Harry ${agreement.lastName} vous invite dans le Centre d'affaires de ${agreement.organization}.`);
  expect(welcome.text).toMatch(/Ce lien expire le \d{1,2} \S+ \d{4}/);

  const context = await browser.newContext({ locale: 'fr-FR' });
  const invitee = await context.newPage();
  await join(invitee, invitationLink(welcome), PASSWORD, {
    create: 'Créer un mot de passe', confirm: 'Confirmer votre mot de passe', start: 'Démarrer',
  });
  await expect(invitee.getByRole('heading', { name: 'Bienvenue, Chloé' })).toBeVisible();
  await expect(invitee.locator('.tiles')).toContainText('Contrats');
  await expect(invitee.getByText("Gérer l'accès")).toHaveCount(0);
  const forbidden = await invitee.goto('/manage-access');
  expect(forbidden?.status()).toBe(403);
  await expect(invitee.getByRole('button', { name: 'INVITER UN UTILISATEUR' })).toHaveCount(0);
  await context.close();

  await page.reload();
  await waitHydrated(page);
  const joined = page.locator(`tr[data-email="${chloe}"]`);
  await expect(joined).toContainText('Active');

  // Her roles change in their own form, which opens in the address.
  await joined.getByRole('button', { name: 'Edit roles' }).click();
  await expect(page).toHaveURL(/edit-roles=\d+/);
  await waitHydrated(page);
  await joined.getByRole('checkbox', { name: 'Report Viewer' }).check();
  await joined.getByRole('button', { name: 'Save' }).click();
  await expect(joined).toContainText('Report Viewer, Account Viewer');
  await expect(joined.getByRole('button', { name: 'Save' })).toHaveCount(0);
  await expect(page).toHaveURL(`${APP_URL}/manage-access`);

  // The search finds her alone; removing her takes her off the list.
  await page.getByLabel('Search').fill(chloe);
  await page.getByLabel('Search').press('Enter');
  await expect(page).toHaveURL(/\?q=chloe/);
  await waitHydrated(page);
  await expect(page.locator(`tr[data-email="${dan}"]`)).toHaveCount(0);
  await joined.getByRole('button', { name: 'Remove' }).click();
  await expect(joined).toHaveCount(0);
  await expect(page.locator(`tr[data-email="${dan}"]`)).toHaveCount(1);
});

test("a User Admin's role list has no Account Admin", async ({ page, browser }) => {
  await onboardAdmin(page);
  await openHydrated(page, '/manage-access');
  const ursula = `ursula.${unique(6)}@contoso-e2e.com`;
  await page.getByRole('button', { name: 'INVITE USER' }).click();
  const form = await fillInvite(page, { email: ursula, first: 'Ursula', last: 'Admin', language: 'en', country: 'US', roles: ['User Admin'] });
  await form.getByRole('button', { name: 'INVITE', exact: true }).click();
  await expect(page.getByText(`Invitation sent to ${ursula}`)).toBeVisible();

  const context = await browser.newContext();
  const userAdmin = await context.newPage();
  const [mail] = await waitForMail(ursula);
  await join(userAdmin, invitationLink(mail), PASSWORD);
  await userAdmin.locator('.tiles').getByRole('link', { name: /Manage access/ }).click();
  await waitHydrated(userAdmin);
  await userAdmin.getByRole('button', { name: 'INVITE USER' }).click();
  const options = userAdmin.getByLabel('ROLE 1', { exact: true }).locator('option');
  await expect(options).toHaveText(['Select', 'Agreement Admin', 'User Admin', 'Account Manager', 'Report Viewer', 'Account Viewer']);
  await context.close();
});

test('resend kills the old link and revoke shows the revoked page', async ({ page, browser }) => {
  await onboardAdmin(page);
  await openHydrated(page, '/manage-access');
  const eve = `eve.${unique(6)}@contoso-e2e.com`;
  await page.getByRole('button', { name: 'INVITE USER' }).click();
  const form = await fillInvite(page, { email: eve, first: 'Eve', last: 'Typo', language: 'en', country: 'US', roles: ['Account Manager'] });
  await form.getByRole('button', { name: 'INVITE', exact: true }).click();
  const [first] = await waitForMail(eve);

  const row = page.locator(`tr[data-email="${eve}"]`);
  await row.getByRole('button', { name: 'Resend', exact: true }).click();
  const mails = await waitForMail(eve, 2);
  const visitor = await (await browser.newContext()).newPage();
  const old = await openHydrated(visitor, invitationLink(first));
  expect(old?.status()).toBe(410);
  await expect(visitor.getByRole('heading', { name: 'This invitation link has been replaced' })).toBeVisible();

  await row.getByRole('button', { name: 'Revoke' }).click();
  await expect(row).toContainText('Revoked');

  const revoked = await openHydrated(visitor, invitationLink(mails[1]));
  expect(revoked?.status()).toBe(410);
  await expect(visitor.getByRole('heading', { name: 'This invitation was withdrawn' })).toBeVisible();

  // Every step is in the audit log, which Account Admins can read.
  await page.getByRole('link', { name: 'Audit log' }).click();
  await expect(page).toHaveURL(`${APP_URL}/manage-access/audit`);
  const log = page.locator('table.audit tbody');
  await expect(log.locator('tr').filter({ hasText: eve })).toHaveCount(3);
  await expect(log.locator('tr').nth(0)).toContainText('Invitation revoked');
  await expect(log.locator('tr').nth(1)).toContainText('Invitation resent');
  await expect(log.locator('tr').nth(2)).toContainText('Invitation sent');
  await expect(log.locator('tr').nth(2)).toContainText('account_manager');

  // A mistyped address is fixed and the invitation sent to the right one.
  await page.getByRole('link', { name: 'Manage users' }).click();
  await waitHydrated(page);
  const fixed = `eve.${unique(6)}@contoso-e2e.com`;
  await row.getByRole('button', { name: 'Fix address' }).click();
  await waitHydrated(page);
  await row.getByLabel('EMAIL ADDRESS').fill(fixed);
  await row.getByRole('button', { name: 'Resend', exact: true }).last().click();
  await expect(page.getByText(`A new invitation replaced the pending one for ${fixed}`)).toBeVisible();
  await expect(page.locator(`tr[data-email="${fixed}"]`)).toContainText('Invited');
  await waitForMail(fixed);
});

test('a CSV with good and bad rows gives a result per row', async ({ page }) => {
  const agreement = await onboardAdmin(page);
  await openHydrated(page, '/manage-access');
  const good = `gina.${unique(6)}@contoso-e2e.com`;
  const csv = [
    'email,first name,last name,language,country,roles',
    `${good},Gina,Good,fr,FR,account_viewer|report_viewer`,
    'not-an-email,Bad,Row,en,US,account_viewer',
    `${agreement.email},Harry,Again,en,US,account_viewer`,
    `hal.${unique(6)}@contoso-e2e.com,Hal,NoRole,en,US,`,
  ].join('\n');
  const bulk = page.locator('section.bulk');
  await bulk.getByLabel('CSV FILE').setInputFiles({ name: 'people.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await bulk.getByRole('button', { name: 'INVITE' }).click();
  await expect(bulk.getByRole('status')).toContainText('Rows processed: 4 / 4');
  const rows = bulk.locator('.bulk-results tbody tr');
  await expect(rows).toHaveCount(4);
  await expect(rows.nth(0)).toContainText('Invited');
  await expect(rows.nth(1)).toContainText('Refused');
  await expect(rows.nth(1)).toContainText('Enter an email address');
  await expect(rows.nth(2)).toContainText('Already a user');
  await expect(rows.nth(3)).toContainText('Choose at least one role');
  await expect(page.locator(`tr[data-email="${good}"]`)).toContainText('Report Viewer, Account Viewer');
  await waitForMail(good);
});
