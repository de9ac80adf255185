import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { expect, onboardAdmin, openHydrated, test } from './helpers';

/** A receiver on loopback that checks every signature with the Standard
 * Webhooks reference library, answers 500 to the first delivery and 200
 * afterwards, and keeps the events it accepted. */
async function receiver() {
  const got: { verified: boolean; type: string; id: string }[] = [];
  let secret = '';
  const server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      let verified = false;
      try {
        new Webhook(secret).verify(body, request.headers as Record<string, string>);
        verified = true;
      } catch {
        verified = false;
      }
      got.push({ verified, type: JSON.parse(body).type, id: String(request.headers['webhook-id']) });
      response.writeHead(got.length === 1 ? 500 : 200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    got,
    useSecret: (value: string) => (secret = value),
    close: () => server.close(),
  };
}

test('an Account Admin adds a webhook, its signed test event is retried until delivered, and it can be paused and deleted', async ({ page }) => {
  const hook = await receiver();
  try {
    await onboardAdmin(page);
    await openHydrated(page, '/dashboard');
    await page.getByRole('navigation', { name: 'Areas of the Center' }).getByRole('link', { name: 'Webhooks' }).click();
    await expect(page.getByRole('heading', { name: 'Webhooks', level: 1 })).toBeVisible();
    await expect(page.getByText('No webhook yet.')).toBeVisible();

    // A bad address is refused next to its field.
    await page.getByLabel('RECEIVER URL').fill('ftp://example.com/in');
    await page.getByLabel('invitation.created').check();
    await page.getByRole('button', { name: 'Add a webhook' }).click();
    await expect(page.getByText("Enter the receiver's address with https://")).toBeVisible();

    await page.getByLabel('RECEIVER URL').fill(hook.url);
    await page.getByRole('button', { name: 'Add a webhook' }).click();
    await expect(page.getByText('Copy this signing secret now: it is shown only once.')).toBeVisible();
    const secret = (await page.locator('.webhook-secret').textContent()) ?? '';
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    hook.useSecret(secret);
    const row = page.locator(`tr[data-webhook="${hook.url}"]`);
    await expect(row.locator('.webhook-state')).toHaveText('Active');

    await row.getByRole('button', { name: 'Send test event' }).click();
    await expect(page).toHaveURL(/\/webhooks\?endpoint=\d+$/);
    // The worker tries at once, gets a 500, and tries again 5 s later.
    await expect
      .poll(async () => hook.got.length, { timeout: 20_000 })
      .toBe(2);
    expect(hook.got.every((event) => event.verified)).toBe(true);
    expect(hook.got.map((event) => event.type)).toEqual(['webhook.test', 'webhook.test']);
    expect(hook.got[0].id).toBe(hook.got[1].id);
    await expect
      .poll(async () => {
        await page.reload();
        return page.locator('.deliveries-table .delivery-status').first().textContent();
      }, { timeout: 10_000 })
      .toBe('Delivered');
    await expect(page.locator('.deliveries-table tbody tr').first()).toContainText('HTTP 200');

    await row.getByRole('button', { name: 'Pause' }).click();
    await expect(row.locator('.webhook-state')).toHaveText('Paused: deliveries wait');
    await row.getByRole('button', { name: 'Resume' }).click();
    await expect(row.locator('.webhook-state')).toHaveText('Active');
    await row.getByRole('button', { name: 'Delete' }).click();
    await expect(page.getByText('No webhook yet.')).toBeVisible();
  } finally {
    hook.close();
  }
});
