// OIDC single sign-on driven with plain fetch, as the login box would: an
// account admin connects the account to an OpenID provider (a real one,
// running in this process on loopback: discovery, JWKS, authorization code
// with PKCE, RS256 ID tokens), the vendor validates the email domain,
// prelogin sends the user to the provider, and oidc/postlogin finishes the
// login. @frontegg/client's validateIdentityOnToken then accepts the token.
//
// Then the environment's SSO settings with @frontegg/rest-api: the vendor
// saves them (the client has no function for these vendor routes: plain
// fetch), and account admins go through the client's SSO functions
// (createSSOConfiguration, createSSODomain, validateSSODomain[V2],
// getSSOConfigurations, deleteSSODomain) and users through its prelogin
// functions (preLogin, preLoginWithIdpType, preLoginV2, oidcPostLogin): two
// accounts sharing one domain, and the domain policy's flags.
// run.sh starts hatch with --sso-allow-private-urls so it may call loopback.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { HATCH_API_KEY, HATCH_CLIENT_ID, HATCH_URL } from '../lib/env.js';
import { call, createTenant, createUser, decodeJwt, signRS256, vendorToken } from '../lib/hatch.js';
import { apiError, openPage } from '../lib/page.js';
import { api } from '@frontegg/rest-api';

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

describe('SSO settings and shared domains with @frontegg/rest-api', () => {
  const hex = randomBytes(4).toString('hex');
  const domain = `shared-${hex}.test`;
  const newcomer = { sub: 'oidc-newcomer', email: `nora@${domain}`, name: 'Nora' };
  const settingsURL = '/frontegg/team/resources/sso/v1/configurations';
  const defaults = {
    multi: { active: false, unspecifiedTenantStrategy: 'BLOCK', useActiveTenant: false },
    domains: { allowVerifiedUsersToAddDomains: false, skipDomainVerification: false, bypassDomainCrossValidation: false },
  };
  let context;
  let vendor;
  let providerA; // account A's IdP
  let providerB; // account B's IdP, which logs the newcomer in
  const accounts = {}; // a, b: {tenantId, admin, configId}

  // The vendor saves a setting (PUT) and gets it back as saved.
  async function save(path, body) {
    const res = await call('PUT', `${settingsURL}/${path}`, { token: vendor, body });
    assert.equal(res.status, 201, res.text);
    assert.deepEqual(res.json, body);
    const read = await call('GET', `${settingsURL}/${path}`, { token: vendor });
    assert.deepEqual(read.json, body);
  }

  // Logs the account's admin in through the client: later client calls carry its token.
  async function asAdmin(account) {
    context.setAccessToken(null);
    await api.auth.login({ email: account.admin.email, password: account.admin.password });
  }

  // Where prelogin v2 sends email: 'A', 'B', or 'none' when the client gets
  // the non-SSO answer (404).
  async function idpOf(body) {
    try {
      const { address, idpType } = await api.auth.preLoginV2(body);
      assert.equal(idpType, 'oidc');
      if (address.startsWith(`${providerA.issuer}/`)) return 'A';
      if (address.startsWith(`${providerB.issuer}/`)) return 'B';
      assert.fail(`prelogin address ${address}`);
    } catch (e) {
      if (e.statusCode !== 404) throw e;
      return 'none';
    }
  }

  before(async () => {
    ({ context } = openPage());
    vendor = await vendorToken();
    providerA = await startProvider({ sub: 'a', email: `someone@${domain}`, name: 'Someone' });
    providerB = await startProvider(newcomer);
    const roles = await call('GET', '/identity/resources/roles/v1', { token: vendor });
    const adminRole = roles.json.find((r) => r.key === 'Admin');
    assert.ok(adminRole, `an Admin role: ${roles.text}`);
    for (const [name, provider] of [['a', providerA], ['b', providerB]]) {
      const tenantId = await createTenant(vendor, `Shared SSO ${name.toUpperCase()}`);
      const admin = await createUser(vendor, tenantId, { email: `admin-${name}@${domain}`, roleIds: [adminRole.id] });
      accounts[name] = { tenantId, admin, provider };
    }
  });

  after(async () => {
    context.setAccessToken(null);
    await call('PUT', `${settingsURL}/multiple-sso-per-domain`, { token: vendor, body: defaults.multi });
    await call('PUT', `${settingsURL}/domains`, { token: vendor, body: defaults.domains });
    await providerA?.close();
    await providerB?.close();
  });

  it('the vendor reads the defaults and saves the settings', async () => {
    for (const [path, want] of [['multiple-sso-per-domain', defaults.multi], ['domains', defaults.domains]]) {
      const res = await call('GET', `${settingsURL}/${path}`, { token: vendor });
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(res.json, want);
    }
    const refused = await call('PUT', `${settingsURL}/multiple-sso-per-domain`, { token: vendor, body: { active: true } });
    assert.equal(refused.status, 400, refused.text);
    await save('multiple-sso-per-domain', { active: true, unspecifiedTenantStrategy: 'BLOCK', useActiveTenant: true });
    await save('domains', { ...defaults.domains, skipDomainVerification: true });
  });

  it('two account admins claim the same domain, validated without DNS', async () => {
    for (const account of [accounts.a, accounts.b]) {
      await asAdmin(account);
      const config = await api.auth.createSSOConfiguration({
        type: 'oidc', enabled: true, ssoEndpoint: account.provider.issuer,
        oidcClientId: account.provider.client.id, oidcSecret: account.provider.client.secret,
      });
      assert.equal(config.tenantId, account.tenantId);
      account.configId = config.id;
      const claim = await api.auth.createSSODomain(config.id, { domain });
      assert.equal(claim.domain, domain);
      assert.equal(claim.validated, true, 'skipDomainVerification validates the claim as it is made');
      const again = await api.auth.validateSSODomainV2(config.id, claim.id);
      assert.equal(again.validated, true);
      const [listed] = await api.auth.getSSOConfigurations();
      assert.deepEqual(listed.domains.map((d) => [d.domain, d.validated]), [[domain, true]]);
    }
  });

  it('prelogin follows the multitenancy rules', async () => {
    context.setAccessToken(null);
    // BLOCK: a newcomer naming no account has no SSO (preLogin swallows the 404).
    assert.equal(await idpOf({ email: newcomer.email }), 'none');
    assert.equal(await api.auth.preLogin({ email: newcomer.email }), null);
    const e = await apiError(api.auth.preLoginWithIdpType({ email: newcomer.email }));
    assert.equal(e.statusCode, 404);
    // A named account decides; useActiveTenant sends existing users to their own account.
    assert.equal(await idpOf({ email: newcomer.email, tenantId: accounts.b.tenantId }), 'B');
    assert.equal(await idpOf({ email: accounts.a.admin.email }), 'A');
    assert.equal(await idpOf({ email: accounts.b.admin.email }), 'B');
    // FIRST_CREATED: the newcomer goes to the account whose configuration came first.
    await save('multiple-sso-per-domain', { active: true, unspecifiedTenantStrategy: 'FIRST_CREATED', useActiveTenant: true });
    assert.equal(await idpOf({ email: newcomer.email }), 'A');
    assert.equal(await idpOf({ email: accounts.b.admin.email }), 'B');
  });

  it('a newcomer logs in through the account the login names, with oidcPostLogin', async () => {
    context.setAccessToken(null);
    const { address } = await api.auth.preLoginWithIdpType({ email: newcomer.email, tenantId: accounts.b.tenantId });
    const back = await fetch(address, { redirect: 'manual' });
    assert.equal(back.status, 302);
    const callback = new URL(back.headers.get('location'));
    const user = await api.auth.oidcPostLogin({
      code: callback.searchParams.get('code'), state: callback.searchParams.get('state'), redirectUri: callback.origin + callback.pathname,
    });
    assert.equal(user.email, newcomer.email);
    assert.equal(user.tenantId, accounts.b.tenantId);
    assert.ok(decodeJwt(user.accessToken).payload.amr.includes('sso'), 'amr carries sso');
  });

  it('without skipDomainVerification claims wait for DNS; bypassDomainCrossValidation lets them carry logins', async () => {
    const other = `unproven-${hex}.test`;
    await save('domains', defaults.domains);
    await asAdmin(accounts.a);
    const claim = await api.auth.createSSODomain(accounts.a.configId, { domain: other });
    assert.equal(claim.validated, false);
    const e = await apiError(api.auth.validateSSODomain(accounts.a.configId, claim.id));
    assert.equal(e.statusCode, 400, 'no TXT record');

    context.setAccessToken(null);
    assert.equal(await idpOf({ email: `ursula@${other}` }), 'none');
    await save('domains', { ...defaults.domains, bypassDomainCrossValidation: true });
    assert.equal(await idpOf({ email: `ursula@${other}` }), 'A');

    await asAdmin(accounts.a);
    await api.auth.deleteSSODomain(accounts.a.configId, claim.id);
    context.setAccessToken(null);
    assert.equal(await idpOf({ email: `ursula@${other}` }), 'none');
  });
});
