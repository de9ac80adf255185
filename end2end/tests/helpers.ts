import { test as base, expect, type Page } from '@playwright/test';
import { execFileSync, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BINARY, DB_FILE, DNS_API, MAIL_API, ROOT, SERVER_ENV } from '../env';

/**
 * Every test fails on a script error, a console error (a failed
 * hydration shows up as one) or a CSP violation. Answers the server gives on purpose — 401
 * for a wrong password, 403 for a forbidden area, 404/410 for dead links,
 * 422 for bad input — are
 * logged by Chromium as failed loads and are allowed.
 */
export const test = base.extend<{ consoleErrors: string[] }>({
  consoleErrors: [
    async ({ page }, use) => {
      const errors: string[] = [];
      // A Content-Security-Policy violation fails the test even where the
      // browser would not log it as an error.
      await page.addInitScript(() => {
        document.addEventListener('securitypolicyviolation', (event) => {
          console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI}`);
        });
      });
      page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
      page.on('console', (message) => {
        if (message.type() !== 'error') return;
        const text = message.text();
        if (/Failed to load resource: the server responded with a status of (401|403|404|410|422)/.test(text)) return;
        errors.push(`console: ${text}`);
      });
      await use(errors);
      expect(errors, 'no script or console errors').toEqual([]);
    },
    { auto: true },
  ],
});
export { expect };

export function unique(digits: number): string {
  let out = String(1 + Math.floor(Math.random() * 9));
  while (out.length < digits) out += String(Math.floor(Math.random() * 10));
  return out;
}

export interface Agreement {
  number: string;
  purchasingAccount: string;
  email: string;
  firstName: string;
  lastName: string;
  organization: string;
}

/** Runs the operator's command line against the running server's database. */
export function cli(args: string[]) {
  return spawnSync(BINARY, args, {
    cwd: ROOT,
    env: { ...process.env, ...SERVER_ENV },
    encoding: 'utf8',
  });
}

export function createAgreement(options: { language?: string; country?: string; firstName?: string; email?: string } = {}): Agreement & { stdout: string } {
  const id = unique(6);
  const agreement: Agreement = {
    number: unique(10),
    purchasingAccount: unique(8),
    // Mixed case on purpose: the Center treats emails case-insensitively.
    email: options.email ?? `Admin.${id}@Contoso-E2E.com`,
    firstName: options.firstName ?? 'Harry',
    lastName: `Roldan${id}`,
    organization: `Contoso ${id} Ltd`,
  };
  const result = cli([
    'agreement', 'create',
    '--agreement-number', agreement.number,
    '--organization', agreement.organization,
    '--purchasing-account', agreement.purchasingAccount,
    '--admin-email', agreement.email,
    '--admin-first-name', agreement.firstName,
    '--admin-last-name', agreement.lastName,
    '--language', options.language ?? 'en',
    '--country', options.country ?? 'US',
  ]);
  expect(result.status, result.stderr).toBe(0);
  return { ...agreement, stdout: result.stdout };
}

export interface Mail {
  to: string[];
  subject: string;
  text: string;
  html: string;
}

/** Waits until `to` has received `count` emails; returns them, oldest first. */
export async function waitForMail(to: string, count = 1): Promise<Mail[]> {
  let mails: Mail[] = [];
  await expect
    .poll(
      async () => {
        const response = await fetch(`${MAIL_API}/messages?to=${encodeURIComponent(to.toLowerCase())}`);
        mails = await response.json();
        return mails.length;
      },
      { timeout: 20_000, message: `${count} email(s) to ${to}` },
    )
    .toBeGreaterThanOrEqual(count);
  return mails;
}

export async function mailCount(to: string): Promise<number> {
  const response = await fetch(`${MAIL_API}/messages?to=${encodeURIComponent(to.toLowerCase())}`);
  return (await response.json()).length;
}

/** The invitation link of an email, as its button carries it. */
export function invitationLink(mail: Mail): string {
  const match = mail.html.match(/href="([^"]*\/invitation\/[^"]+)"/);
  expect(match, `a link in: ${mail.html}`).not.toBeNull();
  return match![1].replace(/&amp;/g, '&');
}

/** Opens `url` and waits until the page's script has taken over. */
export async function openHydrated(page: Page, url: string) {
  const response = await page.goto(url);
  await expect(page.locator('html[data-hydrated]')).toHaveCount(1);
  return response;
}

export async function waitHydrated(page: Page) {
  await expect(page.locator('html[data-hydrated]')).toHaveCount(1);
}

/** Moves an invitation's expiry into the past, as if 60 days had gone by. */
export function expireInvitationsOf(email: string) {
  execFileSync('python3', [
    '-c',
    'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); ' +
      "c.execute(\"UPDATE invitations SET expires_at = strftime('%s','now') - 1 WHERE email = ?\", (sys.argv[2],)); c.commit()",
    DB_FILE,
    email.toLowerCase(),
  ]);
}

export const ADMIN_PASSWORD = 'Correct-Horse-42';

/** An operator registers an agreement and its administrator signs up; the page ends on the dashboard. */
export async function onboardAdmin(page: Page, options: { email?: string } = {}): Promise<Agreement> {
  const agreement = createAgreement(options);
  const [mail] = await waitForMail(agreement.email);
  await openHydrated(page, invitationLink(mail));
  await page.getByLabel('Create password').fill(ADMIN_PASSWORD);
  await page.getByLabel('Confirm your password').fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Start' }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await waitHydrated(page);
  return agreement;
}

/** Someone invited by a colleague opens their link in `page` and creates their account. */
export async function join(page: Page, link: string, password: string, labels = { create: 'Create password', confirm: 'Confirm your password', start: 'Start' }) {
  await openHydrated(page, link);
  await page.getByLabel(labels.create).fill(password);
  await page.getByLabel(labels.confirm).fill(password);
  await page.getByRole('button', { name: labels.start }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await waitHydrated(page);
}

/** Fills the INVITE USER form (already open). */
export async function fillInvite(page: Page, person: { email: string; first: string; last: string; language: string; country: string; roles: string[] }) {
  // INVITE alone would name the CSV file's form too.
  const form = page.locator('form', { has: page.getByRole('button', { name: 'INVITE ANOTHER USER' }) });
  await form.getByLabel('EMAIL ADDRESS').fill(person.email);
  await form.getByLabel('FIRST NAME').fill(person.first);
  await form.getByLabel('LAST NAME').fill(person.last);
  await form.getByLabel('PREFERRED LANGUAGE').selectOption(person.language);
  await form.getByLabel('COUNTRY/REGION').selectOption(person.country);
  for (const [index, role] of person.roles.entries()) {
    if (index > 0) await form.getByRole('button', { name: 'Add another role' }).click();
    await form.getByLabel(`ROLE ${index + 1}`, { exact: true }).selectOption({ label: role });
  }
  return form;
}

export interface Partner {
  name: string;
  email: string;
}

/** The operator registers a partner organization and links it to `agreements`. */
export function createPartner(agreements: string[]): Partner {
  const id = unique(6);
  const partner = { name: `Fabrikam ${id} Partners`, email: `ana.${id}@fabrikam-e2e.com` };
  const created = cli([
    'partner', 'create',
    '--name', partner.name,
    '--admin-email', partner.email,
    '--admin-first-name', 'Ana',
    '--admin-last-name', `Silva${id}`,
  ]);
  expect(created.status, created.stderr).toBe(0);
  for (const agreement of agreements) {
    const linked = cli(['partner', 'link', '--partner', partner.name, '--agreement-number', agreement]);
    expect(linked.status, linked.stderr).toBe(0);
  }
  return partner;
}

/** The areas navigation present on every signed-in page. */
export function areaNav(page: Page) {
  return page.getByRole('navigation', { name: 'Areas of the Center' });
}

/** Adds `domain` under Account → Domains, publishes its TXT record in the tests' DNS server, and verifies it. */
export async function proveDomain(page: Page, domain: string, purchasingAccount: string) {
  await openHydrated(page, '/domains');
  await page.getByLabel('DOMAIN', { exact: true }).fill(domain);
  await page.getByLabel('PURCHASING ACCOUNT NUMBER').selectOption(purchasingAccount);
  await page.getByRole('button', { name: 'ADD DOMAIN' }).click();
  const card = page.locator(`section[data-domain="${domain}"]`);
  const value = (await card.locator('.record-value').textContent()) ?? '';
  const published = await fetch(
    `${DNS_API}/records?name=${encodeURIComponent(`_business-center.${domain}`)}&value=${encodeURIComponent(value)}`,
    { method: 'POST' },
  );
  expect(published.ok).toBe(true);
  await card.getByRole('button', { name: 'Verify' }).click();
  await expect(card.locator('.domain-status')).toContainText('Verified on');
}

/**
 * The operator loads what the organization bought: an order of Office
 * (software, with an image to download) and of Microsoft 365 E3 (an online
 * service), and a product key. Returns the image's content.
 */
export function loadCatalog(agreement: Agreement): Buffer {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bc-catalog-'));
  const { number, purchasingAccount } = agreement;
  fs.writeFileSync(path.join(dir, 'orders.csv'), [
    'agreement_number,purchasing_account,order_number,order_date,product,version,quantity,unit_price,currency',
    `${number},${purchasingAccount},E-${number}-1,2026-01-15,Office Professional Plus,2024,25,450.00,USD`,
    `${number},${purchasingAccount},E-${number}-2,2026-02-15,Microsoft 365 E3,,50,36.00,USD`,
  ].join('\n'));
  const image = crypto.randomBytes(1_500_000);
  fs.writeFileSync(path.join(dir, `office-${number}.img`), image);
  fs.writeFileSync(path.join(dir, 'products.csv'), [
    'product,version,kind,file',
    `Office Professional Plus,2024,software,office-${number}.img`,
    'Microsoft 365 E3,,online_service,',
  ].join('\n'));
  fs.writeFileSync(path.join(dir, 'keys.csv'),
    `${number},${purchasingAccount},Office Professional Plus,2024,E2E${number.slice(-4)}-7QX4K-M2P9R-W8T3V-K6J4H\n`);
  for (const [what, file] of [['orders', 'orders.csv'], ['products', 'products.csv'], ['keys', 'keys.csv']]) {
    const run = cli([what, 'import', path.join(dir, file)]);
    expect(run.status, run.stdout + run.stderr).toBe(0);
  }
  return image;
}
