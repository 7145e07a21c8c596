// The least of a browser that @frontegg/rest-api needs to run in Node 20.
//
// window: FetchClient reads window.location.search on every request (the
//   `?tenantId=` scoped-tenant header) and assigns window.location.href when a
//   response is a 302. Nothing else is touched unless session-per-tenant
//   (sessionStorage) or file downloads (document) are used, and these tests use
//   neither. The page is placed on the Hatch origin, as when the app and Hatch
//   share a host.
//
// Cookie jar: Node's fetch keeps no cookies, but the refresh token travels in
//   an HttpOnly cookie. installCookieJar wraps globalThis.fetch (which the
//   client looks up on every call) so that, for requests to the page's origin,
//   Set-Cookie headers are stored and a Cookie header is sent, honouring
//   Path, Max-Age and Expires and the request's `credentials` mode the way a
//   browser does for same-site requests. It also records every request so
//   tests can assert which calls a client function made.

export function installWindow(pageUrl) {
  const location = new URL(pageUrl);
  globalThis.window = {
    location: {
      get href() { return location.href; },
      set href(value) { location.href = new URL(value, location.href).href; },
      get origin() { return location.origin; },
      get search() { return location.search; },
    },
  };
  return globalThis.window;
}

export function installCookieJar(pageUrl) {
  const page = new URL(pageUrl);
  const cookies = new Map(); // name -> {value, path, expires (ms or null), attributes}
  const requests = [];
  const realFetch = globalThis.fetch;

  function live(now = Date.now()) {
    for (const [name, c] of cookies) {
      if (c.expires !== null && c.expires <= now) cookies.delete(name);
    }
    return cookies;
  }

  function store(setCookie, requestPath) {
    const [pair, ...attrs] = setCookie.split(';');
    const eq = pair.indexOf('=');
    if (eq <= 0) return;
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    const attributes = {};
    for (const a of attrs) {
      const i = a.indexOf('=');
      const key = (i < 0 ? a : a.slice(0, i)).trim().toLowerCase();
      attributes[key] = i < 0 ? true : a.slice(i + 1).trim();
    }
    let expires = null;
    if (attributes['max-age'] !== undefined) {
      const seconds = Number(attributes['max-age']);
      expires = seconds <= 0 ? 0 : Date.now() + seconds * 1000;
    } else if (attributes.expires !== undefined) {
      expires = Date.parse(attributes.expires);
    }
    // Default path (RFC 6265 §5.1.4): the request path up to its last slash.
    let path = typeof attributes.path === 'string' && attributes.path.startsWith('/') ? attributes.path : null;
    if (!path) path = requestPath.lastIndexOf('/') > 0 ? requestPath.slice(0, requestPath.lastIndexOf('/')) : '/';
    if (expires !== null && expires <= Date.now()) {
      cookies.delete(name);
      return;
    }
    cookies.set(name, { value, path, expires, attributes });
  }

  function pathMatches(cookiePath, requestPath) {
    if (requestPath === cookiePath) return true;
    if (!requestPath.startsWith(cookiePath)) return false;
    return cookiePath.endsWith('/') || requestPath[cookiePath.length] === '/';
  }

  globalThis.fetch = async (input, init = {}) => {
    const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
    const credentials = init.credentials ?? 'same-origin';
    const useJar = url.origin === page.origin && credentials !== 'omit';
    const headers = new Headers(init.headers);
    if (useJar) {
      const sent = [...live()].filter(([, c]) => pathMatches(c.path, url.pathname));
      if (sent.length) headers.set('cookie', sent.map(([n, c]) => `${n}=${c.value}`).join('; '));
    }
    const record = { method: (init.method ?? 'GET').toUpperCase(), url: url.href, path: url.pathname, headers, body: init.body ?? null };
    requests.push(record);
    const response = await realFetch(input, { ...init, headers });
    record.status = response.status;
    if (useJar) {
      for (const sc of response.headers.getSetCookie()) store(sc, url.pathname);
    }
    return response;
  };

  return {
    requests,
    get(name) { return live().get(name); },
    set(name, value, path = '/') { cookies.set(name, { value, path, expires: null, attributes: {} }); },
    delete(name) { cookies.delete(name); },
    // Requests recorded since mark() was called.
    mark() { const start = requests.length; return () => requests.slice(start); },
  };
}
