// End to end in a real browser: headless Chromium (Debian's package at
// /usr/bin/chromium, or HATCH_CHROMIUM; never a downloaded build) driven by
// playwright-core. A tiny application served here on loopback puts its
// pages behind Hatch's hosted login as any OpenID Connect application would
// (an application used as a public client, the code flow with PKCE, state and nonce):
// the browser is sent to Hatch's login page, types the credentials with the
// keyboard, and lands back on the application signed in. A second visit is
// signed in without seeing the page (the refresh cookie's session). A user
// with an authenticator app passes the page's second step with a TOTP code
// computed here (lib/totp.js), and another time with the recovery code.
//
// Screenshots of the login and second-factor pages are kept in
// compat/artifacts/ (gitignored).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HATCH_URL } from '../lib/env.js';
import { call, createTenant, createUser, decodeJwt, passwordLogin, vendorToken } from '../lib/hatch.js';
import { base32Decode, totp } from '../lib/totp.js';

const CHROMIUM = process.env.HATCH_CHROMIUM ?? '/usr/bin/chromium';
const ARTIFACTS = join(dirname(fileURLToPath(import.meta.url)), '..', 'artifacts');

// The application: its own session cookie once signed in; /login starts the
// authorization request; /callback redeems the code at Hatch's token endpoint.
function startApp() {
  let clientId;
  const pending = new Map(); // state -> {verifier, nonce}
  const sessions = new Map(); // app session id -> claims
  let origin;
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, origin);
    const sid = /app_session=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
    const html = (status, body) => {
      res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Demo app</title></head><body>${body}</body></html>`);
    };
    try {
      if (url.pathname === '/') {
        const who = sessions.get(sid);
        return html(200, who
          ? `<h1 id="status">Signed in as ${who.email}</h1><p id="sub">${who.sub}</p>`
          : '<h1 id="status">Not signed in</h1><a id="signin" href="/login">Sign in</a>');
      }
      if (url.pathname === '/login') {
        const state = randomBytes(16).toString('base64url');
        const nonce = randomBytes(16).toString('base64url');
        const verifier = randomBytes(32).toString('base64url');
        pending.set(state, { verifier, nonce });
        const authorize = new URL('/oauth/authorize', HATCH_URL);
        authorize.search = new URLSearchParams({
          response_type: 'code', client_id: clientId, redirect_uri: `${origin}/callback`, scope: 'openid email profile',
          state, nonce, code_challenge: createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256',
        });
        res.writeHead(302, { location: authorize.href });
        return res.end();
      }
      if (url.pathname === '/callback') {
        const flow = pending.get(url.searchParams.get('state'));
        pending.delete(url.searchParams.get('state'));
        if (!flow || !url.searchParams.get('code')) return html(400, `<h1 id="status">Sign-in failed</h1><p>${url.search}</p>`);
        const tokenRes = await fetch(`${HATCH_URL}/oauth/token`, {
          method: 'POST',
          credentials: 'omit',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({
            grant_type: 'authorization_code', code: url.searchParams.get('code'), redirect_uri: `${origin}/callback`,
            client_id: clientId, code_verifier: flow.verifier,
          }),
        });
        const tokens = await tokenRes.json();
        if (tokenRes.status !== 200) return html(400, `<h1 id="status">Sign-in failed</h1><p>${tokens.error_description}</p>`);
        const claims = decodeJwt(tokens.id_token).payload;
        if (claims.nonce !== flow.nonce || claims.aud !== clientId || claims.iss !== HATCH_URL) {
          return html(400, '<h1 id="status">Sign-in failed: ID token mismatch</h1>');
        }
        const id = randomBytes(16).toString('hex');
        sessions.set(id, claims);
        res.writeHead(302, { location: '/', 'set-cookie': `app_session=${id}; Path=/; HttpOnly; SameSite=Lax` });
        return res.end();
      }
      html(404, 'Not found');
    } catch (e) {
      html(500, `<pre>${e}</pre>`);
    }
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      origin = `http://127.0.0.1:${server.address().port}`;
      resolve({ server, origin, setClient: (id) => { clientId = id; } });
    });
  });
}

// enrollAuthenticator signs user in through the JSON route and enrolls an
// authenticator app; it returns the seed and the recovery code.
async function enrollAuthenticator(user) {
  const { accessToken } = await passwordLogin(user.email, user.password);
  const headers = { authorization: `Bearer ${accessToken}` };
  const started = await call('POST', '/identity/resources/users/v1/mfa/authenticator/enroll', { headers });
  assert.equal(started.status, 200, started.text);
  const seed = base32Decode(started.json.secret);
  const done = await call('POST', '/identity/resources/users/v1/mfa/authenticator/enroll/verify', { headers, body: { token: totp(seed) } });
  assert.equal(done.status, 200, done.text);
  return { seed, recoveryCode: done.json.recoveryCode };
}

// signInOnPage goes from the application to Hatch's page and submits the
// email and password with the keyboard.
async function signInOnPage(page, app, who) {
  await page.goto(`${app.origin}/login`);
  await page.waitForURL((u) => u.href.startsWith(`${HATCH_URL}/oauth/authorize`));
  await page.focus('#email');
  await page.keyboard.type(who.email);
  await page.keyboard.press('Tab');
  await page.keyboard.type(who.password);
  await page.keyboard.press('Enter');
}

describe('hosted login in a real browser (headless Chromium)', { skip: !existsSync(CHROMIUM) && `no Chromium at ${CHROMIUM}` }, () => {
  let app;
  let context;
  let user;
  let mfaUser;
  let profileDir;

  before(async () => {
    const token = await vendorToken();
    const tenantId = await createTenant(token, 'Browser account');
    user = await createUser(token, tenantId, { name: 'Browser User' });
    mfaUser = await createUser(token, tenantId, { name: 'Careful User' });
    Object.assign(mfaUser, await enrollAuthenticator(mfaUser));
    const branding = await call('PUT', '/oauth/resources/login-page/v1', {
      token, body: { appName: 'Acme Portal', primaryColor: '#0b6e4f', backgroundColor: '#eef2f7', textColor: '#111827' },
    });
    assert.equal(branding.status, 200, branding.text);
    // The application listens first: its callback URL is what it registers.
    app = await startApp();
    // Registered as an application, whose id is its client id.
    const registered = await call('POST', '/applications/resources/applications/v1', {
      token,
      body: {
        name: 'Demo app', appURL: app.origin, loginURL: `${app.origin}/login`,
        redirectURLs: [`${app.origin}/callback`], logoutURLs: [`${app.origin}/`],
      },
    });
    assert.equal(registered.status, 201, registered.text);
    app.setClient(registered.json.id);

    const { chromium } = await import('playwright-core');
    profileDir = mkdtempSync(join(tmpdir(), 'hatch-chromium-'));
    context = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync'],
      viewport: { width: 1024, height: 800 },
    });
    mkdirSync(ARTIFACTS, { recursive: true });
  });

  after(async () => {
    await context?.close();
    app?.server.close();
    if (profileDir) rmSync(profileDir, { recursive: true, force: true });
  });

  it('signs in on Hatch\'s page with the keyboard and lands back on the app signed in', async () => {
    const page = await context.newPage();
    await page.goto(`${app.origin}/`);
    assert.equal(await page.textContent('#status'), 'Not signed in');
    await page.click('#signin');

    // Hatch's login page, branded, accessible: a labelled email field has focus.
    await page.waitForURL((u) => u.href.startsWith(`${HATCH_URL}/oauth/authorize`));
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    assert.equal(await page.textContent('h1'), 'Sign in');
    assert.match(await page.textContent('.sub'), /Acme Portal/);
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'email', 'the email field has focus');
    assert.equal(await page.evaluate(() => document.querySelector('label[for=email]')?.textContent), 'Email');
    await page.screenshot({ path: join(ARTIFACTS, 'login-page.png'), fullPage: true });

    // A wrong password: the same page with the error announced.
    await page.keyboard.type(user.email);
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'password', 'Tab moves to the password');
    await page.keyboard.type('not the password');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[role=alert]');
    assert.match(await page.textContent('[role=alert]'), /Incorrect email or password/);
    await page.screenshot({ path: join(ARTIFACTS, 'login-page-error.png'), fullPage: true });

    // The right password, typed and submitted from the keyboard.
    assert.equal(await page.inputValue('#email'), user.email, 'the email is kept');
    await page.focus('#password');
    await page.keyboard.type(user.password);
    await page.keyboard.press('Enter');
    await page.waitForURL(`${app.origin}/`);
    assert.equal(await page.textContent('#status'), `Signed in as ${user.email}`);
    assert.equal(await page.textContent('#sub'), user.userId);
    await page.screenshot({ path: join(ARTIFACTS, 'app-signed-in.png') });
    await page.close();
  });

  it('a second application visit is signed in without the login page (the session cookie)', async () => {
    const page = await context.newPage();
    await context.clearCookies({ name: 'app_session' });
    const seen = [];
    page.on('framenavigated', (f) => { if (f === page.mainFrame()) seen.push(f.url()); });
    await page.goto(`${app.origin}/login`);
    await page.waitForURL(`${app.origin}/`);
    assert.equal(await page.textContent('#status'), `Signed in as ${user.email}`);
    assert.deepEqual(seen.filter((u) => u.startsWith(HATCH_URL)), [], 'no Hatch page was shown');
    await page.close();
  });

  it('a user with an authenticator app passes the second step with a TOTP code, then with the recovery code', async () => {
    await context.clearCookies(); // signed out
    const page = await context.newPage();
    await signInOnPage(page, app, mfaUser);

    // The second-factor form: its labelled code field has focus.
    await page.waitForSelector('#code');
    assert.equal(await page.textContent('h1'), 'Two-step verification');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'code', 'the code field has focus');
    assert.equal(await page.evaluate(() => document.querySelector('label[for=code]')?.textContent), 'Verification code');
    await page.screenshot({ path: join(ARTIFACTS, 'mfa-page.png'), fullPage: true });

    // A wrong code is refused on the same form.
    await page.keyboard.type('000000');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[role=alert]');
    assert.match(await page.textContent('[role=alert]'), /invalid/);
    await page.screenshot({ path: join(ARTIFACTS, 'mfa-page-error.png'), fullPage: true });

    // The enrollment spent the current time step's code; the next step's is accepted.
    await page.focus('#code');
    await page.keyboard.type(totp(mfaUser.seed, Date.now() + 30_000));
    await page.keyboard.press('Enter');
    await page.waitForURL(`${app.origin}/`);
    assert.equal(await page.textContent('#status'), `Signed in as ${mfaUser.email}`);
    await page.screenshot({ path: join(ARTIFACTS, 'app-signed-in-mfa.png') });

    // Another time, with the recovery code instead of the app.
    await context.clearCookies();
    await signInOnPage(page, app, mfaUser);
    await page.waitForSelector('#code');
    await page.keyboard.type(mfaUser.recoveryCode);
    await page.keyboard.press('Enter');
    await page.waitForURL(`${app.origin}/`);
    assert.equal(await page.textContent('#status'), `Signed in as ${mfaUser.email}`);
    await page.close();
  });

  it('the login page cannot be framed', async () => {
    const page = await context.newPage();
    const response = await page.goto(`${HATCH_URL}/oauth/authorize?client_id=nope`);
    assert.equal(response.status(), 400);
    assert.equal(response.headers()['x-frame-options'], 'DENY');
    assert.match(response.headers()['content-security-policy'], /frame-ancestors 'none'/);
    await page.close();
  });
});
