#!/usr/bin/env bash
# P1 (import time), P5 (peak memory) and P6 (file size) of issue 7, each against
# the sqlite3 shell's `.import --csv` of the same CSV into a plain typed table
# with a TEXT primary key, run in the same invocation.
#
#   Benchmarks/import.sh                 # 100,000 and 1,000,000 rows, 3 runs each
#   ROWS="100000" RUNS=1 Benchmarks/import.sh
#
# Data is generated once, deterministically (Benchmarks/generate.py, seed 42),
# into Benchmarks/data/ (git-ignored). Times are wall-clock medians; peak RSS
# comes from /usr/bin/time -v.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
data="${DATA:-$here/data}"
rows="${ROWS:-100000 1000000}"
runs="${RUNS:-3}"
seed="${SEED:-42}"
accord="$root/.build/release/accord"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

command -v sqlite3 >/dev/null || { echo "needs the sqlite3 shell (apt-get install sqlite3)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 1; }

(cd "$root" && swift build -c release --static-swift-stdlib --product accord >/dev/null)
mkdir -p "$data"

# The plain table: the CSV's columns, typed, with a TEXT primary key.
baseline_schema='CREATE TABLE t (id TEXT PRIMARY KEY, kind TEXT, commitment TEXT, quantity INTEGER, outcome TEXT,
  observed TEXT, precision TEXT, source TEXT, source_kind TEXT, confidence TEXT, party TEXT, severity TEXT,
  description TEXT, evidence_sha256 TEXT, evidence_uri TEXT, note TEXT, place TEXT, lat REAL, lon REAL, geo_precision TEXT);'

# measure LABEL COMMAND...: runs COMMAND; prints "seconds peak_kib".
measure() {
    local out="$work/time.txt"
    /usr/bin/time -v -o "$out" "$@" >/dev/null 2>"$work/stderr.txt" || { cat "$work/stderr.txt" >&2; exit 1; }
    local wall rss
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$out" | awk -F: '{ if (NF == 3) print $1*3600 + $2*60 + $3; else print $1*60 + $2 }')
    rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$out")
    echo "$wall $rss"
}

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

printf '%-9s %-10s %10s %10s %7s %12s %12s %11s %11s %6s\n' rows "" accord_s sqlite3_s ratio accord_MiB sqlite3_MiB accord_MB sqlite3_MB size
for n in $rows; do
    csv="$data/events-$n.csv"
    [ -f "$csv" ] || python3 "$here/generate.py" --seed "$seed" --events "$n" "$data" >/dev/null
    accord_times=() base_times=() accord_rss=0 base_rss=0
    for run in $(seq "$runs"); do
        rm -f "$work"/ledger.sqlite* "$work"/plain.sqlite*
        ACCORD_ACTOR=bench "$accord" init --db "$work/ledger.sqlite" 2>/dev/null
        ACCORD_ACTOR=bench "$accord" import "$data/structure.csv" --db "$work/ledger.sqlite" --quiet 2>/dev/null
        read -r t r < <(ACCORD_ACTOR=bench measure "$accord" import "$csv" --db "$work/ledger.sqlite" --quiet)
        accord_times+=("$t"); accord_rss=$(( r > accord_rss ? r : accord_rss ))
        sqlite3 "$work/plain.sqlite" "$baseline_schema"
        read -r t r < <(measure sqlite3 "$work/plain.sqlite" ".import --csv --skip 1 $csv t")
        base_times+=("$t"); base_rss=$(( r > base_rss ? r : base_rss ))
    done
    a=$(printf '%s\n' "${accord_times[@]}" | median)
    b=$(printf '%s\n' "${base_times[@]}" | median)
    asize=$(stat -c %s "$work/ledger.sqlite")
    bsize=$(stat -c %s "$work/plain.sqlite")
    awk -v n="$n" -v a="$a" -v b="$b" -v ar="$accord_rss" -v br="$base_rss" -v as="$asize" -v bs="$bsize" 'BEGIN {
        printf "%-9s %-10s %10.2f %10.2f %6.2fx %12.1f %12.1f %11.1f %11.1f %5.2fx\n",
            n, "import", a, b, a / b, ar / 1024, br / 1024, as / 1e6, bs / 1e6, as / bs }'
done
echo "runs per figure: $runs (median wall time); peak RSS is the largest of the runs; $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, SQLite $(sqlite3 --version | cut -d' ' -f1)"
