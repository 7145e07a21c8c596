#!/usr/bin/env bash
# Measures Hatch end to end against the raw cost of the operation that bounds
# each path, both measured in the same run on the same cores:
#
#   password login            one argon2id hash (BenchmarkArgon2idDefault[Parallel], internal/secure)
#   token refresh, API tokens one RS256 signature (BenchmarkRawRS256Sign[Parallel], internal/token)
#   validation (users/v2/me)  one RS256 verification (BenchmarkRawRS256Verify[Parallel])
#
# For SQLite and then PostgreSQL (a fresh database each) it builds and starts
# hatch, runs every scenario of "hatch loadtest", runs the refresh again paced
# at 70% of its peak (for its p99), then opens BENCH_SESSIONS sessions by
# password login and makes BENCH_ROTATIONS refresh-token rotations, and reports
# the server's resident memory (VmRSS) idle and after them. The bound of a path on all cores is the
# parallel benchmark's rate, measured again right before the scenario it
# bounds (the cores' speed drifts on a shared machine); the ratio is Hatch's
# rate over it.
#
#   scripts/bench.sh [--quick] [--out DIR]
#
#   --quick   a few seconds per step and small counts (a smoke run, a few minutes)
#   --out     keep the JSON of every run in DIR (default: a temporary directory)
#
# Environment: BENCH_POSTGRES_URL (default HATCH_TEST_POSTGRES_URL, else
# postgres://postgres@127.0.0.1:5432/test?sslmode=disable; databases are
# created beside it and dropped), BENCH_SKIP_POSTGRES=1, BENCH_CONCURRENCY
# (default 4 × cores), BENCH_DURATION (default 10s), BENCH_SESSIONS (default
# 100000), BENCH_ROTATIONS (default 1000000). The full run takes over an hour
# on two cores, most of it the 100,000 password logins (argon2id-bound) and
# the million rotations, once per database. Needs Go, curl, python3 and, for
# PostgreSQL, psql.
#
# The rate limits are turned off on the server under test: all load comes
# from one address, which the per-address limit (1000/min) would stop.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

quick=
out=
while (($#)); do
  case $1 in
    --quick) quick=1 ;;
    --out) out=$2; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench.sh: unknown argument $1 (try --help)" >&2; exit 2 ;;
  esac
  shift
done

cores=$(nproc)
concurrency=${BENCH_CONCURRENCY:-$((4 * cores))}
if [[ -n $quick ]]; then
  duration=${BENCH_DURATION:-2s}; benchtime=0.5s
  sessions=${BENCH_SESSIONS:-200}; rotations=${BENCH_ROTATIONS:-2000}
else
  duration=${BENCH_DURATION:-10s}; benchtime=3s
  sessions=${BENCH_SESSIONS:-100000}; rotations=${BENCH_ROTATIONS:-1000000}
fi
pg_admin=${BENCH_POSTGRES_URL:-${HATCH_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test?sslmode=disable}}
databases=(sqlite)
[[ ${BENCH_SKIP_POSTGRES:-} == 1 ]] || databases+=(postgres)

tmp=$(mktemp -d)
out=${out:-$tmp/results}
mkdir -p "$out"
server_pid=
pg_db=
cleanup() {
  stop_server
  [[ -z $pg_db ]] || psql "$pg_admin" -qc "DROP DATABASE IF EXISTS $pg_db WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$tmp/bin" "$tmp/db"
  [[ $out == "$tmp/results" ]] || rm -rf "$tmp"
}
trap cleanup EXIT

stop_server() {
  if [[ -n $server_pid ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid"
    wait "$server_pid" 2>/dev/null || true
  fi
  server_pid=
}

echo "== build"
mkdir -p "$tmp/bin" "$tmp/db"
go build -o "$tmp/bin/hatch" ./cmd/hatch
go test -c -o "$tmp/bin/secure.test" ./internal/secure
go test -c -o "$tmp/bin/token.test" ./internal/token

# bench_ns BINARY NAME prints the ns/op of benchmark NAME (exact).
bench_ns() {
  "$1" -test.run '^$' -test.bench "^$2\$" -test.benchtime "$benchtime" -test.cpu "$cores" |
    awk -v name="$2" '$1 ~ "^"name"(-[0-9]+)?$" { print $3 }'
}

# bounds FILE measures the raw operations on one core and writes them as JSON
# (the all-core rates are measured before each scenario, below).
bounds() {
  echo "== raw costs on one core (benchtime $benchtime)"
  local a s v
  a=$(bench_ns "$tmp/bin/secure.test" BenchmarkArgon2idDefault)
  s=$(bench_ns "$tmp/bin/token.test" BenchmarkRawRS256Sign)
  v=$(bench_ns "$tmp/bin/token.test" BenchmarkRawRS256Verify)
  printf '{"cores": %s, "argon2_ns": %s, "sign_ns": %s, "verify_ns": %s}\n' "$cores" "$a" "$s" "$v" >"$1"
  cat "$1"
}

start_server() { # start_server DATABASE_URL
  local port log=$tmp/server.log
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  client_id=bench-$RANDOM$RANDOM
  api_key=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
  url=http://127.0.0.1:$port
  HATCH_MASTER_KEY=$(head -c 32 /dev/urandom | base64) "$tmp/bin/hatch" serve --addr "127.0.0.1:$port" \
    --database-url "$1" --client-id "$client_id" --api-key "$api_key" \
    --rate-limit-address 0 --rate-limit-identifier 0 --log-level warn >"$log" 2>&1 &
  server_pid=$!
  for _ in $(seq 300); do
    curl -sf "$url/healthz" >/dev/null 2>&1 && return 0
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "bench.sh: hatch did not start:" >&2
  cat "$log" >&2
  exit 1
}

loadtest() { # loadtest JSON_FILE [flags…]
  local file=$1
  shift
  "$tmp/bin/hatch" loadtest --url "$url" --client-id "$client_id" --api-key "$api_key" \
    --pid "$server_pid" --json "$file" "$@" || echo "bench.sh: loadtest reported errors (see above)"
}

for db in "${databases[@]}"; do
  bounds "$out/bounds-$db.json"
  echo "== $db: start hatch on a fresh database"
  if [[ $db == sqlite ]]; then
    start_server "sqlite:$tmp/db/bench.db"
  else
    pg_db=hatch_bench_$$
    psql "$pg_admin" -qc "CREATE DATABASE $pg_db" >/dev/null
    start_server "$(sed -E "s#^(postgres(ql)?://[^/]*)/[^?]*#\1/$pg_db#" <<<"$pg_admin")"
  fi
  sleep 1
  grep VmRSS "/proc/$server_pid/status" | awk '{ print $2 }' >"$out/idle-rss-kib-$db"
  echo "idle resident memory: $(awk '{ printf "%.1f MiB", $1 / 1024 }' "$out/idle-rss-kib-$db")"

  # Each scenario right after its own bound: on a shared machine the cores'
  # speed drifts over minutes, and a ratio is only fair within one moment.
  for sc in login refresh validate api-token api-token-refresh mixed; do
    bound=
    case $sc in
      login) bound=$(bench_ns "$tmp/bin/secure.test" BenchmarkArgon2idDefaultParallel) ;;
      refresh|api-token|api-token-refresh) bound=$(bench_ns "$tmp/bin/token.test" BenchmarkRawRS256SignParallel) ;;
      validate) bound=$(bench_ns "$tmp/bin/token.test" BenchmarkRawRS256VerifyParallel) ;;
    esac
    [[ -z $bound ]] || echo "{\"bound_ns\": $bound}" >"$out/bound-$db-$sc.json"
    echo "== $db: $sc, $concurrency workers, $duration${bound:+ (its bound just now: $bound ns per operation on all cores)}"
    loadtest "$out/scenario-$db-$sc.json" --scenarios "$sc" --concurrency "$concurrency" --duration "$duration"
  done
  peak=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"]; print(int(r[0]["rps"]) if r else 0)' "$out/scenario-$db-refresh.json")
  if ((peak > 0)); then
    paced=$((peak * 7 / 10))
    echo "== $db: refresh paced at 70% of its peak ($paced/s of $peak/s)"
    loadtest "$out/paced-$db.json" --scenarios refresh --rate "$paced" --concurrency $((2 * concurrency)) --duration "$duration"
  fi

  echo "== $db: memory after $sessions sessions and $rotations rotations"
  loadtest "$out/memory-$db.json" --scenarios sessions,rotations --sessions "$sessions" --rotations "$rotations" \
    --concurrency "$concurrency"
  stop_server
  if [[ $db == postgres ]]; then
    psql "$pg_admin" -qc "DROP DATABASE IF EXISTS $pg_db WITH (FORCE)" >/dev/null
    pg_db=
  fi
done

echo
echo "== summary ($cores cores: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'))"
python3 - "$out" "${databases[@]}" <<'EOF'
import json, os, sys

out, dbs = sys.argv[1], sys.argv[2:]

def load(name):
    path = os.path.join(out, name)
    return json.load(open(path)) if os.path.exists(path) else None

print("%-9s %-18s %10s %8s %8s  %-44s %7s  %s" % ("database", "path", "Hatch/s", "p99 ms", "cpu ms", "bound on all cores (per-op cost on one)", "ratio", "target"))
for db in dbs:
    b = load("bounds-%s.json" % db)
    scen = {}
    for name in ("login", "refresh", "validate", "api-token", "api-token-refresh", "mixed"):
        rep = load("scenario-%s-%s.json" % (db, name))
        if rep and rep["results"]:
            scen[name] = rep["results"][0]

    def rate(name):  # the scenario's own bound, measured just before it
        bf = load("bound-%s-%s.json" % (db, name))
        return 1e9 / bf["bound_ns"] if bf else None

    refresh_target = ">= 65%" if db == "sqlite" else ">= 50%"
    rows = [
        ("login", "argon2id", " (%.1f ms)" % (b["argon2_ns"] / 1e6), ">= 80%"),
        ("refresh", "RS256 sign", " (%.2f ms)" % (b["sign_ns"] / 1e6), refresh_target),
        ("api-token", "RS256 sign", "", refresh_target),
        ("api-token-refresh", "RS256 sign", "", refresh_target),
        ("validate", "RS256 verify", " (%.0f us)" % (b["verify_ns"] / 1e3), ">= 25%"),
        ("mixed", None, "", ""),
    ]
    for name, op, cost, target in rows:
        r = scen.get(name)
        if r is None:
            continue
        bound = rate(name) if op else None
        what = "%s %.0f/s%s" % (op, bound, cost) if bound else ""
        if r["status"] in ("unavailable", "failed"):
            print("%-9s %-18s %10s %8s %8s  %-44s %7s  %s" % (db, name, r["status"], "", "", what, "", target))
            continue
        ratio = "%.0f%%" % (100 * r["rps"] / bound) if bound else ""
        cpu = "%.3f" % r["cpuMsPerRequest"] if r.get("cpuMsPerRequest") else "-"
        flag = "" if r["status"] == "ok" else " (%s)" % r["status"]
        print("%-9s %-18s %10.1f %8.2f %8s  %-44s %7s  %s%s" % (db, name, r["rps"], r["p99Ms"], cpu, what, ratio, target, flag))
    paced = load("paced-%s.json" % db)
    if paced:
        r = paced["results"][0]
        print("%-9s %-18s %10.1f %8.2f %8s  %-44s %7s  %s" % (db, "refresh @70% peak", r["rps"], r["p99Ms"], "", "paced at %.0f/s" % r["targetRate"], "", "p99 <= 25 ms"))
    idle = int(open(os.path.join(out, "idle-rss-kib-%s" % db)).read())
    mem = {r["scenario"]: r for r in (load("memory-%s.json" % db) or {"results": []})["results"]}
    line = "%-9s resident memory: idle %.1f MiB (target <= 60 MiB)" % (db, idle / 1024)
    for name in ("sessions", "rotations"):
        r = mem.get(name)
        if r and r.get("rssKiB"):
            line += "; after %d %s %.1f MiB (%.0f/s)" % (r["requests"], name, r["rssKiB"] / 1024, r["rps"])
    print(line)
print("\ncpu ms: the hatch process's CPU time per request (not PostgreSQL's). JSON: %s" % out)
EOF
