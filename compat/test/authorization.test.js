// Roles and permissions in Hatch's access tokens, as @frontegg/client 5.3.2
// checks them: a role bundling a permission is made through the management
// API (permissions/v1, roles/v1, users/v1/{userId}/roles), given to a user,
// and the user's token is then accepted for that role and that permission
// and refused (403) for others. A change to the role reaches the next token.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { HATCH_API_KEY, HATCH_CLIENT_ID, HATCH_URL } from '../lib/env.js';
import { call, createTenant, createUser, decodeJwt, passwordLogin, vendorToken } from '../lib/hatch.js';

process.env.FRONTEGG_API_GATEWAY_URL = HATCH_URL;
process.env.FRONTEGG_CLIENT_ID = HATCH_CLIENT_ID;
process.env.FRONTEGG_API_KEY = HATCH_API_KEY;
process.env.FRONTEGG_AUTHENTICATOR_NUMBER_OF_TRIES ??= '1';
const { IdentityClient, withAuthentication } = await import('@frontegg/client');
const { AuthHeaderType } = await import('@frontegg/client/dist/src/clients/identity/types.js');
// See node-client.test.js: a refused JWT falls through to the x-api-key
// resolver, whose authenticator arms a timer that must be stopped.
const { accessTokenHeaderResolver } = await import('@frontegg/client/dist/src/clients/identity/token-resolvers/index.js');

const identity = () => IdentityClient.getInstance();

async function rejection(promise) {
  try {
    return { resolved: await promise };
  } catch (e) {
    return e;
  }
}

async function ok(what, promise, status = [200, 201]) {
  const res = await promise;
  assert.ok(status.includes(res.status), `${what}: HTTP ${res.status} ${res.text}`);
  return res.json;
}

// Runs withAuthentication({roles, permissions}) with a bearer token and
// reports the status it answered with (undefined: it called next()).
function guard(options, token) {
  return new Promise((resolve) => {
    const req = { header: (name) => (name.toLowerCase() === 'authorization' ? `Bearer ${token}` : undefined) };
    let status;
    const res = { status(code) { status = code; return res; }, send() { return res; } };
    Promise.resolve(withAuthentication(options)(req, res, () => resolve({ status, req })))
      .then(() => resolve({ status, req }));
  });
}

describe('@frontegg/client authorizes Hatch tokens by role and permission', () => {
  const suffix = randomBytes(4).toString('hex');
  const roleKey = `compat-editor-${suffix}`;
  const permissionKey = `compat.documents.write.${suffix}`;
  let token;
  let user;
  let roleId;
  let permissionId;
  let accessToken;

  before(async () => {
    token = await vendorToken();
    const tenantId = await createTenant(token, 'Authorization account');
    user = await createUser(token, tenantId);

    // POST /identity/resources/permissions/v1 (an array) → the permission.
    const [permission] = await ok('create permission', call('POST', '/identity/resources/permissions/v1', {
      token, body: [{ key: permissionKey, name: 'Write documents', description: 'compat test' }],
    }));
    permissionId = permission.id;
    // POST /identity/resources/roles/v1 (an array) → the role, then PUT its permissions.
    const [role] = await ok('create role', call('POST', '/identity/resources/roles/v1', {
      token, body: [{ key: roleKey, name: 'Editor', level: 1 }],
    }));
    roleId = role.id;
    const withPermission = await ok('set role permissions', call('PUT', `/identity/resources/roles/v1/${roleId}/permissions`, {
      token, body: { permissionIds: [permissionId] },
    }));
    assert.deepEqual(withPermission.permissions, [permissionId]);
    // POST /identity/resources/users/v1/{userId}/roles in the user's account.
    const assigned = await ok('assign role', call('POST', `/identity/resources/users/v1/${user.userId}/roles`, {
      token, headers: { 'frontegg-tenant-id': tenantId }, body: { roleIds: [roleId] },
    }));
    assert.ok(assigned.roles.some((r) => r.id === roleId), 'the user holds the role');

    accessToken = (await passwordLogin(user.email, user.password)).accessToken;
  });

  after(async () => {
    await accessTokenHeaderResolver.authenticator.shutdown();
  });

  it('puts the role and permission keys in the access token', () => {
    const { payload } = decodeJwt(accessToken);
    assert.ok(payload.roles.includes(roleKey), `roles ${JSON.stringify(payload.roles)}`);
    assert.ok(payload.permissions.includes(permissionKey), `permissions ${JSON.stringify(payload.permissions)}`);
  });

  it('validateIdentityOnToken accepts the token for the role and for the permission', async () => {
    const byRole = await identity().validateIdentityOnToken(accessToken, { roles: [roleKey] });
    assert.equal(byRole.sub, user.userId);
    const byPermission = await identity().validateIdentityOnToken(accessToken, { permissions: [permissionKey] });
    assert.equal(byPermission.sub, user.userId);
    // Any-of: one matching role among several is enough.
    await identity().validateIdentityOnToken(accessToken, { roles: ['someone-else', roleKey] });
  });

  it('refuses with 403 a role or permission the user does not hold', async () => {
    let e = await rejection(identity().validateToken(accessToken, { roles: [`absent-role-${suffix}`] }, AuthHeaderType.JWT));
    assert.equal(e.statusCode, 403, `role refused with 403 (got ${JSON.stringify(e)})`);
    e = await rejection(identity().validateToken(accessToken, { permissions: ['compat.documents.delete'] }, AuthHeaderType.JWT));
    assert.equal(e.statusCode, 403, `permission refused with 403 (got ${JSON.stringify(e)})`);
    // validateIdentityOnToken also refuses; after the JWT check fails it tries
    // the x-api-key resolver, whose error (not the 403) is the one it throws.
    e = await rejection(identity().validateIdentityOnToken(accessToken, { roles: [`absent-role-${suffix}`] }));
    assert.equal(e.resolved, undefined, 'refused');
  });

  it('withAuthentication() lets the holder through and answers 403 to others', async () => {
    assert.equal((await guard({ roles: [roleKey] }, accessToken)).status, undefined);
    assert.equal((await guard({ permissions: [permissionKey] }, accessToken)).status, undefined);
    assert.equal((await guard({ roles: [`absent-role-${suffix}`] }, accessToken)).status, 403);
    assert.equal((await guard({ permissions: ['compat.documents.delete'] }, accessToken)).status, 403);
  });

  it("takes a permission away from the role: the next token lacks it", async () => {
    await ok('clear role permissions', call('PUT', `/identity/resources/roles/v1/${roleId}/permissions`, {
      token, body: { permissionIds: [] },
    }));
    const next = (await passwordLogin(user.email, user.password)).accessToken;
    await identity().validateIdentityOnToken(next, { roles: [roleKey] });
    const e = await rejection(identity().validateToken(next, { permissions: [permissionKey] }, AuthHeaderType.JWT));
    assert.equal(e.statusCode, 403, `permission refused once taken away (got ${JSON.stringify(e)})`);
  });
});
