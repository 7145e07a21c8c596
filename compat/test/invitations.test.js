// Invitations through @frontegg/rest-api 7.119.0, end to end: the vendor
// points Hatch's mail at a tiny SMTP server this test runs (Email
// configuration API, taking effect with no restart), invites a new person into
// an account (POST users/v2), and the person follows the emailed link the
// way the login box does: acceptInvitation, then the activation calls to set
// a first password, then login. resendInvitationEmail sends a new link and
// kills the old one; acceptInvitationWithOTC takes the code of the "code"
// invitation strategy; verifyInviteToken checks an account's invitation link.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { HATCH_URL } from '../lib/env.js';
import { installCookieJar, installWindow } from '../lib/browser.js';
import { call, createTenant, strongPassword, uniqueEmail, vendorToken } from '../lib/hatch.js';
import { startSMTPCatcher } from '../lib/smtp.js';
import { api, ContextHolder, FronteggApiError } from '@frontegg/rest-api';

installWindow(`${HATCH_URL}/`);
installCookieJar(`${HATCH_URL}/`);
const context = ContextHolder.default();
context.setContext({ baseUrl: HATCH_URL, logLevel: 'error' });

const MAIL_CONFIG = '/identity/resources/mail/v2/configurations';

// The userId, token and (when the email has one) six-digit code of the invitation link in an email.
function invitationLink(email) {
  const raw = email.text.match(/https?:\/\/\S+\/account\/invitation\/accept\?\S+/)?.[0];
  assert.ok(raw, `an invitation link in:\n${email.text}`);
  const url = new URL(raw);
  assert.equal(url.origin, HATCH_URL, 'the link points at the default invitation page under the public URL');
  const code = email.text.match(/enter (\d{6})/)?.[1];
  return { userId: url.searchParams.get('userId'), token: url.searchParams.get('token'), code };
}

async function rejected(promise) {
  try {
    await promise;
  } catch (e) {
    assert.ok(e instanceof FronteggApiError, `FronteggApiError (got ${e})`);
    return e;
  }
  assert.fail('expected the call to be rejected');
}

describe('invitations with @frontegg/rest-api', () => {
  let smtp;
  let vendor;
  let tenantId;

  async function invite(email) {
    const res = await call('POST', '/identity/resources/users/v2', {
      token: vendor, headers: { 'frontegg-tenant-id': tenantId }, body: { email, name: 'Invited Person' },
    });
    assert.equal(res.status, 201, `invite ${email}: ${res.text}`);
    assert.equal(res.json.activatedForTenant, false, 'the membership waits for the invitation');
    return res.json;
  }

  before(async () => {
    smtp = await startSMTPCatcher();
    vendor = await vendorToken();
    const res = await call('POST', MAIL_CONFIG, {
      token: vendor,
      body: { payload: { provider: 'smtp', host: smtp.host, port: smtp.port, senderEmail: 'compat@example.com', fromName: 'Compat' } },
    });
    assert.equal(res.status, 201, `configure mail: ${res.text}`);
    tenantId = await createTenant(vendor, 'Inviting account');
  });

  after(async () => {
    await call('DELETE', MAIL_CONFIG, { token: vendor });
    await call('POST', '/identity/resources/configurations/v1/invitation/strategies', { token: vendor, body: { strategy: 'link' } });
    await smtp?.close();
    context.setAccessToken(null);
    context.setUser(null);
  });

  it('a new invitee accepts, sets a password and logs in; a resent link replaces the first', async () => {
    const email = uniqueEmail('invitee');
    const invited = await invite(email);
    const first = await smtp.waitFor(email);
    assert.equal(first.subject, 'You are invited to join Inviting account');
    assert.equal(first.from, 'compat@example.com');
    const firstLink = invitationLink(first);
    assert.equal(firstLink.userId, invited.id);

    // The login box's "resend invitation": answered alike for any address.
    await api.auth.resendInvitationEmail({ email });
    await api.auth.resendInvitationEmail({ email: uniqueEmail('nobody') });
    const second = invitationLink(await smtp.waitFor(email));
    assert.notEqual(second.token, firstLink.token);
    const stale = await rejected(api.auth.acceptInvitation({ userId: firstLink.userId, token: firstLink.token }));
    assert.equal(stale.statusCode, 400);

    await api.auth.acceptInvitation({ userId: second.userId, token: second.token });
    const again = await rejected(api.auth.acceptInvitation({ userId: second.userId, token: second.token }));
    assert.equal(again.statusCode, 400, 'an invitation link works once');

    // No password yet: the same link sets one through activation.
    const strategy = await api.auth.getActivateAccountStrategy({ userId: second.userId, token: second.token });
    assert.equal(strategy.shouldSetPassword, true);
    const password = strongPassword();
    await api.auth.activateAccount({ userId: second.userId, token: second.token, password });
    context.setAccessToken(null);
    context.setUser(null);
    const login = await api.auth.login({ email, password });
    assert.equal(typeof login.accessToken, 'string');
    assert.equal(login.tenantId, tenantId);
    context.setAccessToken(null);
    context.setUser(null);
  });

  it('with the code strategy the invitation carries a code that acceptInvitationWithOTC takes', async () => {
    const res = await call('POST', '/identity/resources/configurations/v1/invitation/strategies', {
      token: vendor, body: { strategy: 'code', codeExpiration: 600 },
    });
    assert.equal(res.status, 200, res.text);
    const email = uniqueEmail('coded');
    await invite(email);
    const message = await smtp.waitFor(email);
    assert.equal(message.subject, 'Your invitation code for Inviting account');
    const link = invitationLink(message);
    assert.match(link.code ?? '', /^\d{6}$/);
    const wrong = await rejected(api.auth.acceptInvitationWithOTC({ userId: link.userId, token: link.token, code: link.code === '000000' ? '111111' : '000000' }));
    assert.equal(wrong.statusCode, 400);
    await api.auth.acceptInvitationWithOTC({ userId: link.userId, token: link.token, code: link.code });
  });

  it('verifyInviteToken checks an account invitation link', async () => {
    const res = await call('POST', '/identity/resources/tenants/invites/v1', {
      token: vendor, body: { tenantId, expiresInMinutes: 60 },
    });
    assert.equal(res.status, 201, res.text);
    const verified = await api.auth.verifyInviteToken({ token: res.json.token });
    assert.equal(verified.tenantId, tenantId);
    assert.equal(verified.name, 'Inviting account');
    assert.equal(verified.id, res.json.id);
    const bogus = await rejected(api.auth.verifyInviteToken({ token: 'not-a-token' }));
    assert.equal(bogus.statusCode, 400);
  });
});
