// Test setup through Hatch's management API with the environment (vendor)
// token, the way a customer's back office or Terraform would call it, plus
// small JWT helpers. Plain fetch, never the cookie jar (credentials: 'omit').
import { generateKeyPairSync, randomBytes, randomUUID, sign } from 'node:crypto';
import { HATCH_API_KEY, HATCH_CLIENT_ID, HATCH_URL } from './env.js';

export async function call(method, path, { token, headers = {}, body } = {}) {
  const response = await fetch(HATCH_URL + path, {
    method,
    credentials: 'omit',
    headers: {
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(token ? { 'x-access-token': token } : {}),
      ...headers,
    },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  }).catch((e) => {
    throw new Error(`${method} ${HATCH_URL}${path}: ${e.cause?.code ?? e.cause?.message ?? e.message}`, { cause: e });
  });
  const text = await response.text();
  let json;
  try { json = text ? JSON.parse(text) : undefined; } catch { json = undefined; }
  return { status: response.status, headers: response.headers, text, json };
}

async function ok(what, promise) {
  const res = await promise;
  if (res.status < 200 || res.status > 299) {
    throw new Error(`${what}: HTTP ${res.status} ${res.text}`);
  }
  return res;
}

// POST /auth/vendor {clientId, secret} -> {token, expiresIn}
export async function vendorLogin(clientId = HATCH_CLIENT_ID, secret = HATCH_API_KEY) {
  const res = await ok('POST /auth/vendor', call('POST', '/auth/vendor', { body: { clientId, secret } }));
  return res.json;
}

export async function vendorToken() {
  return (await vendorLogin()).token;
}

// POST /tenants/resources/tenants/v1 {tenantId, name}
export async function createTenant(token, name = 'Compat account') {
  const tenantId = randomUUID();
  await ok('create account', call('POST', '/tenants/resources/tenants/v1', { token, body: { tenantId, name } }));
  return tenantId;
}

// POST /identity/resources/users/v1 (frontegg-tenant-id) then POST …/users/v1/{id}/verify,
// so the user can log in whatever allowNotVerifiedUsersLogin says.
export async function createUser(token, tenantId, { email = uniqueEmail(), password = strongPassword(), name = 'Compat User', roleIds } = {}) {
  const res = await ok('create user', call('POST', '/identity/resources/users/v1', {
    token,
    headers: { 'frontegg-tenant-id': tenantId },
    body: { email, name, password, skipInviteEmail: true, ...(roleIds ? { roleIds } : {}) },
  }));
  const userId = res.json?.id;
  if (!userId) throw new Error(`create user: response has no id: ${res.text}`);
  await ok('verify user', call('POST', `/identity/resources/users/v1/${userId}/verify`, { token }));
  return { userId, email, password, name, tenantId };
}

// POST /identity/resources/users/v1/{userId}/tenant {tenantId}
export async function addUserToTenant(token, userId, tenantId) {
  await ok('add user to account', call('POST', `/identity/resources/users/v1/${userId}/tenant`, {
    token,
    body: { tenantId, skipInviteEmail: true },
  }));
}

// POST /identity/resources/configurations/v1 {...}
export async function configure(token, settings) {
  return (await ok('configure environment', call('POST', '/identity/resources/configurations/v1', { token, body: settings }))).json;
}

// POST /identity/resources/auth/v1/user {email, password}, without any client library.
export async function passwordLogin(email, password) {
  return (await ok('password login', call('POST', '/identity/resources/auth/v1/user', { body: { email, password } }))).json;
}

export function uniqueEmail(prefix = 'compat') {
  return `${prefix}-${Date.now()}-${randomBytes(4).toString('hex')}@example.com`;
}

export function strongPassword() {
  return `Compat-${randomBytes(9).toString('base64url')}-9aZ!`;
}

const b64url = (value) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

export function decodeJwt(token) {
  const [header, payload] = token.split('.');
  return {
    header: JSON.parse(Buffer.from(header, 'base64url').toString()),
    payload: JSON.parse(Buffer.from(payload, 'base64url').toString()),
  };
}

// Sign header+payload with RS256 (RSASSA-PKCS1-v1_5 over SHA-256).
export function signRS256(header, payload, privateKey) {
  const input = `${b64url(header)}.${b64url(payload)}`;
  const signature = sign('sha256', Buffer.from(input), privateKey);
  return `${input}.${signature.toString('base64url')}`;
}

export function foreignRSAKey() {
  return generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
}

// The same token with its payload changed and the original signature kept.
export function tamper(token, change) {
  const [header, , signature] = token.split('.');
  const { payload } = decodeJwt(token);
  return `${header}.${b64url({ ...payload, ...change })}.${signature}`;
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
