import type { Page, Request } from '@playwright/test';
import { APP_URL } from '../env';
import { expect, fillInvite, onboardAdmin, test, unique } from './helpers';

// After hydration the app is a single-page app: its router handles every
// link, and the views react in place. A marker on `window` survives only
// while no document is loaded, and the browser keeps one navigation entry
// per document.

async function markDocument(page: Page) {
  await page.evaluate(() => {
    (window as unknown as { sameDocument: boolean }).sameDocument = true;
  });
}

async function expectSameDocument(page: Page) {
  expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
  expect(await page.evaluate(() => performance.getEntriesByType('navigation').length)).toBe(1);
}

/** Every request the page sends from now on, but for the page's own static files. */
function recordRequests(page: Page): Request[] {
  const sent: Request[] = [];
  page.on('request', (request) => {
    if (!new URL(request.url()).pathname.startsWith('/pkg/')) sent.push(request);
  });
  return sent;
}

test('every area opens through the navigation without loading a document, back and forward included', async ({ page }) => {
  await onboardAdmin(page);
  await markDocument(page);
  const nav = page.getByRole('navigation', { name: 'Areas of the Center' });
  const areas: [string, string, RegExp][] = [
    ['Agreements', '/agreements', /^Agreements$/],
    ['Orders', '/orders', /^Orders$/],
    ['License details', '/licenses', /^License details$/],
    ['Product keys', '/keys', /^Product keys$/],
    ['Software downloads', '/downloads', /^Software downloads$/],
    ['Reports', '/reports', /^Reports$/],
    ['Self-service provisioning', '/provisioning', /^Self-service provisioning$/],
    ['Manage access', '/manage-access', /^Manage access$/],
    ['Domains', '/domains', /^Domains$/],
    ['Dashboard', '/dashboard', /^Welcome, Harry$/],
  ];
  for (const [link, path, heading] of areas) {
    await nav.getByRole('link', { name: link, exact: true }).click();
    await expect(page).toHaveURL(`${APP_URL}${path}`);
    await expect(page.getByRole('heading', { level: 1, name: heading })).toBeVisible();
  }
  // Tabs, and a link in the page.
  await nav.getByRole('link', { name: 'Manage access', exact: true }).click();
  await page.getByRole('link', { name: 'Audit log' }).click();
  await expect(page).toHaveURL(`${APP_URL}/manage-access/audit`);
  await expect(page.locator('table.audit')).toBeVisible();
  // The user menu's My profile.
  await page.locator('.user-menu summary').click();
  await page.getByRole('link', { name: 'My profile' }).click();
  await expect(page).toHaveURL(`${APP_URL}/profile`);
  await expectSameDocument(page);

  // Back and forward: the address and the view follow, still one document.
  await page.goBack();
  await expect(page).toHaveURL(`${APP_URL}/manage-access/audit`);
  await expect(page.locator('table.audit')).toBeVisible();
  await page.goBack();
  await expect(page).toHaveURL(`${APP_URL}/manage-access`);
  await expect(page.getByRole('button', { name: 'INVITE USER' })).toBeVisible();
  await page.goForward();
  await expect(page).toHaveURL(`${APP_URL}/manage-access/audit`);
  await expectSameDocument(page);

  // The address is the state: a reload opens the same view.
  await page.goto('/manage-access?invite=1');
  await expect(page.getByRole('heading', { level: 2, name: 'INVITE USER', exact: true })).toBeVisible();
});

test('pointing at a link fetches its page before the click, and the click needs nothing more', async ({ page }) => {
  await onboardAdmin(page);
  // A fresh document with the pointer on nothing: pointing at a link on
  // the way here may already have fetched a page.
  await page.mouse.move(0, 0);
  await page.goto('/dashboard');
  await expect(page.locator('html[data-hydrated]')).toHaveCount(1);
  await markDocument(page);
  let started = 0;
  let finished = 0;
  page.on('request', (request) => { if (request.url().endsWith('.wasm')) started += 1; });
  page.on('requestfinished', (request) => { if (request.url().endsWith('.wasm')) finished += 1; });
  const reports = page.getByRole('navigation', { name: 'Areas of the Center' }).getByRole('link', { name: 'Reports', exact: true });
  await reports.hover();
  await expect.poll(() => started > 0 && finished === started).toBe(true);
  const fetched = started;
  await reports.click();
  await expect(page.getByRole('heading', { level: 1, name: 'Reports' })).toBeVisible();
  expect(started).toBe(fetched);
  await expectSameDocument(page);
});

test('the role dropdowns react in the browser, and an invitation shows in the list and on the dashboard without a document load', async ({ page }) => {
  await onboardAdmin(page);
  const usersTile = page.locator('.tiles').getByRole('link', { name: /Manage access/ });
  const before = Number(await usersTile.locator('.tile-count').textContent());
  await usersTile.click();
  await expect(page).toHaveURL(`${APP_URL}/manage-access`);
  await markDocument(page);

  await page.getByRole('button', { name: 'INVITE USER' }).click();
  await expect(page).toHaveURL(`${APP_URL}/manage-access?invite=1`);
  const form = page.locator('form', { has: page.getByRole('button', { name: 'INVITE ANOTHER USER' }) });

  // Choosing a role and adding a dropdown ask nothing of the server.
  const sent = recordRequests(page);
  await form.getByLabel('ROLE 1', { exact: true }).selectOption({ label: 'Report Viewer' });
  await form.getByRole('button', { name: 'Add another role' }).click();
  const second = form.getByLabel('ROLE 2', { exact: true });
  await expect(second).toBeVisible();
  await expect(second.locator('option', { hasText: 'Report Viewer' })).toHaveCount(0);
  await expect(second.locator('option', { hasText: 'Account Viewer' })).toHaveCount(1);
  // Nor does removing it.
  await form.getByRole('button', { name: 'Remove ROLE 2' }).click();
  await expect(form.getByLabel('ROLE 2', { exact: true })).toHaveCount(0);
  expect(sent.map((request) => request.url())).toEqual([]);

  // Every role chosen: no dropdown is left to add.
  const roles = await form.getByLabel('ROLE 1', { exact: true }).locator('option').count();
  for (let index = 2; index < roles; index += 1) {
    await form.getByRole('button', { name: 'Add another role' }).click();
  }
  await expect(form.getByRole('button', { name: 'Add another role' })).toBeDisabled();
  for (let index = roles - 1; index >= 2; index -= 1) {
    await form.getByRole('button', { name: `Remove ROLE ${index}` }).click();
  }

  const vera = `vera.${unique(6)}@contoso-e2e.com`;
  await fillInvite(page, { email: vera, first: 'Vera', last: 'Quinn', language: 'en', country: 'US', roles: ['Report Viewer', 'Account Viewer'] });
  await form.getByRole('button', { name: 'INVITE', exact: true }).click();
  await expect(page.getByText(`Invitation sent to ${vera}`)).toBeVisible();
  await expect(page.locator(`tr[data-email="${vera}"]`)).toContainText('Report Viewer, Account Viewer');

  // Search as you type narrows the list in place.
  await page.getByLabel('Search').pressSequentially(vera.slice(0, 10));
  await expect(page).toHaveURL(/\?q=vera/);
  await expect(page.locator(`tr[data-email="${vera}"]`)).toHaveCount(1);
  await expect(page.getByLabel('Search')).toBeFocused();

  // The dashboard counts her already.
  await page.getByRole('navigation', { name: 'Areas of the Center' }).getByRole('link', { name: 'Dashboard' }).click();
  await expect(usersTile.locator('.tile-count')).toHaveText(String(before + 1));
  await expectSameDocument(page);
});

test('a page chunk that fails to load (a deploy since the tab opened) loads the page as a document', async ({ page, consoleErrors }) => {
  await onboardAdmin(page);
  await markDocument(page);
  // A deploy: the chunks this document knows are gone until a document
  // (the new app's) is loaded.
  let deployed = false;
  page.on('request', (request) => {
    if (request.isNavigationRequest()) deployed = true;
  });
  await page.route(/\/pkg\/.*\.wasm$/, (route) => (deployed ? route.continue() : route.fulfill({ status: 404, body: '' })));
  await page.getByRole('navigation', { name: 'Areas of the Center' }).getByRole('link', { name: 'Reports', exact: true }).click();
  await expect(page).toHaveURL(`${APP_URL}/reports`);
  await expect(page.getByRole('heading', { level: 1, name: 'Reports' })).toBeVisible();
  await expect(page.locator('html[data-hydrated]')).toHaveCount(1);
  // A new document: the marker is gone.
  expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBeUndefined();
  // The missing chunk's own errors are expected here (its 404, and the
  // loader's failed compile); a panic is not.
  const unexpected = consoleErrors.filter((error) => /panicked|unreachable/.test(error)
    || !/404|Failed to execute 'compile' on 'WebAssembly'/.test(error));
  consoleErrors.splice(0, consoleErrors.length, ...unexpected);
});
