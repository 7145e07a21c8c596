// @frontegg/client 5.3.2 against Hatch's machine credentials:
// - client-credential tokens (account and personal), exchanged at
//   POST /identity/resources/auth/v2/api-token for tenantApiToken / userApiToken
//   JWTs that the SDK verifies locally when sent as Authorization: Bearer;
// - access tokens (account and personal), JWTs sent as x-api-key, which the SDK
//   checks against GET /identity/resources/vendor-only/{tenants|users}/access-tokens/v1/active
//   and resolves through …/v1/{id} with the vendor token.
// Setup goes through the vendor API: accounts and users (tenants and users
// routes), then the tokens (frontegg-tenant-id / frontegg-user-id headers).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { HATCH_API_KEY, HATCH_CLIENT_ID, HATCH_URL } from '../lib/env.js';
import { call, configure, createTenant, createUser, decodeJwt, vendorToken } from '../lib/hatch.js';
import { rejection, runMiddleware } from '../lib/middleware.js';

// The SDK reads its URLs from the environment when it is first loaded.
process.env.FRONTEGG_API_GATEWAY_URL = HATCH_URL;
process.env.FRONTEGG_CLIENT_ID = HATCH_CLIENT_ID;
process.env.FRONTEGG_API_KEY = HATCH_API_KEY;
process.env.FRONTEGG_AUTHENTICATOR_NUMBER_OF_TRIES ??= '1';
const { IdentityClient, withAuthentication } = await import('@frontegg/client');
// The x-api-key resolver logs in with its own authenticator and arms a refresh
// timer that is never cleared; stop it so this process can exit.
const { accessTokenHeaderResolver } = await import('@frontegg/client/dist/src/clients/identity/token-resolvers/index.js');

const identity = () => IdentityClient.getInstance();

async function must(what, promise, status) {
  const res = await promise;
  if (status ? res.status !== status : res.status < 200 || res.status > 299) {
    throw new Error(`${what}: HTTP ${res.status} ${res.text}`);
  }
  return res.json;
}

// Runs fn with this process's clock moved to `seconds` (unix) — jsonwebtoken checks exp against Date.now().
async function at(seconds, fn) {
  await identity().getPublicKey();
  const realNow = Date.now;
  const skew = seconds * 1000 - realNow();
  Date.now = () => realNow() + skew;
  try {
    return await fn();
  } finally {
    Date.now = realNow;
  }
}

const authPath = '/identity/resources/auth/v2/api-token';

describe('@frontegg/client with Hatch API tokens', () => {
  let vendor;
  let tenantId;
  let user;
  const tok = {}; // name -> creation response
  const jwt = {}; // name -> authentication response

  before(async () => {
    vendor = await vendorToken();
    tenantId = await createTenant(vendor, 'API tokens account');
    user = await createUser(vendor, tenantId);
    const as = (path, body, withUser = true) => must(`POST ${path}`, call('POST', path, {
      token: vendor,
      headers: { 'frontegg-tenant-id': tenantId, ...(withUser ? { 'frontegg-user-id': user.userId } : {}) },
      body,
    }), 201);
    const del = (path) => must(`DELETE ${path}`, call('DELETE', path, {
      token: vendor,
      headers: { 'frontegg-tenant-id': tenantId, 'frontegg-user-id': user.userId },
    }), 200);

    tok.tenantApi = await as('/identity/resources/tenants/api-tokens/v2', { description: 'compat', metadata: { service: 'compat' } });
    tok.userApi = await as('/identity/resources/users/api-tokens/v1', { description: 'compat laptop' });
    tok.deletedApi = await as('/identity/resources/tenants/api-tokens/v2', { description: 'to delete' });
    tok.tenantAccess = await as('/identity/resources/tenants/access-tokens/v1', { description: 'compat cron' });
    tok.userAccess = await as('/identity/resources/users/access-tokens/v1', { description: 'compat cli' });
    tok.expiringAccess = await as('/identity/resources/tenants/access-tokens/v1', { description: 'short', expiresInMinutes: 1 });
    // Deleted before the SDK first fetches the active lists (it caches them for 10 s).
    tok.deletedTenantAccess = await as('/identity/resources/tenants/access-tokens/v1', { description: 'to delete' });
    tok.deletedUserAccess = await as('/identity/resources/users/access-tokens/v1', { description: 'to delete' });

    for (const name of ['tenantApi', 'userApi', 'deletedApi']) {
      jwt[name] = await must(`authenticate ${name}`, call('POST', authPath, { body: { clientId: tok[name].clientId, secret: tok[name].secret } }));
    }
    await del(`/identity/resources/tenants/api-tokens/v1/${tok.deletedApi.clientId}`);
    await del(`/identity/resources/tenants/access-tokens/v1/${tok.deletedTenantAccess.id}`);
    await del(`/identity/resources/users/access-tokens/v1/${tok.deletedUserAccess.id}`);
  });

  after(async () => {
    await accessTokenHeaderResolver.authenticator.shutdown();
  });

  it('client-credential authentication answers {access_token, refresh_token, expires_in, expires}', () => {
    const res = jwt.tenantApi;
    assert.equal(typeof res.access_token, 'string');
    assert.equal(typeof res.refresh_token, 'string');
    assert.equal(typeof res.expires_in, 'number');
    assert.ok(res.expires_in > 0);
    assert.equal(typeof res.expires, 'string');
    assert.equal(decodeJwt(res.access_token).header.alg, 'RS256');
  });

  it('validateIdentityOnToken and withAuthentication accept a tenantApiToken (Authorization: Bearer)', async () => {
    const entity = await identity().validateIdentityOnToken(jwt.tenantApi.access_token);
    assert.equal(entity.type, 'tenantApiToken');
    assert.equal(entity.sub, tok.tenantApi.clientId);
    assert.equal(entity.tenantId, tenantId);
    assert.equal(entity.createdByUserId, user.userId);
    assert.deepEqual(entity.metadata, { service: 'compat' });
    assert.ok(Array.isArray(entity.roles) && Array.isArray(entity.permissions), 'roles and permissions are arrays');
    const outcome = await runMiddleware(withAuthentication(), { authorization: `Bearer ${jwt.tenantApi.access_token}` });
    assert.equal(outcome.status, undefined, `no error response (got ${outcome.status} ${outcome.sent})`);
    assert.deepEqual(outcome.nextArgs, []);
    assert.equal(outcome.req.frontegg.user.type, 'tenantApiToken');
  });

  it('validateIdentityOnToken and withAuthentication accept a userApiToken and take createdByUserId as the user', async () => {
    const entity = await identity().validateIdentityOnToken(`Bearer ${jwt.userApi.access_token}`);
    assert.equal(entity.type, 'userApiToken');
    assert.equal(entity.sub, tok.userApi.clientId);
    assert.equal(entity.userId, user.userId);
    assert.equal(entity.email, user.email);
    assert.equal(typeof entity.userMetadata, 'object');
    const outcome = await runMiddleware(withAuthentication(), { authorization: `Bearer ${jwt.userApi.access_token}` });
    assert.deepEqual(outcome.nextArgs, [], `no error (got ${outcome.status} ${outcome.sent})`);
    assert.equal(outcome.req.frontegg.user.id, user.userId);
  });

  it('a refreshed API token JWT is accepted, and the spent refresh token is refused', async () => {
    const next = await must('refresh', call('POST', `${authPath}/token/refresh`, { body: { refreshToken: jwt.userApi.refresh_token } }));
    assert.notEqual(next.refresh_token, jwt.userApi.refresh_token);
    const entity = await identity().validateIdentityOnToken(next.access_token);
    assert.equal(entity.sub, tok.userApi.clientId);
    const again = await call('POST', `${authPath}/token/refresh`, { body: { refreshToken: jwt.userApi.refresh_token } });
    assert.equal(again.status, 401, again.text);
  });

  it('withAuthentication accepts a tenantAccessToken as x-api-key and resolves its roles', async () => {
    assert.equal(decodeJwt(tok.tenantAccess.secret).payload.type, 'tenantAccessToken');
    const outcome = await runMiddleware(withAuthentication(), { 'x-api-key': tok.tenantAccess.secret });
    assert.deepEqual(outcome.nextArgs, [], `no error (got ${outcome.status} ${outcome.sent})`);
    assert.equal(outcome.req.frontegg.user.sub, tok.tenantAccess.id);
    assert.equal(outcome.req.frontegg.user.tenantId, tenantId);
    const entity = await identity().validateToken(tok.tenantAccess.secret, { withRolesAndPermissions: true }, 'AccessToken');
    assert.ok(Array.isArray(entity.roles) && Array.isArray(entity.permissions), 'roles and permissions from the vendor-only route');
  });

  it('withAuthentication accepts a userAccessToken as x-api-key and sets req.frontegg.user.id = userId', async () => {
    const outcome = await runMiddleware(withAuthentication(), { 'x-api-key': tok.userAccess.secret });
    assert.deepEqual(outcome.nextArgs, [], `no error (got ${outcome.status} ${outcome.sent})`);
    assert.equal(outcome.req.frontegg.user.type, 'userAccessToken');
    assert.equal(outcome.req.frontegg.user.id, user.userId);
  });

  it('rejects deleted access tokens (x-api-key)', async () => {
    for (const name of ['deletedTenantAccess', 'deletedUserAccess']) {
      const outcome = await runMiddleware(withAuthentication(), { 'x-api-key': tok[name].secret });
      assert.equal(outcome.status, 401, `${name}: rejected with 401 (got ${outcome.status})`);
    }
  });

  it('a deleted client-credential token no longer authenticates, refreshes or calls Hatch', async () => {
    // The SDK verifies API-token JWTs locally and cannot know of the deletion;
    // Hatch refuses the credentials, the refresh token and the JWT itself.
    const auth = await call('POST', authPath, { body: { clientId: tok.deletedApi.clientId, secret: tok.deletedApi.secret } });
    assert.equal(auth.status, 401, auth.text);
    const refresh = await call('POST', `${authPath}/token/refresh`, { body: { refreshToken: jwt.deletedApi.refresh_token } });
    assert.equal(refresh.status, 401, refresh.text);
    const own = await call('GET', '/identity/resources/tenants/api-tokens/v1', { headers: { authorization: `Bearer ${jwt.deletedApi.access_token}` } });
    assert.equal(own.status, 401, own.text);
    const live = await call('GET', '/identity/resources/tenants/api-tokens/v1', { headers: { authorization: `Bearer ${jwt.tenantApi.access_token}` } });
    assert.equal(live.status, 403, `a live token without permissions is forbidden, not unauthenticated: ${live.text}`);
  });

  it('rejects expired tokens', async () => {
    const { payload } = decodeJwt(jwt.tenantApi.access_token);
    let e = await at(payload.exp + 5, () => rejection(identity().validateIdentityOnToken(jwt.tenantApi.access_token)));
    assert.equal(e.statusCode, 401, `expired tenantApiToken rejected with 401 (got ${JSON.stringify(e)})`);
    const access = decodeJwt(tok.expiringAccess.secret).payload;
    assert.equal(typeof access.exp, 'number', 'an expiring access token has exp');
    assert.equal(decodeJwt(tok.tenantAccess.secret).payload.exp, undefined, 'a never-expiring access token has no exp');
    e = await at(access.exp + 5, () => runMiddleware(withAuthentication(), { 'x-api-key': tok.expiringAccess.secret }));
    assert.equal(e.status, 401, `expired access token rejected with 401 (got ${e.status})`);
  });

  it('rejects the wrong type on each header', async () => {
    let outcome = await runMiddleware(withAuthentication(), { authorization: `Bearer ${tok.tenantAccess.secret}` });
    assert.equal(outcome.status, 400, `access token as Bearer: 400 Invalid token type (got ${outcome.status})`);
    outcome = await runMiddleware(withAuthentication(), { 'x-api-key': jwt.tenantApi.access_token });
    assert.equal(outcome.status, 400, `API token JWT as x-api-key: 400 Invalid token type (got ${outcome.status})`);
    const e = await rejection(identity().validateToken(jwt.userApi.access_token, {}, 'AccessToken'));
    assert.equal(e.statusCode, 400, `userApiToken through the access-token resolver (got ${JSON.stringify(e)})`);
  });

  it('answers 403 "Api tokens are disabled" on the vendor-only routes when the environment turns them off', async () => {
    await configure(vendor, { apiTokensEnabled: false });
    try {
      for (const path of ['/identity/resources/vendor-only/tenants/access-tokens/v1/active',
        `/identity/resources/vendor-only/users/access-tokens/v1/${tok.userAccess.id}`]) {
        const res = await call('GET', path, { token: vendor });
        assert.equal(res.status, 403, res.text);
        assert.equal(res.json?.errors?.[0], 'Api tokens are disabled');
      }
      const auth = await call('POST', authPath, { body: { clientId: tok.tenantApi.clientId, secret: tok.tenantApi.secret } });
      assert.equal(auth.status, 403, auth.text);
    } finally {
      await configure(vendor, { apiTokensEnabled: true });
    }
  });
});
