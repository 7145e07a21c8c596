#!/usr/bin/env bash
# Starts a hatch binary on a free port with a fresh database and runs the
# compat tests (Frontegg's official npm clients) against it.
#
#   compat/run.sh [path/to/hatch]      default: bin/hatch in the repo root
#
# HATCH_COMPAT_DATABASE_URL=postgres://…  use that database instead of a
#   throwaway SQLite file (HATCH_MASTER_KEY is then taken from the environment,
#   or generated for this run).
# Exits with the tests' status; prints the server log when anything fails.
set -euo pipefail

compat_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_root=$(dirname "$compat_dir")
bin=${1:-bin/hatch}
case $bin in /*) ;; *) bin=$repo_root/$bin ;; esac
if [[ ! -x $bin ]]; then
  echo "run.sh: no hatch binary at $bin (build it: go build -o bin/hatch ./cmd/hatch)" >&2
  exit 2
fi

if [[ ! -d $compat_dir/node_modules ]]; then
  (cd "$compat_dir" && npm ci --no-audit --no-fund)
fi

tmp=$(mktemp -d)
log=$tmp/server.log
server_pid=
cleanup() {
  if [[ -n $server_pid ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT

print_log() {
  echo "----- hatch server log ($log) -----" >&2
  cat "$log" >&2 || true
  echo "----- end of hatch server log -----" >&2
}

port=$(node -e 'const s = require("net").createServer(); s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });')
client_id=$(node -e 'console.log(require("crypto").randomUUID())')
api_key=$(node -e 'console.log(require("crypto").randomBytes(32).toString("hex"))')
url=http://127.0.0.1:$port

if [[ -n ${HATCH_COMPAT_DATABASE_URL:-} ]]; then
  database_url=$HATCH_COMPAT_DATABASE_URL
  master_key=${HATCH_MASTER_KEY:-$(node -e 'console.log(require("crypto").randomBytes(32).toString("base64"))')}
else
  database_url=sqlite:$tmp/hatch.db
  master_key= # unset: with SQLite hatch generates one beside the database
fi

echo "run.sh: starting $bin on $url ($([[ $database_url == sqlite:* ]] && echo SQLite || echo PostgreSQL))"
env -u HATCH_MASTER_KEY ${master_key:+HATCH_MASTER_KEY=$master_key} \
  "$bin" serve --addr "127.0.0.1:$port" --database-url "$database_url" \
  --client-id "$client_id" --api-key "$api_key" --sso-allow-private-urls true >"$log" 2>&1 &
server_pid=$!

ready=
deadline=$((SECONDS + 30))
while ((SECONDS < deadline)); do
  if ! kill -0 "$server_pid" 2>/dev/null; then
    wait "$server_pid" && code=0 || code=$?
    server_pid=
    echo "run.sh: hatch exited (status $code) before answering GET /healthz" >&2
    print_log
    exit 1
  fi
  if node -e 'fetch(process.argv[1]).then(r => process.exit(r.status === 200 ? 0 : 1), () => process.exit(1))' "$url/healthz" 2>/dev/null; then
    ready=1
    break
  fi
  sleep 0.1
done
if [[ -z $ready ]]; then
  echo "run.sh: hatch did not answer GET /healthz with 200 within 30 s" >&2
  print_log
  exit 1
fi

status=0
(
  cd "$compat_dir"
  HATCH_URL=$url HATCH_CLIENT_ID=$client_id HATCH_API_KEY=$api_key \
    node --test --test-concurrency=1 --test-force-exit test/*.test.js
) || status=$?

if [[ $status -ne 0 ]]; then
  print_log
fi
exit "$status"
