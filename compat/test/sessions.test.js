// Session management and IP restrictions through @frontegg/rest-api 7.119.0,
// as the admin portal and login box call them: a user lists their sessions
// (users/sessions/v1/me, me/current), ends one, all others, or all
// (DELETE me/{id}, DELETE me/all, POST revoke) — after which the official
// client's refreshToken fails — and a login from an address the account's IP
// restrictions block fails. The compat server listens on 127.0.0.1, so the
// blocked account blocks 127.0.0.1/32. Accounts, users and the restrictions
// are set up with the vendor token, as a back office would.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { REFRESH_COOKIE } from '../lib/env.js';
import { call, createTenant, createUser, passwordLogin, vendorToken } from '../lib/hatch.js';
import { apiError, openPage, paths, PREFIX } from '../lib/page.js';
import { api, FronteggApiError } from '@frontegg/rest-api';

const { jar, context } = openPage();

// A refresh with the token in the body, as an API client (or another browser) sends it.
const refreshWith = (refreshToken) => call('POST', '/identity/resources/auth/v1/user/token/refresh', { body: { refreshToken } });

describe('sessions and IP restrictions with @frontegg/rest-api', () => {
  let vendor;
  let user; // {userId, email, password, tenantId}

  before(async () => {
    vendor = await vendorToken();
    user = await createUser(vendor, await createTenant(vendor, 'Sessions account'));
  });

  after(() => {
    context.setAccessToken(null);
    context.setUser(null);
    jar.delete(REFRESH_COOKIE);
  });

  it('getCurrentUserSessions / getCurrentUserSession: the user sees their sessions with device and address', async () => {
    const other = await passwordLogin(user.email, user.password); // a second session, elsewhere
    assert.equal(typeof other.refreshToken, 'string');
    await api.auth.login({ email: user.email, password: user.password });

    const calls = jar.mark();
    const sessions = await api.auth.getCurrentUserSessions();
    const current = await api.auth.getCurrentUserSession();
    assert.deepEqual(paths(calls()), [
      'GET /identity/resources/users/sessions/v1/me',
      'GET /identity/resources/users/sessions/v1/me/current',
    ]);
    assert.ok(Array.isArray(sessions) && sessions.length >= 2, `at least two sessions (got ${JSON.stringify(sessions)})`);
    for (const s of sessions) {
      assert.equal(typeof s.id, 'string');
      assert.equal(s.ipAddress, '127.0.0.1');
      assert.equal(typeof s.userAgent, 'string');
      assert.ok(!Number.isNaN(Date.parse(s.createdAt)), 'createdAt is a date');
      assert.ok(Date.parse(s.expires) > Date.now(), 'expires is in the future');
    }
    assert.equal(sessions.filter((s) => s.current).length, 1, 'exactly one session is the current one');
    assert.equal(current.current, true);
    assert.equal(sessions.find((s) => s.current).id, current.id);
  });

  it('deleteSessionForUser ends another session: its refresh token stops working at once', async () => {
    const other = await passwordLogin(user.email, user.password);
    const mine = (await api.auth.getCurrentUserSession()).id;
    // Newest first: the first session that is not this one is the one just opened.
    const target = (await api.auth.getCurrentUserSessions()).find((s) => s.id !== mine);

    await api.auth.deleteSessionForUser(target.id);
    assert.equal((await refreshWith(other.refreshToken)).status, 401, 'the ended session cannot be refreshed');
    const after = (await api.auth.getCurrentUserSessions()).map((s) => s.id);
    assert.ok(!after.includes(target.id), 'the ended session is no longer listed');
    assert.ok(after.includes(mine), 'this session goes on');
    await api.auth.refreshToken(); // and can still refresh
  });

  it('deleteAllSessionsForUser signs out everywhere else, not here', async () => {
    const other = await passwordLogin(user.email, user.password);
    await api.auth.deleteAllSessionsForUser();
    assert.equal((await refreshWith(other.refreshToken)).status, 401, 'the other session is over');
    const sessions = await api.auth.getCurrentUserSessions();
    assert.equal(sessions.length, 1, `only this session is left (got ${sessions.length})`);
    assert.equal(sessions[0].current, true);
    await api.auth.refreshToken();
  });

  it('revokeSessionsForUser ends every session, this one too: refreshToken then fails with 401', async () => {
    await api.auth.refreshToken();
    const cookie = jar.get(REFRESH_COOKIE).value;
    const calls = jar.mark();
    await api.auth.revokeSessionsForUser(user.userId);
    const [revokeCall] = calls();
    assert.equal(`${revokeCall.method} ${revokeCall.path}`, `POST ${PREFIX}/identity/resources/users/sessions/v1/revoke`);
    assert.deepEqual(JSON.parse(revokeCall.body), { userId: user.userId });

    const e = await apiError(api.auth.refreshToken());
    assert.ok(e instanceof FronteggApiError, `FronteggApiError (got ${e})`);
    assert.equal(e.statusCode, 401, 'refresh after the session was revoked is 401');
    // Revoked on the server, not only cleared from the browser.
    jar.set(REFRESH_COOKIE, cookie);
    assert.equal((await apiError(api.auth.refreshToken())).statusCode, 401, 'the revoked refresh token is dead');
    // And the access token of the revoked session is refused at once.
    assert.equal((await apiError(api.auth.getCurrentUserSessions())).statusCode, 401, 'the access token is refused');
    jar.delete(REFRESH_COOKIE);
    context.setAccessToken(null);
  });

  it('login from an address the account blocks fails; other accounts are not affected', async () => {
    const blockedTenant = await createTenant(vendor, 'Blocked account');
    const blocked = await createUser(vendor, blockedTenant);
    const asVendor = { token: vendor, headers: { 'frontegg-tenant-id': blockedTenant } };
    const ipPath = '/identity/resources/configurations/v1/restrictions/ip';
    let res = await call('POST', ipPath, { ...asVendor, body: { ip: '127.0.0.1/32', strategy: 'BLOCK', description: 'compat' } });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.json.ip, '127.0.0.1');
    // Logged in before the block: the session's access token is refused from then on.
    const earlier = await passwordLogin(blocked.email, blocked.password);
    res = await call('POST', `${ipPath}/config`, { ...asVendor, body: { isActive: true, strategy: 'BLOCK' } });
    assert.equal(res.status, 201, res.text);
    res = await call('POST', `${ipPath}/verify`, asVendor);
    assert.deepEqual(res.json, { valid: false }, '"test my IP" reports the block');

    const e = await apiError(api.auth.login({ email: blocked.email, password: blocked.password }));
    assert.ok(e instanceof FronteggApiError, `FronteggApiError (got ${e})`);
    assert.equal(e.statusCode, 403, 'login from a blocked address is 403');
    assert.equal(jar.get(REFRESH_COOKIE), undefined, 'no refresh cookie');
    assert.equal((await refreshWith(earlier.refreshToken)).status, 403, 'refresh from a blocked address is 403');
    res = await call('GET', '/identity/resources/users/sessions/v1/me', { headers: { authorization: `Bearer ${earlier.accessToken}` } });
    assert.equal(res.status, 403, 'an authenticated request from a blocked address is 403');

    // The user of the first account, from the same address, still logs in.
    const ok = await api.auth.login({ email: user.email, password: user.password });
    assert.equal(typeof ok.accessToken, 'string');

    // Turned off, the address gets in again.
    res = await call('POST', `${ipPath}/config`, { ...asVendor, body: { isActive: false } });
    assert.equal(res.status, 201, res.text);
    const again = await passwordLogin(blocked.email, blocked.password);
    assert.equal(typeof again.accessToken, 'string');
  });
});
