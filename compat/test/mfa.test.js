// MFA through @frontegg/rest-api 7.119.0 and step-up through @frontegg/client
// 5.3.2: a user enrolls an authenticator app after logging in
// (preEnrollMFAAuthenticatorApp / enrollMFAAuthenticatorApp), logs out, logs
// in again and gets the MFA branch (mfaRequired, mfaToken, mfaDevices,
// mfaStrategies), and completes it with loginWithMfa and a TOTP code computed
// here (RFC 6238 with node:crypto, lib/totp.js). Another user raises its session with
// generateStepupSession, and the Node SDK's step-up validation (acr, amr,
// auth_time with maxAge) accepts the resulting token.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { HATCH_API_KEY, HATCH_CLIENT_ID, HATCH_URL } from '../lib/env.js';
import { installCookieJar, installWindow } from '../lib/browser.js';
import { createTenant, createUser, decodeJwt, vendorToken } from '../lib/hatch.js';
import { base32Decode, totp } from '../lib/totp.js';
import { api, ContextHolder } from '@frontegg/rest-api';

process.env.FRONTEGG_API_GATEWAY_URL = HATCH_URL;
process.env.FRONTEGG_CLIENT_ID = HATCH_CLIENT_ID;
process.env.FRONTEGG_API_KEY = HATCH_API_KEY;
process.env.FRONTEGG_AUTHENTICATOR_NUMBER_OF_TRIES ??= '1';
const { IdentityClient } = await import('@frontegg/client');
const { StepupValidator, STEP_UP_ACR_VALUE } = await import('@frontegg/client/dist/src/clients/identity/step-up/index.js');
const { accessTokenHeaderResolver } = await import('@frontegg/client/dist/src/clients/identity/token-resolvers/index.js');

installWindow(`${HATCH_URL}/`);
installCookieJar(`${HATCH_URL}/`);
const context = ContextHolder.default();
context.setContext({ baseUrl: HATCH_URL, logLevel: 'error' });

function signOut() {
  context.setAccessToken(null);
  context.setUser(null);
}

// Enrolls an authenticator app for the signed-in user; returns its seed.
async function enrollAuthenticator() {
  const { qrCode, secret } = await api.auth.preEnrollMFAAuthenticatorApp();
  assert.match(qrCode, /^data:image\/png;base64,/, 'qrCode is a PNG data URL');
  assert.equal(typeof secret, 'string', 'the seed comes with the QR code');
  const seed = base32Decode(secret);
  const { recoveryCode } = await api.auth.enrollMFAAuthenticatorApp({ token: totp(seed) });
  assert.equal(typeof recoveryCode, 'string');
  assert.ok(recoveryCode.length >= 16, 'a recovery code is shown once');
  return seed;
}

describe('MFA with @frontegg/rest-api and step-up with @frontegg/client', () => {
  let vendor;
  let tenantId;

  before(async () => {
    vendor = await vendorToken();
    tenantId = await createTenant(vendor, 'MFA account');
  });

  after(async () => {
    signOut();
    await accessTokenHeaderResolver.authenticator.shutdown();
  });

  it('computes RFC 6238 codes (the RFC test vectors)', () => {
    const secret = Buffer.from('12345678901234567890');
    assert.equal(totp(secret, 59_000, 8), '94287082');
    assert.equal(totp(secret, 1_111_111_109_000, 8), '07081804');
    assert.equal(totp(secret, 1_234_567_890_000, 8), '89005924');
    assert.equal(totp(secret, 20_000_000_000_000, 8), '65353130');
  });

  it('enroll after login, log out, log in again: mfaRequired, then loginWithMfa', async () => {
    const user = await createUser(vendor, tenantId);
    const first = await api.auth.login({ email: user.email, password: user.password });
    assert.equal(typeof first.accessToken, 'string', 'no MFA before enrollment');
    const seed = await enrollAuthenticator();
    const devices = await api.auth.getMFADevices();
    assert.equal(devices.authenticators.length, 1);
    await api.auth.logout();
    signOut();

    const challenge = await api.auth.login({ email: user.email, password: user.password });
    assert.equal(challenge.mfaRequired, true);
    assert.equal(challenge.accessToken, undefined, 'no tokens before the second factor');
    assert.equal(typeof challenge.mfaToken, 'string');
    assert.equal(challenge.mfaEnrolled, true);
    assert.deepEqual(challenge.mfaDevices.authenticators, devices.authenticators);
    assert.deepEqual(challenge.mfaDevices.phones, []);
    assert.deepEqual(challenge.mfaDevices.webauthn, []);
    assert.ok(challenge.mfaStrategies.includes('AuthenticatorApp'));
    assert.equal(challenge.userId, user.userId);
    assert.equal(context.getAccessToken(), null, 'the client holds no token yet');

    const remember = await api.auth.checkIfAllowToRememberMfaDevice(challenge.mfaToken);
    assert.equal(remember.isAllowedToRemember, false);

    // The enrollment's code is spent; the next time step's code is accepted.
    const signedIn = await api.auth.loginWithMfa({ mfaToken: challenge.mfaToken, value: totp(seed, Date.now() + 30_000) });
    assert.equal(typeof signedIn.accessToken, 'string');
    assert.equal(context.getAccessToken(), signedIn.accessToken, 'the client stored the token');
    assert.equal(signedIn.email, user.email, 'the client loaded /users/v2/me');
    assert.equal(signedIn.acr, STEP_UP_ACR_VALUE);
    assert.ok(signedIn.amr.includes('mfa') && signedIn.amr.includes('otp') && signedIn.amr.includes('pwd'), `amr ${signedIn.amr}`);
    StepupValidator.validateStepUp(decodeJwt(signedIn.accessToken).payload, { maxAge: 60 });
    await api.auth.logout();
    signOut();
  });

  it('the original enrollMfa / verifyMfa pair enrolls too', async () => {
    const user = await createUser(vendor, tenantId);
    await api.auth.login({ email: user.email, password: user.password });
    const { qrCode, secret } = await api.auth.enrollMfa();
    assert.match(qrCode, /^data:image\/png;base64,/);
    const { recoveryCode } = await api.auth.verifyMfa({ token: totp(base32Decode(secret)) });
    assert.equal(typeof recoveryCode, 'string');
    await api.auth.logout();
    signOut();
    const challenge = await api.auth.login({ email: user.email, password: user.password });
    assert.equal(challenge.mfaRequired, true);
  });

  it('generateStepupSession raises a session; the SDK step-up validation with maxAge accepts its token', async () => {
    const user = await createUser(vendor, tenantId);
    const plain = await api.auth.login({ email: user.email, password: user.password });
    const seed = await enrollAuthenticator();
    const identity = IdentityClient.getInstance();

    // A password-only session fails step-up validation.
    assert.throws(() => StepupValidator.validateStepUp(decodeJwt(plain.accessToken).payload, { maxAge: 60 }), { statusCode: 401 });
    // The SDK then tries its x-api-key resolver, whose "Invalid token type" (400) is what it rethrows.
    const refused = await identity.validateIdentityOnToken(plain.accessToken, { stepUp: { maxAge: 60 } }).then(() => null, (e) => e);
    assert.ok([400, 401].includes(refused?.statusCode), `a password-only token is refused (got ${JSON.stringify(refused)})`);

    const stepUp = await api.auth.generateStepupSession({ maxAge: 60 });
    assert.equal(typeof stepUp.mfaToken, 'string');
    assert.equal(stepUp.mfaEnrolled, true);
    assert.equal(stepUp.mfaDevices.authenticators.length, 1);
    const raised = await api.auth.loginWithMfa({ mfaToken: stepUp.mfaToken, value: totp(seed, Date.now() + 30_000) });
    const { payload } = decodeJwt(raised.accessToken);
    assert.equal(payload.sid, decodeJwt(plain.accessToken).payload.sid, 'the same session, raised');
    assert.equal(payload.acr, STEP_UP_ACR_VALUE);
    assert.ok(Math.abs(payload.auth_time - Date.now() / 1000) < 5, 'auth_time is now');

    const entity = await identity.validateIdentityOnToken(raised.accessToken, { stepUp: { maxAge: 60 } });
    assert.equal(entity.sub, user.userId);
    await identity.validateIdentityOnToken(raised.accessToken, { stepUp: true });

    // Within maxAge a new step-up answers tokens at once, with the same auth_time.
    const again = await api.auth.generateStepupSession({ maxAge: 60 });
    assert.equal(typeof again.user?.accessToken, 'string', 'a fresh second factor gives tokens directly');
    assert.equal(decodeJwt(again.user.accessToken).payload.auth_time, payload.auth_time);
    await identity.validateIdentityOnToken(again.user.accessToken, { stepUp: { maxAge: 60 } });

    // maxAge counts from auth_time: later than that, the validation refuses.
    const realNow = Date.now;
    Date.now = () => realNow() + 120_000;
    try {
      assert.throws(() => StepupValidator.validateStepUp(payload, { maxAge: 60 }), { statusCode: 401, message: 'Max age exceeded' });
    } finally {
      Date.now = realNow;
    }
    await api.auth.logout();
    signOut();
  });
});
