// Helpers for driving @frontegg/client's verification the way an app does.

// Awaits promise and returns what it rejected with, or {resolved: value}:
// the SDK rejects with plain {statusCode, message} objects, not Errors.
export async function rejection(promise) {
  try {
    const value = await promise;
    return { resolved: value };
  } catch (e) {
    return e;
  }
}

// Runs an Express-style middleware (withAuthentication()) with a minimal
// req/res and resolves with {status, sent, nextArgs, req} once it has called
// next or answered.
export function runMiddleware(middleware, headers) {
  return new Promise((resolve) => {
    const outcome = { status: undefined, sent: undefined, nextArgs: undefined };
    const req = { header: (name) => headers[name.toLowerCase()] };
    outcome.req = req;
    const res = {
      status(code) { outcome.status = code; return res; },
      send(body) { outcome.sent = body; return res; },
    };
    Promise.resolve(middleware(req, res, (...args) => { outcome.nextArgs = args; resolve(outcome); }))
      .then(() => { if (outcome.nextArgs === undefined) resolve(outcome); });
  });
}
