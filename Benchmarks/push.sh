#!/usr/bin/env bash
# Issue 16: pushing N signed field entries to the mission ledger, against
# `accord import` of the same rows (signed the same way) into a copy of the
# same mission ledger, in the same invocation.
#
#   Benchmarks/push.sh                      # 100,000 entries
#   EVENTS=20000 Benchmarks/push.sh         # a quicker look
#   SKIP_BUILD=1 Benchmarks/push.sh         # with the release binaries already built
#   BIN=DIR SKIP_BUILD=1 Benchmarks/push.sh # with accord and accord-server from DIR (another build, to compare)
#
# Prints three times and their ratios to the import: `accord push` over HTTP
# to `accord serve` (bundles of 1,000, each answered and its receipts stored
# before the next), and the sneakernet path (`accord bundle`, `accord
# import-bundle` on the mission ledger, `accord import-receipts` back).
# Needs: swift, python3, curl, /usr/bin/time (apt-get install time).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
events="${EVENTS:-100000}"
data="${DATA:-$here/data}"
bin="${BIN:-$root/.build/release}"
work="$(mktemp -d)"
server_pid=
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
export ACCORD_ACTOR=bench

if [ -z "${SKIP_BUILD:-}" ]; then
    echo "Building the release binaries…" >&2
    (cd "$root" && swift build -c release --product accord >/dev/null && swift build -c release --product accord-server >/dev/null)
fi
mkdir -p "$data"
[ -f "$data/events-$events.csv" ] || python3 "$here/generate.py" --seed 42 --events "$events" "$data" >/dev/null
csv="$data/events-$events.csv"
now() { date +%s.%N; }
q() { "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; "$@" >&2 || true; exit 1; }; }

# The mission ledger: the structure, a checkpoint key and the monitor's key.
q "$bin/accord" init --db "$work/mission.sqlite"
q "$bin/accord" import "$data/structure.csv" --db "$work/mission.sqlite" --quiet
q "$bin/accord" key generate --out "$work/mission.key" --name mission
q "$bin/accord" key generate --out "$work/mon.key" --name mon
q "$bin/accord" key register mon --public "$work/mon.key.pub" --db "$work/mission.sqlite"
token=$("$bin/accord" token issue --db "$work/mission.sqlite" --role monitor --name mon 2>/dev/null)
# Receipts are signed only with a mission admin key: the ledger's first, registered last.
q "$bin/accord" key register mission --public "$work/mission.key.pub" --role admin --db "$work/mission.sqlite"
cp "$work/mission.sqlite" "$work/baseline.sqlite"
cp "$work/mission.sqlite" "$work/carried.sqlite"

# The field ledger: cloned, the events logged offline and signed (not timed).
q "$bin/accord" bundle definitions --out "$work/definitions.json" --db "$work/mission.sqlite"
q "$bin/accord" clone --from-bundle "$work/definitions.json" --db "$work/field.sqlite"
echo "Logging $events signed entries on the field ledger…" >&2
q "$bin/accord" import "$csv" --db "$work/field.sqlite" --sign-with "$work/mon.key" --quiet
cp "$work/field.sqlite" "$work/field-carried.sqlite"

echo "Baseline: accord import of the same rows into the mission ledger…" >&2
start=$(now)
q /usr/bin/time -o "$work/import.time" -f "%U %S" \
    "$bin/accord" import "$csv" --db "$work/baseline.sqlite" --sign-with "$work/mon.key" --quiet
import_s=$(python3 -c "print($(now) - $start)")
import_cpu=$(awk '{print $1 + $2}' "$work/import.time")

echo "accord push over HTTP…" >&2
"$bin/accord-server" --db "$work/mission.sqlite" --listen 127.0.0.1:0 --rate-limit 0 --log-level warning \
    --checkpoint-key "$work/mission.key" --max-import 67108864 2>"$work/server.log" &
server_pid=$!
for _ in $(seq 100); do
    port=$(sed -n 's/.* port \([0-9]*\);.*/\1/p' "$work/server.log")
    [ -n "$port" ] && break
    sleep 0.1
done
[ -n "$port" ] || { cat "$work/server.log" >&2; exit 1; }
start=$(now)
q /usr/bin/time -o "$work/push.time" -f "%U %S" \
    "$bin/accord" push --remote "http://127.0.0.1:$port" --token "$token" --db "$work/field.sqlite" --batch "${BATCH:-1000}"
push_s=$(python3 -c "print($(now) - $start)")
# CPU seconds: the push with its client processes; the server (user + system, from /proc).
push_cpu=$(awk '{print $1 + $2}' "$work/push.time")
server_cpu=$(awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) / hz}' "/proc/$server_pid/stat")
kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=

echo "The same carried as a bundle…" >&2
start=$(now)
q "$bin/accord" bundle --out "$work/bundle.json" --db "$work/field-carried.sqlite"
q "$bin/accord" import-bundle "$work/bundle.json" --receipts "$work/receipts.json" --checkpoint-key "$work/mission.key" \
    --db "$work/carried.sqlite"
q "$bin/accord" import-receipts "$work/receipts.json" --db "$work/field-carried.sqlite"
bundle_s=$(python3 -c "print($(now) - $start)")

for ledger in baseline mission carried field field-carried; do
    q "$bin/accord" audit --db "$work/$ledger.sqlite"
done
pending=$("$bin/accord" push --status --format json --db "$work/field.sqlite" | python3 -c \
    'import json,sys; rows=json.load(sys.stdin); print(sum(1 for r in rows if r["state"] != "accepted"))')
[ "$pending" = 0 ] || { echo "$pending entries were not accepted" >&2; exit 1; }

python3 - "$events" "$import_s" "$push_s" "$bundle_s" "${BATCH:-1000}" "$import_cpu" "$push_cpu" "$server_cpu" <<'PY'
import sys
n, i, p, b, b_size, ic, pc, sc = int(sys.argv[1]), *map(float, sys.argv[2:5]), int(sys.argv[5]), *map(float, sys.argv[6:9])
print(f"import  {n} signed rows into the mission ledger: {i:7.2f} s  (CPU {ic:.2f} s)")
print(f"push    over HTTP (bundles of {b_size:,}):       {p:7.2f} s  = {p / i:.2f}x the import (goal <= 2.0x)")
print(f"        CPU: accord push and its clients {pc:.2f} s, the server {sc:.2f} s: {(pc + sc) / ic:.2f}x the import's")
print(f"bundle  + import-bundle + import-receipts:      {b:7.2f} s  = {b / i:.2f}x the import")
PY
