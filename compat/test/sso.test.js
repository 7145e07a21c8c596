// OIDC single sign-on driven with plain fetch, as the login box would: an
// account admin connects the account to an OpenID provider (a real one,
// running in this process on loopback: discovery, JWKS, authorization code
// with PKCE, RS256 ID tokens), the vendor validates the email domain,
// prelogin sends the user to the provider, and oidc/postlogin finishes the
// login. @frontegg/client's validateIdentityOnToken then accepts the token.
// run.sh starts hatch with --sso-allow-private-urls so it may call loopback.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { HATCH_API_KEY, HATCH_CLIENT_ID, HATCH_URL } from '../lib/env.js';
import { call, createTenant, decodeJwt, signRS256, vendorToken } from '../lib/hatch.js';

process.env.FRONTEGG_API_GATEWAY_URL = HATCH_URL;
process.env.FRONTEGG_CLIENT_ID = HATCH_CLIENT_ID;
process.env.FRONTEGG_API_KEY = HATCH_API_KEY;
process.env.FRONTEGG_AUTHENTICATOR_NUMBER_OF_TRIES ??= '1';
const { IdentityClient } = await import('@frontegg/client');
const { accessTokenHeaderResolver } = await import('@frontegg/client/dist/src/clients/identity/token-resolvers/index.js');

const REDIRECT_URI = 'https://app.example.test/account/oidc/callback';

// startProvider runs a minimal OpenID provider that logs in `user`.
async function startProvider(user) {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'k1', alg: 'RS256', use: 'sig' };
  const client = { id: `client-${randomBytes(4).toString('hex')}`, secret: randomBytes(18).toString('base64url') };
  const codes = new Map();
  const json = (res, status, body) => { res.writeHead(status, { 'content-type': 'application/json' }); res.end(JSON.stringify(body)); };
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, issuer);
    if (req.method === 'GET' && url.pathname === '/.well-known/openid-configuration') {
      return json(res, 200, {
        issuer, authorization_endpoint: `${issuer}/authorize`, token_endpoint: `${issuer}/token`, jwks_uri: `${issuer}/jwks`,
        response_types_supported: ['code'], subject_types_supported: ['public'], id_token_signing_alg_values_supported: ['RS256'],
      });
    }
    if (req.method === 'GET' && url.pathname === '/jwks') return json(res, 200, { keys: [jwk] });
    if (req.method === 'GET' && url.pathname === '/authorize') {
      const q = url.searchParams;
      const code = randomBytes(16).toString('base64url');
      codes.set(code, { nonce: q.get('nonce'), challenge: q.get('code_challenge'), method: q.get('code_challenge_method'), redirect: q.get('redirect_uri') });
      const back = new URL(q.get('redirect_uri'));
      back.searchParams.set('code', code);
      back.searchParams.set('state', q.get('state'));
      res.writeHead(302, { location: back.toString() });
      return res.end();
    }
    if (req.method === 'POST' && url.pathname === '/token') {
      let body = '';
      for await (const chunk of req) body += chunk;
      const form = new URLSearchParams(body);
      const basic = Buffer.from((req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString();
      const [id, secret] = basic.includes(':') ? basic.split(':').map(decodeURIComponent) : [form.get('client_id'), form.get('client_secret')];
      if (id !== client.id || secret !== client.secret) return json(res, 401, { error: 'invalid_client' });
      const grant = codes.get(form.get('code'));
      codes.delete(form.get('code'));
      const verifierHash = createHash('sha256').update(form.get('code_verifier') ?? '').digest('base64url');
      if (!grant || grant.redirect !== form.get('redirect_uri') || grant.method !== 'S256' || verifierHash !== grant.challenge) {
        return json(res, 400, { error: 'invalid_grant' });
      }
      const now = Math.floor(Date.now() / 1000);
      const idToken = signRS256({ alg: 'RS256', typ: 'JWT', kid: 'k1' },
        { iss: issuer, sub: user.sub, aud: client.id, iat: now, exp: now + 300, nonce: grant.nonce, email: user.email, name: user.name }, privateKey);
      return json(res, 200, { access_token: 'at', token_type: 'Bearer', expires_in: 300, id_token: idToken });
    }
    json(res, 404, { error: 'not_found' });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${server.address().port}`;
  return { issuer, client, close: () => new Promise((resolve) => server.close(resolve)) };
}

describe('OIDC SSO with plain fetch and @frontegg/client', () => {
  const domain = `sso-${randomBytes(4).toString('hex')}.test`;
  const user = { sub: 'oidc-user-1', email: `olivia@${domain}`, name: 'Olivia' };
  let provider;
  let tenantId;
  let token;

  before(async () => {
    provider = await startProvider(user);
    token = await vendorToken();
    tenantId = await createTenant(token, 'OIDC SSO account');
    const admin = { token, headers: { 'frontegg-tenant-id': tenantId } };
    const config = await call('POST', '/team/resources/sso/v1/configurations', {
      ...admin, body: { type: 'oidc', enabled: true, ssoEndpoint: provider.issuer, oidcClientId: provider.client.id, oidcSecret: provider.client.secret },
    });
    assert.equal(config.status, 201, config.text);
    assert.equal(config.json.oidcSecret, '', 'the client secret is never returned');
    const d = await call('POST', `/team/resources/sso/v1/configurations/${config.json.id}/domains`, { ...admin, body: { domain } });
    assert.equal(d.status, 201, d.text);
    const forced = await call('PUT', `/team/resources/sso/v1/configurations/domains/${domain}/force-validate`, { token, body: {} });
    assert.equal(forced.status, 200, forced.text);
    const oidc = await call('POST', '/team/resources/sso/v1/oidc/configurations', { ...admin, body: { active: true, redirectUri: REDIRECT_URI } });
    assert.equal(oidc.status, 201, oidc.text);
  });

  after(async () => {
    await provider?.close();
    await accessTokenHeaderResolver.authenticator.shutdown();
  });

  it('logs in through the provider and the token passes validateIdentityOnToken', async () => {
    const pre = await call('POST', '/frontegg/identity/resources/auth/v2/user/sso/prelogin', { body: { email: user.email } });
    assert.equal(pre.status, 200, pre.text);
    assert.equal(pre.json.idpType, 'oidc');
    const authorize = new URL(pre.json.address);
    assert.equal(authorize.searchParams.get('code_challenge_method'), 'S256');
    assert.ok(authorize.searchParams.get('nonce'), 'the request carries a nonce');

    // The browser goes to the provider and comes back to the app with a code.
    const back = await fetch(authorize, { redirect: 'manual' });
    assert.equal(back.status, 302);
    const callback = new URL(back.headers.get('location'));
    assert.equal(callback.origin + callback.pathname, REDIRECT_URI);

    // The app's callback page finishes the login (api.auth.oidcPostLogin's body).
    const body = { code: callback.searchParams.get('code'), state: callback.searchParams.get('state'), redirectUri: REDIRECT_URI };
    const login = await call('POST', '/frontegg/identity/resources/auth/v1/user/oidc/postlogin', { body });
    assert.equal(login.status, 200, login.text);
    assert.equal(login.json.mfaRequired, false);
    assert.match(login.headers.get('set-cookie') ?? '', /fe_refresh_/);

    const entity = await IdentityClient.getInstance().validateIdentityOnToken(login.json.accessToken);
    assert.equal(entity.type, 'userToken');
    assert.equal(entity.email, user.email);
    assert.equal(entity.tenantId, tenantId);
    assert.ok(decodeJwt(login.json.accessToken).payload.amr.includes('sso'), 'amr carries sso');

    // The state is spent: the same answer cannot log in twice.
    const replay = await call('POST', '/frontegg/identity/resources/auth/v1/user/oidc/postlogin', { body });
    assert.equal(replay.status, 401);
  });
});
