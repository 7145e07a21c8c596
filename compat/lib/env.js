// Where the Hatch server under test lives. run.sh sets these; to run the tests
// by hand against a server you started yourself, export them first.
function required(name) {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set: run compat/run.sh, or export HATCH_URL, HATCH_CLIENT_ID and HATCH_API_KEY`);
  }
  return value;
}

export const HATCH_URL = required('HATCH_URL').replace(/\/+$/, '');
export const HATCH_CLIENT_ID = required('HATCH_CLIENT_ID');
export const HATCH_API_KEY = required('HATCH_API_KEY');

// The browser client's refresh cookie: fe_refresh_ + the client ID with every dash removed.
export const REFRESH_COOKIE = `fe_refresh_${HATCH_CLIENT_ID.replace(/-/g, '')}`;
