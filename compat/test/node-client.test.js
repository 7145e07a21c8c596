// @frontegg/client 5.3.2 (the Node backend SDK) against Hatch: the SDK logs in
// with the environment credentials (POST /auth/vendor), reads the RS256 public
// key (GET /identity/resources/configurations/v1, x-access-token, `publicKey`)
// and verifies user access tokens locally.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
import { HATCH_API_KEY, HATCH_CLIENT_ID, HATCH_URL } from '../lib/env.js';
import {
  call, createTenant, createUser, decodeJwt, foreignRSAKey, passwordLogin, signRS256, tamper, vendorLogin, vendorToken,
} from '../lib/hatch.js';
import { rejection, runMiddleware } from '../lib/middleware.js';

// The SDK reads its URLs from the environment when it is first loaded, so set
// them before importing it.
process.env.FRONTEGG_API_GATEWAY_URL = HATCH_URL;
process.env.FRONTEGG_CLIENT_ID = HATCH_CLIENT_ID;
process.env.FRONTEGG_API_KEY = HATCH_API_KEY;
// One try instead of three with 0.5–5 s pauses, so an unreachable server fails fast.
process.env.FRONTEGG_AUTHENTICATOR_NUMBER_OF_TRIES ??= '1';
const { FronteggAuthenticator, IdentityClient, withAuthentication } = await import('@frontegg/client');
// A rejected JWT makes validateIdentityOnToken fall through to the x-api-key
// resolver, whose own authenticator logs in and arms a refresh timer that is
// never cleared; stop it so this process can exit.
const { accessTokenHeaderResolver } = await import('@frontegg/client/dist/src/clients/identity/token-resolvers/index.js');

const identity = () => IdentityClient.getInstance();

describe('@frontegg/client with Hatch', () => {
  let user;
  let accessToken;

  before(async () => {
    const token = await vendorToken();
    const tenantId = await createTenant(token, 'Node SDK account');
    user = await createUser(token, tenantId);
    const login = await passwordLogin(user.email, user.password);
    accessToken = login.accessToken;
    assert.equal(typeof accessToken, 'string', 'login response has an accessToken');
  });

  after(async () => {
    await accessTokenHeaderResolver.authenticator.shutdown();
  });

  it('authenticates with the environment credentials (POST /auth/vendor)', async () => {
    const authenticator = new FronteggAuthenticator();
    try {
      await authenticator.init(HATCH_CLIENT_ID, HATCH_API_KEY);
      assert.ok(authenticator.accessToken, 'vendor token received');
      // The SDK refreshes at 80% of expiresIn; without a numeric expiresIn its timer spins.
      assert.ok(authenticator.accessTokenExpiry > Date.now(), 'expiresIn is a positive number of seconds');
    } finally {
      await authenticator.shutdown();
    }
    const body = await vendorLogin();
    assert.equal(typeof body.token, 'string');
    assert.equal(typeof body.expiresIn, 'number');
    assert.ok(body.expiresIn > 0);
  });

  it('refuses a wrong API key', async () => {
    const authenticator = new FronteggAuthenticator();
    try {
      await assert.rejects(authenticator.init(HATCH_CLIENT_ID, `${HATCH_API_KEY}x`), /Failed to authenticate with Frontegg/);
    } finally {
      await authenticator.shutdown();
    }
  });

  it('serves the public key the SDK reads (GET /identity/resources/configurations/v1, x-access-token)', async () => {
    const res = await call('GET', '/identity/resources/configurations/v1', { token: await vendorToken() });
    assert.equal(res.status, 200, res.text);
    const key = createPublicKey(res.json.publicKey);
    assert.equal(key.asymmetricKeyType, 'rsa');
    assert.ok(key.asymmetricKeyDetails.modulusLength >= 2048, 'RSA key of at least 2048 bits');
    assert.equal(await identity().getPublicKey(), res.json.publicKey, 'the SDK fetched the same key');
  });

  it('validateIdentityOnToken accepts a Hatch user access token', async () => {
    const entity = await identity().validateIdentityOnToken(accessToken);
    assert.equal(entity.type, 'userToken');
    assert.equal(entity.sub, user.userId);
    assert.equal(entity.tenantId, user.tenantId);
    assert.equal(entity.email, user.email);
    assert.ok(Array.isArray(entity.tenantIds) && entity.tenantIds.includes(user.tenantId), 'tenantIds lists the account');
    assert.ok(Array.isArray(entity.roles), 'roles is an array');
    assert.ok(Array.isArray(entity.permissions), 'permissions is an array');
    assert.equal(typeof entity.exp, 'number');
    assert.equal(typeof entity.iat, 'number');
    assert.equal(decodeJwt(accessToken).header.alg, 'RS256');
    // The middleware strips "Bearer " itself; so does validateIdentityOnToken.
    const again = await identity().validateIdentityOnToken(`Bearer ${accessToken}`);
    assert.equal(again.sub, user.userId);
  });

  it('withAuthentication() lets the request through and sets req.frontegg.user.id = sub', async () => {
    const outcome = await runMiddleware(withAuthentication(), { authorization: `Bearer ${accessToken}` });
    assert.equal(outcome.status, undefined, `no error response (got ${outcome.status} ${outcome.sent})`);
    assert.deepEqual(outcome.nextArgs, []);
    assert.equal(outcome.req.frontegg.user.id, user.userId);
  });

  it('validateIdentityOnToken rejects a tampered token', async () => {
    const forged = tamper(accessToken, { tenantId: 'someone-elses-account' });
    const e = await rejection(identity().validateIdentityOnToken(forged));
    assert.equal(e.statusCode, 401, `rejected with 401 (got ${JSON.stringify(e)})`);
    const outcome = await runMiddleware(withAuthentication(), { authorization: `Bearer ${forged}` });
    assert.equal(outcome.status, 401);
  });

  it('validateIdentityOnToken rejects the token once it has expired', async () => {
    const { payload } = decodeJwt(accessToken);
    assert.equal(typeof payload.exp, 'number', 'exp is a number (seconds)');
    assert.ok(payload.exp > Date.now() / 1000, 'exp is in the future at issue');
    assert.ok(payload.exp > payload.iat, 'exp is after iat');
    // The SDK checks exp against Date.now() (jsonwebtoken, no clock tolerance).
    // Move this process's clock past exp instead of waiting the token's lifetime.
    await identity().getPublicKey();
    const realNow = Date.now;
    const skew = (payload.exp + 5) * 1000 - realNow();
    Date.now = () => realNow() + skew;
    let e;
    try {
      e = await rejection(identity().validateIdentityOnToken(accessToken));
    } finally {
      Date.now = realNow;
    }
    assert.equal(e.statusCode, 401, `rejected with 401 (got ${JSON.stringify(e)})`);
  });

  it('validateIdentityOnToken rejects the same claims signed by a foreign key', async () => {
    const { header, payload } = decodeJwt(accessToken);
    const forged = signRS256(header, payload, foreignRSAKey());
    const e = await rejection(identity().validateIdentityOnToken(forged));
    assert.equal(e.statusCode, 401, `rejected with 401 (got ${JSON.stringify(e)})`);
  });
});
