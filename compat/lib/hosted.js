// Hatch's hosted login page driven the way a browser without JavaScript
// drives it: GET the authorization URL, read the login form's hidden fields
// (the sealed request and its CSRF token), POST the credentials, follow
// nothing automatically. It uses the global fetch, so with the cookie jar of
// lib/browser.js installed the page's cookies (CSRF, refresh) stay in the jar
// as they would in a browser.
import { createHash, randomBytes } from 'node:crypto';
import { HATCH_URL } from './env.js';

const hiddenRE = /<input type="hidden" name="([^"]+)" value="([^"]*)">/g;

const unescape = (s) => s.replace(/&#43;/g, '+').replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>')
  .replace(/&#34;/g, '"').replace(/&#39;/g, "'").replace(/&quot;/g, '"');

// The hidden fields of a page's form.
export function hiddenFields(html) {
  const out = {};
  for (const m of html.matchAll(hiddenRE)) out[m[1]] = unescape(m[2]);
  return out;
}

async function request(url, init = {}) {
  return fetch(new URL(url, HATCH_URL), { redirect: 'manual', credentials: 'include', ...init });
}

// signInThroughPage opens authorizeUrl, submits email and password, and
// returns the URL Hatch sends the browser to (the application's redirect URI
// with code and state).
export async function signInThroughPage(authorizeUrl, email, password) {
  const page = await request(authorizeUrl);
  const html = await page.text();
  if (page.status !== 200) throw new Error(`GET ${authorizeUrl}: ${page.status} ${html.slice(0, 300)}`);
  const form = new URLSearchParams({ ...hiddenFields(html), email, password });
  const res = await request('/oauth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
  });
  if (res.status !== 303) throw new Error(`POST /oauth/login: ${res.status} ${(await res.text()).slice(0, 300)}`);
  return new URL(res.headers.get('location'));
}

// A PKCE verifier and its S256 challenge.
export function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  return { verifier, challenge };
}

// POST /oauth/resources/configurations/v1/redirect-uri: allow redirectUri for
// the environment's own client (idempotent: a 409 means it is there).
export async function allowRedirect(vendorToken, redirectUri) {
  const res = await fetch(`${HATCH_URL}/oauth/resources/configurations/v1/redirect-uri`, {
    method: 'POST',
    credentials: 'omit',
    headers: { 'content-type': 'application/json', 'x-access-token': vendorToken },
    body: JSON.stringify({ redirectUri }),
  });
  if (res.status !== 201 && res.status !== 409) throw new Error(`allow redirect uri: ${res.status} ${await res.text()}`);
}
