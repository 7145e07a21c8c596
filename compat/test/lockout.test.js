// Lockout through @frontegg/rest-api 7.119.0: an account's lockout policy
// (set with the vendor token and frontegg-tenant-id, as a back office or
// Terraform would) locks a user after maxAttempts failed logins, and the
// browser client cannot tell a locked account from a wrong password — not
// even when the right password is given.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { HATCH_URL } from '../lib/env.js';
import { installCookieJar, installWindow } from '../lib/browser.js';
import { call, createTenant, createUser, uniqueEmail, vendorToken } from '../lib/hatch.js';
import { api, ContextHolder, FronteggApiError } from '@frontegg/rest-api';

installWindow(`${HATCH_URL}/`);
installCookieJar(`${HATCH_URL}/`);
const context = ContextHolder.default();
context.setContext({ baseUrl: HATCH_URL, logLevel: 'error' });

const LOCKOUT_POLICY = '/identity/resources/configurations/v1/lockout-policy';
const MAX_ATTEMPTS = 3;

async function loginError(body) {
  try {
    await api.auth.login(body);
  } catch (e) {
    assert.ok(e instanceof FronteggApiError, `FronteggApiError (got ${e})`);
    return { statusCode: e.statusCode, message: e.message, errors: e.errors };
  }
  assert.fail(`login of ${body.email} succeeded, want it refused`);
}

describe('lockout with @frontegg/rest-api', () => {
  let user; // {userId, email, password, tenantId}

  before(async () => {
    const vendor = await vendorToken();
    const tenantId = await createTenant(vendor, 'Lockout account');
    user = await createUser(vendor, tenantId);
    // POST lockout-policy {enabled, maxAttempts} with frontegg-tenant-id -> 201 {id, enabled, maxAttempts, createdAt, updatedAt}
    const res = await call('POST', LOCKOUT_POLICY, {
      token: vendor,
      headers: { 'frontegg-tenant-id': tenantId },
      body: { enabled: true, maxAttempts: MAX_ATTEMPTS },
    });
    assert.equal(res.status, 201, `create the account's lockout policy: ${res.text}`);
    assert.equal(res.json.enabled, true);
    assert.equal(res.json.maxAttempts, MAX_ATTEMPTS);
  });

  after(() => {
    context.setAccessToken(null);
    context.setUser(null);
  });

  it('the right password works before any failure', async () => {
    const result = await api.auth.login({ email: user.email, password: user.password });
    assert.equal(typeof result.accessToken, 'string');
    context.setAccessToken(null);
    context.setUser(null);
  });

  it(`${MAX_ATTEMPTS} wrong passwords fail the same way, then the right one fails that way too`, async () => {
    context.setAccessToken(null);
    context.setUser(null);
    const unknown = await loginError({ email: uniqueEmail('nobody'), password: 'Wrong-password-1' });
    assert.equal(unknown.statusCode, 401);
    assert.ok(Array.isArray(unknown.errors) && unknown.errors.length > 0, 'body has errors: string[]');

    for (let i = 0; i < MAX_ATTEMPTS; i++) {
      const e = await loginError({ email: user.email, password: `${user.password}-wrong-${i}` });
      assert.deepEqual(e, unknown, `failure ${i + 1} looks like an unknown user's`);
    }
    // Locked now: the right password is refused exactly like a wrong one.
    const locked = await loginError({ email: user.email, password: user.password });
    assert.deepEqual(locked, unknown, 'a locked account is refused like a wrong password');
    const wrongAfter = await loginError({ email: user.email, password: `${user.password}-wrong-again` });
    assert.deepEqual(wrongAfter, unknown, 'a wrong password after the lock is refused the same way');
    assert.ok(!context.getAccessToken(), 'no failed login gave the client a token');
  });
});
