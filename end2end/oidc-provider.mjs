// A real OpenID Connect provider on loopback (npm oidc-provider) for the
// single sign-on browser tests: one client, the Business Center under test;
// its development sign-in page takes any login, which becomes the account
// (an email address, verified), and its subject is stable per address.
import { Provider } from 'oidc-provider';

// Given by playwright.config.ts from env.ts.
const { APP_URL, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_ISSUER } = process.env;
const OIDC_PORT = Number(new URL(OIDC_ISSUER).port);

const provider = new Provider(OIDC_ISSUER, {
  clients: [
    {
      client_id: OIDC_CLIENT_ID,
      client_secret: OIDC_CLIENT_SECRET,
      redirect_uris: [`${APP_URL}/sso/callback`],
      grant_types: ['authorization_code'],
      response_types: ['code'],
    },
  ],
  async findAccount(ctx, id) {
    const email = id.trim().toLowerCase();
    return {
      accountId: id,
      async claims() {
        return { sub: `subject-of-${email}`, email, email_verified: true };
      },
    };
  },
  claims: { openid: ['sub'], email: ['email', 'email_verified'] },
  // The address in the ID token itself, where the Center reads it.
  conformIdTokenClaims: false,
  features: { devInteractions: { enabled: true } },
  cookies: { keys: ['business-center-e2e'] },
});
provider.proxy = false;
provider.listen(OIDC_PORT, '127.0.0.1');
