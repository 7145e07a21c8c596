// @frontegg/rest-api 7.119.0 (the browser client under Frontegg's React/Angular/
// Vue/vanilla SDKs) against Hatch, as a page would run it: baseUrl is Hatch,
// the default `/frontegg` URL prefix stays, the refresh token lives in an
// HttpOnly cookie (lib/browser.js gives Node a cookie jar for that).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { REFRESH_COOKIE } from '../lib/env.js';
import {
  addUserToTenant, configure, createTenant, createUser, decodeJwt, sleep, strongPassword, tamper, uniqueEmail, vendorToken,
} from '../lib/hatch.js';
import { apiError, openPage, paths, PREFIX } from '../lib/page.js';
import { api, FronteggApiError } from '@frontegg/rest-api';

const { jar, context } = openPage();

describe('@frontegg/rest-api with Hatch', () => {
  let vendor;
  let user; // {userId, email, password, tenantId}
  let secondTenantId;

  before(async () => {
    vendor = await vendorToken();
    const tenantId = await createTenant(vendor, 'Browser account A');
    secondTenantId = await createTenant(vendor, 'Browser account B');
    user = await createUser(vendor, tenantId);
    await addUserToTenant(vendor, user.userId, secondTenantId);
  });

  after(() => {
    context.setAccessToken(null);
    context.setUser(null);
  });

  it('login refuses a wrong password with a Frontegg error body', async () => {
    const e = await apiError(api.auth.login({ email: user.email, password: `${user.password}x` }));
    assert.ok(e instanceof FronteggApiError, `FronteggApiError (got ${e})`);
    assert.equal(e.statusCode, 401);
    assert.ok(Array.isArray(e.errors) && e.errors.length > 0, 'body has errors: string[]');
    assert.equal(jar.get(REFRESH_COOKIE), undefined, 'no refresh cookie after a failed login');
  });

  it('login: POST auth/v1/user, then GET users/v2/me, merged into one user', async () => {
    const calls = jar.mark();
    const result = await api.auth.login({ email: user.email, password: user.password });
    assert.deepEqual(paths(calls()), [
      'POST /identity/resources/auth/v1/user',
      'GET /identity/resources/users/v2/me',
    ]);
    const [loginCall, meCall] = calls();
    assert.deepEqual(JSON.parse(loginCall.body), { email: user.email, password: user.password });
    assert.equal(meCall.headers.get('authorization'), `Bearer ${result.accessToken}`);

    assert.equal(result.mfaRequired, false);
    assert.equal(typeof result.accessToken, 'string');
    assert.equal(typeof result.expiresIn, 'number');
    assert.equal(result.email, user.email);
    assert.equal(result.id, user.userId);
    assert.equal(result.sub, user.userId);
    assert.equal(result.tenantId, user.tenantId);
    assert.ok(result.tenantIds.includes(user.tenantId) && result.tenantIds.includes(secondTenantId), 'tenantIds has both accounts');
    assert.equal(decodeJwt(result.accessToken).payload.tenantId, user.tenantId);
    assert.equal(context.getAccessToken(), result.accessToken, 'client keeps the access token for later calls');

    const cookie = jar.get(REFRESH_COOKIE);
    assert.ok(cookie, `Set-Cookie ${REFRESH_COOKIE}`);
    assert.equal(cookie.attributes.httponly, true, 'refresh cookie is HttpOnly');
    assert.ok(cookie.value.length >= 40, 'refresh token is long and random');
  });

  it('loginv2: also GET users/v3/me/tenants, giving tenants and activeTenant', async () => {
    const calls = jar.mark();
    const { user: me, tenants, activeTenant } = await api.auth.loginv2({ email: user.email, password: user.password });
    assert.deepEqual(paths(calls()).sort(), [
      'GET /identity/resources/users/v2/me',
      'GET /identity/resources/users/v3/me/tenants',
      'POST /identity/resources/auth/v1/user',
    ]);
    assert.equal(me.email, user.email);
    assert.equal(me.tenantId, user.tenantId);
    assert.deepEqual(tenants.map((t) => t.tenantId).sort(), [user.tenantId, secondTenantId].sort());
    assert.equal(activeTenant.tenantId, user.tenantId);
    for (const t of tenants) assert.equal(typeof t.name, 'string');
  });

  it('refreshToken: cookie-based POST auth/v1/user/token/refresh rotates the cookie', async () => {
    const before = jar.get(REFRESH_COOKIE).value;
    const oldAccessToken = context.getAccessToken();
    await sleep(1100); // a new iat, so a new token differs even with identical claims
    const calls = jar.mark();
    const result = await api.auth.refreshToken();
    const [refreshCall] = calls();
    assert.equal(`${refreshCall.method} ${refreshCall.path}`, `POST ${PREFIX}/identity/resources/auth/v1/user/token/refresh`);
    assert.deepEqual(JSON.parse(refreshCall.body), { tenantId: null }, 'the client sends {tenantId: null}');
    assert.ok((refreshCall.headers.get('cookie') ?? '').split('; ').includes(`${REFRESH_COOKIE}=${before}`), 'the cookie went along');

    assert.equal(typeof result.accessToken, 'string');
    assert.notEqual(result.accessToken, oldAccessToken, 'a new access token');
    assert.equal(result.email, user.email);
    assert.equal(result.tenantId, user.tenantId);
    const after = jar.get(REFRESH_COOKIE);
    assert.ok(after, 'refresh cookie still set');
    assert.notEqual(after.value, before, 'refresh cookie rotated');
  });

  it('refresh still works when the stored access token is expired or garbage (it is sent as Bearer)', async () => {
    context.setAccessToken(tamper(context.getAccessToken(), { exp: 1 }));
    const result = await api.auth.refreshToken();
    assert.equal(result.email, user.email);
    context.setAccessToken(null); // a fresh page load: no access token at all
    const { user: me, activeTenant } = await api.auth.refreshTokenV3();
    assert.equal(me.email, user.email);
    assert.equal(activeTenant.tenantId, user.tenantId);
  });

  it('forgotPassword: POST users/v1/passwords/reset resolves, for unknown emails too', async () => {
    await api.auth.forgotPassword({ email: user.email });
    // Same answer when no such account exists, so the call reveals nothing.
    await api.auth.forgotPassword({ email: uniqueEmail('nobody') });
  });

  it('switchTenant: PUT users/v1/tenant, then refresh carries the new tenantId', async () => {
    const calls = jar.mark();
    await api.tenants.switchTenant({ tenantId: secondTenantId });
    const [switchCall] = calls();
    assert.equal(`${switchCall.method} ${switchCall.path}`, `PUT ${PREFIX}/identity/resources/users/v1/tenant`);
    assert.deepEqual(JSON.parse(switchCall.body), { tenantId: secondTenantId });

    const result = await api.auth.refreshToken();
    assert.equal(decodeJwt(result.accessToken).payload.tenantId, secondTenantId, 'the new token is for account B');
    assert.equal(result.tenantId, secondTenantId, 'users/v2/me reports account B');
    const { activeTenant } = await api.auth.refreshTokenV3();
    assert.equal(activeTenant.tenantId, secondTenantId);
  });

  it('logout: POST auth/v1/logout ends the session; refresh then fails', async () => {
    const cookie = jar.get(REFRESH_COOKIE).value;
    const calls = jar.mark();
    await api.auth.logout();
    const [logoutCall] = calls();
    assert.equal(`${logoutCall.method} ${logoutCall.path}`, `POST ${PREFIX}/identity/resources/auth/v1/logout`);
    assert.ok(logoutCall.status < 300, `logout answered ${logoutCall.status}`);
    assert.equal(jar.get(REFRESH_COOKIE), undefined, 'logout clears the refresh cookie (Set-Cookie with Max-Age=0 or a past Expires)');

    const e = await apiError(api.auth.refreshToken());
    assert.equal(e.statusCode, 401, 'refresh after logout is 401');
    // Revoked on the server, not only cleared from the browser:
    jar.set(REFRESH_COOKIE, cookie);
    const replay = await apiError(api.auth.refreshToken());
    assert.equal(replay.statusCode, 401, 'the logged-out refresh token is dead');
    jar.delete(REFRESH_COOKIE);
  });

  it('reusing a rotated refresh token fails and ends that session', async () => {
    await api.auth.login({ email: user.email, password: user.password });
    const first = jar.get(REFRESH_COOKIE).value;
    await api.auth.refreshToken();
    const second = jar.get(REFRESH_COOKIE).value;
    assert.notEqual(second, first);
    jar.set(REFRESH_COOKIE, first);
    assert.equal((await apiError(api.auth.refreshToken())).statusCode, 401, 'the rotated-out token is refused');
    jar.set(REFRESH_COOKIE, second);
    assert.equal((await apiError(api.auth.refreshToken())).statusCode, 401, 'reuse revoked the whole family (DESIGN §4)');
    jar.delete(REFRESH_COOKIE);
  });

  it('signUpUser: refused while sign-ups are off, works once allowSignups is on', async () => {
    const email = uniqueEmail('signup');
    const body = { email, password: strongPassword(), name: 'Signed Up', companyName: 'Compat Signup Co' };

    await configure(vendor, { allowSignups: false });
    assert.equal((await api.auth.getVendorConfig()).allowSignups, false, 'public config shows allowSignups: false');
    const refused = await apiError(api.auth.signUpUser(body));
    assert.ok(refused.statusCode >= 400 && refused.statusCode < 500, `4xx (got ${refused.statusCode})`);

    await configure(vendor, { allowSignups: true });
    assert.equal((await api.auth.getVendorConfig()).allowSignups, true, 'public config shows allowSignups: true');
    const result = await api.auth.signUpUser(body);
    assert.equal(typeof result.shouldActivate, 'boolean');
    assert.equal(typeof result.userId, 'string');
    assert.equal(typeof result.tenantId, 'string');
    if (result.shouldActivate) {
      assert.equal(result.user, undefined);
    } else {
      // authResponse came back: the client logged the new user in (users/v2/me + users/v3/me/tenants).
      assert.equal(result.user.email, email);
      assert.equal(result.user.tenantId, result.tenantId);
      assert.ok(result.tenants.some((t) => t.tenantId === result.tenantId));
      assert.ok(jar.get(REFRESH_COOKIE), 'signed-up user got a refresh cookie');
    }
  });
});
