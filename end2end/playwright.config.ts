import { defineConfig } from '@playwright/test';
import {
  APP_URL, BINARY, DB_FILE, DNS_API, MAIL_API, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_ISSUER, SERVER_ENV,
} from './env';
import path from 'node:path';

export default defineConfig({
  testDir: './tests',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  workers: 1,
  retries: 0,
  forbidOnly: true,
  reporter: [['list']],
  use: {
    baseURL: APP_URL,
    locale: 'en-US',
    trace: 'retain-on-failure',
    launchOptions: {
      // Debian's Chromium: browsers cannot be downloaded on these machines.
      executablePath: '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
  webServer: [
    {
      command: 'node smtp-capture.mjs',
      url: `${MAIL_API}/health`,
      reuseExistingServer: false,
      stdout: 'ignore',
      stderr: 'pipe',
    },
    {
      command: 'node dns-server.mjs',
      url: `${DNS_API}/health`,
      reuseExistingServer: false,
      stdout: 'ignore',
      stderr: 'pipe',
    },
    {
      command: 'node oidc-provider.mjs',
      env: { APP_URL, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_ISSUER },
      url: `${OIDC_ISSUER}/.well-known/openid-configuration`,
      reuseExistingServer: false,
      stdout: 'ignore',
      stderr: 'pipe',
    },
    {
      // A fresh database each run (this file is loaded again by every
      // worker, so the reset belongs to the server's start, not here).
      command: `rm -rf "${path.dirname(DB_FILE)}" && exec "${BINARY}" serve`,
      env: SERVER_ENV,
      url: `${APP_URL}/health`,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: 'pipe',
      stderr: 'pipe',
    },
  ],
});
