#!/usr/bin/env bash
# S1 (issue 15): entries a second recorded through `accord serve` by concurrent
# clients posting verifications, against one `accord log` process per entry
# run back to back, on copies of the same ledger in the same invocation.
#
#   Benchmarks/serve.sh                          # 32 clients, 6,400 posts; 300 `accord log` runs
#   CLIENTS=8 REQUESTS=2000 LOGS=100 Benchmarks/serve.sh
#
# Needs: swift, curl, python3 and hey (apt-get install hey).
# Prints the two rates, their ratio, hey's latency distribution (p50, p99),
# and the group-commit sizes the server's /metrics saw.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
clients="${CLIENTS:-32}"
requests="${REQUESTS:-6400}"
logs="${LOGS:-300}"
bin="$root/.build/release"
work="$(mktemp -d)"
server_pid=
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
export ACCORD_ACTOR=bench

for tool in hey curl python3; do
    command -v "$tool" >/dev/null || { echo "needs $tool (apt-get install $tool)" >&2; exit 1; }
done
if [ -z "${SKIP_BUILD:-}" ]; then
    echo "Building the release binaries…" >&2
    (cd "$root" && swift build -c release --product accord >/dev/null && swift build -c release --product accord-server >/dev/null)
fi

"$bin/accord" demo --db "$work/base.sqlite" >/dev/null 2>&1
cp "$work/base.sqlite" "$work/cli.sqlite"
cp "$work/base.sqlite" "$work/served.sqlite"
now() { date +%s.%N; }

# Baseline: one process per entry, back to back.
start=$(now)
for i in $(seq "$logs"); do
    "$bin/accord" log UA-release --db "$work/cli.sqlite" --quantity 1 --observed 2025-05-26 --source Field \
        --source-kind monitor --id "cli-$i" 2>/dev/null
done
end=$(now)
cli_rate=$(python3 -c "print(f'{$logs / ($end - $start):.1f}')")

# The server: a monitor's token, no rate limit, request logs off.
token=$("$bin/accord" token issue --db "$work/served.sqlite" --role monitor --name bench 2>/dev/null)
"$bin/accord-server" --db "$work/served.sqlite" --listen 127.0.0.1:0 --rate-limit 0 --log-level warning \
    2>"$work/server.log" &
server_pid=$!
for _ in $(seq 100); do
    port=$(sed -n 's/.* port \([0-9]*\);.*/\1/p' "$work/server.log")
    [ -n "$port" ] && break
    sleep 0.1
done
[ -n "$port" ] || { cat "$work/server.log" >&2; exit 1; }
before=$(sqlite3 "$work/served.sqlite" "SELECT count(*) FROM journal" 2>/dev/null || echo 0)

# Each post has no external id, so each is a new entry (hey sends one body).
body='{"commitment":"UA-release","quantity":1,"observed":"2025-05-26","source":"Field","sourceKind":"monitor"}'
hey -n "$requests" -c "$clients" -m POST -T application/json -H "Authorization: Bearer $token" -d "$body" \
    "http://127.0.0.1:$port/v1/verifications" >"$work/hey.txt"
curl -s "http://127.0.0.1:$port/metrics" >"$work/metrics.txt"
kill -TERM "$server_pid"; wait "$server_pid" || true; server_pid=

after=$(sqlite3 "$work/served.sqlite" "SELECT count(*) FROM journal")
"$bin/accord" audit --db "$work/served.sqlite" >/dev/null 2>&1 || { echo "the served ledger does not audit" >&2; exit 1; }

python3 - "$work/hey.txt" "$work/metrics.txt" "$cli_rate" "$requests" "$clients" "$logs" "$before" "$after" <<'EOF'
import re, sys
hey, metrics, cli_rate, requests, clients, logs, before, after = sys.argv[1:]
text = open(hey).read()
rate = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
codes = dict((c, int(n)) for c, n in re.findall(r"\[(\d+)\]\s+(\d+) responses", text))
p = dict((q, float(s)) for q, s in re.findall(r"\s(\d+)%+ in ([\d.]+) secs", text))
m = open(metrics).read()
buckets = [(le, float(v)) for le, v in re.findall(r'accord_group_commit_size_bucket\{le="([^"]+)"\} ([\d.e+]+)', m)]
count = float(re.search(r"accord_group_commit_size_count(?:\{\})? ([\d.e+]+)", m).group(1))
total = float(re.search(r"accord_group_commit_size_sum(?:\{\})? ([\d.e+]+)", m).group(1))
print(f"accord log, one process per entry ({logs} runs): {float(cli_rate):.1f} entries/s")
print(f"accord serve, {clients} clients, {requests} posts: {rate:.1f} requests/s; statuses {codes}; "
      f"journal grew by {int(after) - int(before)}")
print(f"ratio: {rate / float(cli_rate):.1f}x (goal >= 10x)")
print(f"latency: p50 {p.get('50', 0) * 1000:.1f} ms, p90 {p.get('90', 0) * 1000:.1f} ms, "
      f"p99 {p.get('99', 0) * 1000:.1f} ms (goal <= 100 ms)")
print(f"group commits: {int(count)} transactions, {total / count:.1f} entries each on average; "
      "cumulative buckets " + ", ".join(f"<={le}: {int(v)}" for le, v in buckets))
EOF
