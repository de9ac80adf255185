import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  areaNav, cli, createAgreement, createPartner, expect, invitationLink, join,
  onboardAdmin, openHydrated, test, waitForMail, waitHydrated,
} from './helpers';

const PASSWORD = 'Partner-Of-Record-42';

test('a partner resends an invitation and changes the designated administrator, who onboards from the email', async ({ page, browser }) => {
  const agreement = createAgreement();
  const [firstInvitation] = await waitForMail(agreement.email);
  const partner = createPartner([agreement.number]);
  const [partnerInvitation] = await waitForMail(partner.email);
  await join(page, invitationLink(partnerInvitation), PASSWORD);

  // The navigation leads to Customers and marks it as the current page.
  const nav = areaNav(page);
  await expect(nav.getByRole('link', { name: 'Orders' })).toHaveCount(0);
  await nav.getByRole('link', { name: 'Customers' }).click();
  await expect(page).toHaveURL(/\/customers$/);
  await waitHydrated(page);
  await expect(nav.getByRole('link', { name: 'Customers' })).toHaveAttribute('aria-current', 'page');
  const row = page.locator(`tr[data-purchasing-account="${agreement.purchasingAccount}"]`);
  await expect(row).toContainText(agreement.organization);
  await expect(row).toContainText(agreement.email.toLowerCase());
  await expect(row).toContainText(/Invited, link expires \w+ \d{1,2}, \d{4}/);

  await row.getByRole('button', { name: 'Resend invitation' }).click();
  await expect(page.getByRole('status')).toContainText(`Invitation sent to ${agreement.email.toLowerCase()}`);
  const mails = await waitForMail(agreement.email, 2);
  const old = await page.context().newPage();
  await old.goto(invitationLink(firstInvitation));
  await expect(old.getByRole('heading', { name: 'This invitation link has been replaced' })).toBeVisible();
  await old.close();
  expect(invitationLink(mails[1])).not.toBe(invitationLink(firstInvitation));

  await row.getByRole('button', { name: 'Change administrator' }).click();
  const form = page.locator('form', { has: page.getByRole('button', { name: 'Save' }) });
  const nora = `nora.${agreement.number}@contoso-e2e.com`;
  await form.getByLabel('EMAIL ADDRESS').fill(nora);
  await form.getByLabel('FIRST NAME').fill('Nora');
  await form.getByLabel('LAST NAME').fill('Quinn');
  await form.getByLabel('PREFERRED LANGUAGE').selectOption('en');
  await form.getByLabel('COUNTRY/REGION').selectOption('CA');
  await form.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('status')).toContainText('The new designated administrator has been invited.');
  await expect(row).toContainText(nora);

  const [noraMail] = await waitForMail(nora);
  const context = await browser.newContext();
  const newAdmin = await context.newPage();
  await join(newAdmin, invitationLink(noraMail), PASSWORD);
  await expect(newAdmin.getByRole('heading', { name: 'Welcome, Nora' })).toBeVisible();
  await expect(newAdmin.locator('.organization')).toHaveText(agreement.organization);
  await expect(areaNav(newAdmin).getByRole('link', { name: 'Manage access' })).toBeVisible();

  // The resend's replacement link died with the change.
  const dead = await page.context().newPage();
  await dead.goto(invitationLink(mails[1]));
  await expect(dead.getByRole('heading', { name: 'This invitation was withdrawn' })).toBeVisible();
  await dead.close();

  // Nora has registered: replacing her again is a request Contoso decides.
  await openHydrated(page, '/customers');
  await row.getByRole('button', { name: 'Change administrator' }).click();
  const zoe = `zoe.${agreement.number}@contoso-e2e.com`;
  await form.getByLabel('EMAIL ADDRESS').fill(zoe);
  await form.getByLabel('FIRST NAME').fill('Zoe');
  await form.getByLabel('LAST NAME').fill('Ward');
  await form.getByLabel('PREFERRED LANGUAGE').selectOption('en');
  await form.getByLabel('COUNTRY/REGION').selectOption('CA');
  await form.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('status')).toContainText('their Account Admins were emailed your request');
  await expect(row).toContainText(nora);
  const [asked] = await waitForMail(nora, 2).then((all) => all.slice(1));
  expect(asked.subject).toContain('asks to change the designated administrator');

  await openHydrated(newAdmin, '/manage-access/partners');
  const request = newAdmin.locator(`tr[data-request="${agreement.purchasingAccount}"]`);
  await expect(request).toContainText(`Zoe Ward (${zoe})`);
  await request.getByRole('button', { name: 'Approve' }).click();
  await expect(request).toHaveCount(0);
  await waitForMail(zoe);
  await context.close();
  await openHydrated(page, '/customers');
  await expect(row).toContainText(zoe);
});

test('a customer turns partner visibility on and the partner then sees the other partner\'s order', async ({ page, browser }) => {
  const agreement = await onboardAdmin(page);
  const first = createPartner([agreement.number]);
  const second = createPartner([agreement.number]);
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bc-partner-orders-')), 'orders.csv');
  const via = (n: string) => `VIA-${n}-${agreement.number}`;
  fs.writeFileSync(file, [
    'agreement_number,purchasing_account,order_number,order_date,product,version,quantity,unit_price,currency,partner',
    `${agreement.number},${agreement.purchasingAccount},${via('FIRST')},2026-01-15,Visio Professional,2024,5,500,USD,${first.name}`,
    `${agreement.number},${agreement.purchasingAccount},${via('SECOND')},2026-02-15,Project Professional,2024,3,900,USD,${second.name}`,
  ].join('\n'));
  const imported = cli(['orders', 'import', file]);
  expect(imported.status, imported.stdout + imported.stderr).toBe(0);

  const context = await browser.newContext();
  const partnerPage = await context.newPage();
  const [invitation] = await waitForMail(first.email);
  await join(partnerPage, invitationLink(invitation), PASSWORD);
  await openHydrated(partnerPage, `/customers/${agreement.number}`);
  await expect(partnerPage.getByRole('cell', { name: via('FIRST') })).toBeVisible();
  await expect(partnerPage.getByText(via('SECOND'))).toHaveCount(0);

  await openHydrated(page, '/agreements');
  await expect(page.locator('section.partners')).toContainText(first.name);
  await openHydrated(page, '/manage-access');
  await page.getByRole('link', { name: 'Manage partner visibility' }).click();
  await expect(page).toHaveURL(/\/manage-access\/partners$/);
  await waitHydrated(page);
  const toggle = page.getByRole('switch', { name: new RegExp(first.name) });
  await expect(toggle).toHaveAttribute('aria-checked', 'false');
  await toggle.click();
  await expect(page.getByRole('switch', { name: new RegExp(first.name) })).toHaveAttribute('aria-checked', 'true');
  await expect(page.getByRole('switch', { name: new RegExp(second.name) })).toHaveAttribute('aria-checked', 'false');

  await partnerPage.reload();
  await waitHydrated(partnerPage);
  await expect(partnerPage.getByRole('cell', { name: via('SECOND') })).toBeVisible();
  await context.close();

  await openHydrated(page, '/manage-access/audit');
  await expect(page.locator('table.audit')).toContainText('Partner visibility changed');
});
