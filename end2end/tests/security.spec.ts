import { expect, openHydrated, test } from './helpers';

test('the page hydrates under its CSP, which refuses an injected script', async ({ page, consoleErrors }) => {
  const response = await openHydrated(page, '/sign-in');
  const policy = response?.headers()['content-security-policy'] ?? '';
  expect(policy).toContain("script-src 'self' 'nonce-");
  expect(policy).not.toContain('unsafe-inline');

  // What an injection would do: an inline script without the nonce.
  const outcome = await page.evaluate(
    () =>
      new Promise<string>((resolve) => {
        document.addEventListener(
          'securitypolicyviolation',
          (event) => resolve(`refused by ${event.violatedDirective}`),
          { once: true },
        );
        const script = document.createElement('script');
        script.textContent = 'window.injected = true;';
        document.body.appendChild(script);
        setTimeout(() => resolve((window as unknown as { injected?: boolean }).injected ? 'ran' : 'silent'), 2000);
      }),
  );
  expect(outcome).toMatch(/^refused by script-src/);
  // That refusal is this test's point; any other error still fails it.
  expect(consoleErrors.filter((error) => !error.includes('script-src'))).toEqual([]);
  consoleErrors.length = 0;
});
