#!/usr/bin/env bash
# Runs every Hatch test: vet, the Go tests on SQLite and PostgreSQL, and the
# compatibility tests that drive a built hatch with Frontegg's official npm
# clients, once on SQLite and once on PostgreSQL.
#
# PostgreSQL: HATCH_TEST_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/test).
# Each test makes and drops its own schema. Set HATCH_TEST_SKIP_POSTGRES=1 to
# run on SQLite only (for a machine without PostgreSQL; CI never does).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

pg_url=${HATCH_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test?sslmode=disable}
if [[ ${HATCH_TEST_SKIP_POSTGRES:-} == 1 ]]; then
  echo "test.sh: PostgreSQL skipped (HATCH_TEST_SKIP_POSTGRES=1)"
  pg_url=
fi

echo "== go vet"
go vet ./...

echo "== go test (SQLite${pg_url:+ and PostgreSQL})"
HATCH_TEST_POSTGRES_URL=$pg_url go test -count=1 ./...

if [[ -n $pg_url ]]; then
  # Throughput growing with nodes is measured alone: during the run above,
  # other packages' builds and tests take the cores in bursts.
  echo "== scale-out throughput (three hatch nodes on PostgreSQL, nothing else running)"
  HATCH_TEST_POSTGRES_URL=$pg_url HATCH_TEST_SCALEOUT_THROUGHPUT=1 go test -count=1 -run 'TestScaleOut/throughput' ./cmd/hatch
fi

echo "== build"
go build -o bin/hatch ./cmd/hatch

echo "== load tool smoke run (bin/hatch loadtest against bin/hatch serve on SQLite, ~10 s)"
smoke_dir=$(mktemp -d)
smoke_key=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
bin/hatch serve --addr 127.0.0.1:0 --database-url "sqlite:$smoke_dir/hatch.db" --client-id smoke --api-key "$smoke_key" \
  --rate-limit-address 0 >"$smoke_dir/log" 2>&1 &
smoke_pid=$!
smoke_addr=
for _ in $(seq 100); do
  smoke_addr=$(sed -n 's/.*msg=serving addr=\([^ ]*\).*/\1/p' "$smoke_dir/log")
  [[ -n $smoke_addr ]] && break
  sleep 0.1
done
smoke_status=0
bin/hatch loadtest --url "http://${smoke_addr:-127.0.0.1:1}" --client-id smoke --api-key "$smoke_key" --pid "$smoke_pid" \
  --concurrency 4 --duration 1s --quiet || smoke_status=$?
kill "$smoke_pid" && wait "$smoke_pid" || true
if [[ $smoke_status -ne 0 ]]; then
  cat "$smoke_dir/log"
  exit "$smoke_status"
fi
rm -rf "$smoke_dir"

echo "== compat on SQLite (Frontegg's official npm clients)"
compat/run.sh bin/hatch

if [[ -n $pg_url ]]; then
  echo "== compat on PostgreSQL"
  compat_db="hatch_compat_$$"
  psql "$pg_url" -qc "CREATE DATABASE $compat_db" >/dev/null
  trap 'psql "$pg_url" -qc "DROP DATABASE IF EXISTS $compat_db WITH (FORCE)" >/dev/null' EXIT
  compat_url=$(sed -E "s#^(postgres(ql)?://[^/]*)/[^?]*#\1/$compat_db#" <<<"$pg_url")
  HATCH_COMPAT_DATABASE_URL=$compat_url compat/run.sh bin/hatch
fi
echo "test.sh: all tests passed"
