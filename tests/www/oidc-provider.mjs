// A real OpenID Connect provider for the tests: panva's oidc-provider (npm), on 127.0.0.1, with
// its development sign-in pages (any user name signs in). Each user's e-mail is their user name;
// their groups come from `groups`. One confidential client, the dashboard, with the redirect URIs
// given. Consent is granted for that first-party client (no consent page).
import { createServer } from 'node:http';
import { randomBytes } from 'node:crypto';
import Provider from 'oidc-provider';

/**
 * @param {{ redirectUris: string[], groups: Record<string, string[]>, clientSecret?: string }} o
 * @returns {Promise<{ issuer: string, clientId: string, clientSecret: string, close(): Promise<void> }>}
 */
export async function startOidcProvider({ redirectUris, groups, clientSecret = randomBytes(24).toString('base64url') }) {
  /** @type {(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void} */
  let handler = (_req, res) => res.end();
  const server = createServer((req, res) => handler(req, res));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, {
    clients: [{
      client_id: 'iap-verify-dashboard',
      client_secret: clientSecret,
      redirect_uris: redirectUris,
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_post',
    }],
    scopes: ['openid', 'email', 'profile', 'groups'],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'], groups: ['groups'] },
    // The requested claims in the ID token itself (the dashboard reads the ID token's claims).
    conformIdTokenClaims: false,
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    features: { devInteractions: { enabled: true } },
    async findAccount(_ctx, id) {
      return {
        accountId: id,
        async claims() {
          return { sub: id, email: id, email_verified: true, name: id.split('@')[0], groups: groups[id] ?? [] };
        },
      };
    },
    async loadExistingGrant(ctx) {
      const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
      if (grantId) return ctx.oidc.provider.Grant.find(grantId);
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
      grant.addOIDCScope('openid email profile groups');
      grant.addOIDCClaims(['email', 'email_verified', 'name', 'groups']);
      await grant.save();
      return grant;
    },
  });
  // The development pages say they are for development, as console warnings: not our errors.
  provider.on('server_error', (_ctx, e) => console.error('oidc-provider:', e.message));
  handler = provider.callback();
  return {
    issuer,
    clientId: 'iap-verify-dashboard',
    clientSecret,
    close: () => new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
