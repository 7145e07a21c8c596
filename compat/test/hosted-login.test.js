// Hosted login with Frontegg's official clients, unchanged:
// - @frontegg/client's HostedLoginClient: GET /vendors/base-url, the
//   authorize URL it builds (requestAuthorize), Hatch's login page, and the
//   code exchange with Basic clientId:apiKey plus the vendor token (codeExchange);
// - @frontegg/rest-api in hosted mode: the code exchange with PKCE from the
//   browser (exchangeOAuthTokens, exchangeOAuthTokensV2), the cookie-based
//   silent refresh (silentOAuthRefreshToken, silentOAuthRefreshTokenV2) and
//   OAuthLogout.
// The login page is driven as a browser without JavaScript would (lib/hosted.js).
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { HATCH_API_KEY, HATCH_CLIENT_ID, HATCH_URL, REFRESH_COOKIE } from '../lib/env.js';
import { createTenant, createUser, decodeJwt, vendorToken } from '../lib/hatch.js';
import { allowRedirect, pkce, signInThroughPage } from '../lib/hosted.js';
import { apiError, openPage } from '../lib/page.js';

process.env.FRONTEGG_API_GATEWAY_URL = HATCH_URL;
process.env.FRONTEGG_CLIENT_ID = HATCH_CLIENT_ID;
process.env.FRONTEGG_API_KEY = HATCH_API_KEY;
process.env.FRONTEGG_AUTHENTICATOR_NUMBER_OF_TRIES ??= '1';
const { HostedLoginClient } = await import('@frontegg/client');
const { api } = await import('@frontegg/rest-api');

// The application's callback: any loopback URL will do, nothing is fetched there.
const REDIRECT = 'http://127.0.0.1:9/callback';

describe('hosted login with Frontegg clients', () => {
  let user;

  before(async () => {
    const token = await vendorToken();
    await allowRedirect(token, REDIRECT);
    const tenantId = await createTenant(token, 'Hosted login account');
    user = await createUser(token, tenantId);
    openPage(); // the cookie jar the page's fetches go through
  });

  it('@frontegg/client HostedLoginClient: requestAuthorize, the login page, codeExchange', async () => {
    const client = new HostedLoginClient(REDIRECT);
    try {
      const authorize = new URL(await client.requestAuthorize({ state: 'node-state' }));
      assert.equal(authorize.origin + authorize.pathname, `${HATCH_URL}/oauth/authorize`);
      assert.equal(authorize.searchParams.get('client_id'), HATCH_CLIENT_ID);

      const back = await signInThroughPage(authorize.href, user.email, user.password);
      assert.equal(back.origin + back.pathname, REDIRECT);
      assert.equal(back.searchParams.get('state'), 'node-state');

      const { user: profile, accessToken, refreshToken } = await client.codeExchange({
        code: back.searchParams.get('code'), state: 'node-state',
      });
      assert.equal(profile.email, user.email);
      assert.equal(profile.sub, user.userId);
      assert.equal(profile.type, 'userToken');
      assert.ok(accessToken && refreshToken);

      // The code is single-use: the SDK surfaces the server's message.
      await assert.rejects(client.codeExchange({ code: back.searchParams.get('code'), state: 'node-state' }), /already used/);
    } finally {
      await client._authenticator?.shutdown?.();
    }
  });

  for (const version of ['V2', '']) {
    it(`@frontegg/rest-api exchangeOAuthTokens${version}, silentOAuthRefreshToken${version}, OAuthLogout`, async () => {
      const { jar } = openPage();
      const { verifier, challenge } = pkce();
      const authorize = `/oauth/authorize?${new URLSearchParams({
        response_type: 'code', client_id: HATCH_CLIENT_ID, redirect_uri: REDIRECT, scope: 'openid email profile',
        state: 'browser-state', nonce: 'n-1', code_challenge: challenge, code_challenge_method: 'S256',
      })}`;
      const back = await signInThroughPage(authorize, user.email, user.password);
      assert.ok(jar.get(REFRESH_COOKIE), 'the login page set the refresh cookie');

      const exchanged = await api.auth[`exchangeOAuthTokens${version}`]({
        grant_type: 'authorization_code', code: back.searchParams.get('code'), redirect_uri: REDIRECT, code_verifier: verifier,
      });
      const exchangedUser = version ? exchanged.user : exchanged;
      assert.equal(exchangedUser.email, user.email);
      assert.equal(decodeJwt(exchangedUser.accessToken).payload.nonce, 'n-1');
      if (version) assert.equal(exchanged.activeTenant.tenantId, user.tenantId);

      const cookieBefore = jar.get(REFRESH_COOKIE).value;
      const refreshed = await api.auth[`silentOAuthRefreshToken${version}`]();
      const refreshedUser = version ? refreshed.user : refreshed;
      assert.equal(refreshedUser.email, user.email);
      assert.notEqual(jar.get(REFRESH_COOKIE).value, cookieBefore, 'silent refresh rotates the cookie');
      assert.equal(decodeJwt(refreshedUser.accessToken).payload.aud, HATCH_CLIENT_ID);

      await api.auth.OAuthLogout({ id_token_hint: refreshedUser.accessToken });
      assert.equal(jar.get(REFRESH_COOKIE), undefined, 'logout clears the cookie');
      const e = await apiError(api.auth[`silentOAuthRefreshToken${version}`]());
      assert.equal(e.statusCode, 401);
    });
  }

});
