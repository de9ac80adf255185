// Where the browser tests find the server, its mail and its database.
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(here, '..');
export const APP_PORT = Number(process.env.E2E_APP_PORT ?? 3100);
export const SMTP_PORT = Number(process.env.E2E_SMTP_PORT ?? 2525);
export const MAIL_API_PORT = Number(process.env.E2E_MAIL_API_PORT ?? 2526);
export const DNS_PORT = Number(process.env.E2E_DNS_PORT ?? 2553);
export const DNS_API = `http://127.0.0.1:${Number(process.env.E2E_DNS_API_PORT ?? 2554)}`;
export const APP_URL = `http://127.0.0.1:${APP_PORT}`;
export const MAIL_API = `http://127.0.0.1:${MAIL_API_PORT}`;
export const OIDC_PORT = Number(process.env.E2E_OIDC_PORT ?? 2560);
export const OIDC_ISSUER = `http://127.0.0.1:${OIDC_PORT}`;
export const OIDC_CLIENT_ID = 'business-center-e2e';
export const OIDC_CLIENT_SECRET = 'e2e-client-secret-3f9a';
export const DB_FILE = path.join(here, '.tmp', 'e2e.db');
export const BINARY = path.join(ROOT, 'target', 'server-release', 'business-center');

/** The environment the server and the command line share. */
export const SERVER_ENV = {
  DATABASE_URL: `sqlite://${DB_FILE}`,
  PUBLIC_URL: APP_URL,
  LEPTOS_SITE_ADDR: `127.0.0.1:${APP_PORT}`,
  LEPTOS_SITE_ROOT: path.join(ROOT, 'target', 'site'),
  LEPTOS_ENV: 'PROD',
  SMTP_URL: `smtp://127.0.0.1:${SMTP_PORT}`,
  DOWNLOADS_DIR: path.join(here, '.tmp', 'downloads'),
  // Domain proofs are looked up in the tests' own DNS server.
  DNS_RESOLVER: `127.0.0.1:${DNS_PORT}`,
  // The tests' webhook receivers listen on loopback.
  WEBHOOK_ALLOW_PRIVATE: 'true',
  // So is the tests' OpenID provider.
  SSO_ALLOW_PRIVATE: 'true',
  // A key of the run's own: the database is fresh each run too.
  SECRETS_KEY: randomBytes(32).toString('base64'),
  // Warnings only: a line per request would bury the test report.
  RUST_LOG: 'warn',
};
