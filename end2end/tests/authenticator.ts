// Two-step verification as a person does it: the key the page shows, and
// the codes an authenticator app computes from it.
import { createHmac } from 'node:crypto';
import type { Page } from '@playwright/test';
import { ADMIN_PASSWORD, expect } from './helpers';

/** RFC 4648 base32, as authenticator apps read the key. */
function base32Decode(text: string): Buffer {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const bytes: number[] = [];
  let bits = 0;
  let value = 0;
  for (const char of text.replace(/[\s=]/g, '').toUpperCase()) {
    value = ((value << 5) | alphabet.indexOf(char)) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      bytes.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(bytes);
}

/** The code an authenticator app (RFC 6238: SHA-1, 6 digits, 30 s) shows at `at`. */
export function authenticatorCode(key: string, at = Date.now()): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 1000 / 30)));
  const mac = createHmac('sha1', base32Decode(key)).update(counter).digest();
  const offset = mac[mac.length - 1] & 15;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}

/** Starts setting up an authenticator on the Two-step verification page; returns the key it shows. */
export async function startSetup(page: Page): Promise<string> {
  await page.getByRole('button', { name: 'Set up an authenticator app' }).click();
  return ((await page.locator('.two-step-secret').textContent()) ?? '').replace(/\s/g, '');
}

/** Turns two-step verification on with `code` and the password; returns the recovery codes shown. */
export async function turnOn(page: Page, code: string, password = ADMIN_PASSWORD): Promise<string[]> {
  await page.getByLabel('CODE', { exact: true }).fill(code);
  await page.locator('#field-password').fill(password);
  await page.getByRole('button', { name: 'Turn on' }).click();
  const codes = page.locator('.recovery-codes li');
  await expect(codes).toHaveCount(10);
  return codes.allTextContents();
}
