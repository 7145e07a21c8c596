// The page every @frontegg/rest-api test runs in: a window and a cookie jar on
// the Hatch origin (lib/browser.js) and the client's context pointed at Hatch,
// plus helpers to read which routes the client called and how a call failed.
import assert from 'node:assert/strict';
import { ContextHolder } from '@frontegg/rest-api';
import { HATCH_URL } from './env.js';
import { installCookieJar, installWindow } from './browser.js';

export function openPage() {
  installWindow(`${HATCH_URL}/`);
  const jar = installCookieJar(`${HATCH_URL}/`);
  const context = ContextHolder.default();
  context.setContext({ baseUrl: HATCH_URL, logLevel: 'error' });
  return { jar, context };
}

// The path prefix the client puts before every route.
export const PREFIX = new URL(HATCH_URL).pathname.replace(/\/$/, '') + '/frontegg';

// "METHOD /route" of each recorded request, without the prefix.
export const paths = (requests) => requests.map((r) => `${r.method} ${r.path.slice(PREFIX.length)}`);

// The error a client call rejects with; fails the test if it resolves.
export async function apiError(promise) {
  try {
    await promise;
  } catch (e) {
    return e;
  }
  assert.fail('expected the call to be rejected');
}
