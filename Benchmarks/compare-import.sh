#!/usr/bin/env bash
# Wall time, CPU time and peak RSS of `accord import` for each given binary and of
# `sqlite3 .import --csv` into the plain table of Benchmarks/import.sh, interleaved
# run by run in one invocation: to compare two builds on a shared machine without
# building anything (import.sh builds the static release binary first).
#
#   Benchmarks/compare-import.sh Benchmarks/data/events-100000.csv 5 /tmp/before /tmp/after
#
# Each run imports into a fresh ledger holding Benchmarks/data/structure.csv.
set -euo pipefail

[ $# -ge 3 ] || { echo "usage: $0 CSV RUNS ACCORD_BINARY..." >&2; exit 64; }
here="$(cd "$(dirname "$0")" && pwd)"
data="${DATA:-$here/data}"
csv=$1 runs=$2
shift 2
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 1; }

baseline_schema='CREATE TABLE t (id TEXT PRIMARY KEY, kind TEXT, commitment TEXT, quantity INTEGER, outcome TEXT,
  observed TEXT, precision TEXT, source TEXT, source_kind TEXT, confidence TEXT, party TEXT, severity TEXT,
  description TEXT, evidence_sha256 TEXT, evidence_uri TEXT, note TEXT, place TEXT, lat REAL, lon REAL, geo_precision TEXT);'

# measure COMMAND...: prints "wall_s peak_kib user_s sys_s".
measure() {
    /usr/bin/time -v -o "$work/time.txt" "$@" >/dev/null 2>"$work/stderr.txt" || { cat "$work/stderr.txt" >&2; exit 1; }
    awk -F': ' '
        /Elapsed \(wall clock\)/ { n = split($2, t, ":"); wall = (n == 3) ? t[1] * 3600 + t[2] * 60 + t[3] : t[1] * 60 + t[2] }
        /Maximum resident set size/ { rss = $2 }
        /User time/ { user = $2 }
        /System time/ { sys = $2 }
        END { print wall, rss, user, sys }' "$work/time.txt"
}

for run in $(seq "$runs"); do
    for accord in "$@"; do
        rm -f "$work"/ledger.sqlite*
        ACCORD_ACTOR=bench "$accord" init --db "$work/ledger.sqlite" 2>/dev/null
        ACCORD_ACTOR=bench "$accord" import "$data/structure.csv" --db "$work/ledger.sqlite" --quiet 2>/dev/null
        read -r w r u s < <(ACCORD_ACTOR=bench measure "$accord" import "$csv" --db "$work/ledger.sqlite" --quiet)
        awk -v b="$accord" -v n="$run" -v w="$w" -v r="$r" -v u="$u" -v s="$s" -v z="$(stat -c %s "$work/ledger.sqlite")" 'BEGIN {
            printf "%-28s run %d: %6.2f s wall, %5.2f s user, %4.2f s sys, %5.1f MiB, %.1f MB\n", b, n, w, u, s, r / 1024, z / 1e6 }'
    done
    rm -f "$work"/plain.sqlite*
    sqlite3 "$work/plain.sqlite" "$baseline_schema"
    read -r w r u s < <(measure sqlite3 "$work/plain.sqlite" ".import --csv --skip 1 $csv t")
    awk -v n="$run" -v w="$w" -v r="$r" -v u="$u" -v s="$s" 'BEGIN {
        printf "%-28s run %d: %6.2f s wall, %5.2f s user, %4.2f s sys, %5.1f MiB\n", "sqlite3 .import", n, w, u, s, r / 1024 }'
done
echo "$(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), SQLite $(sqlite3 --version | cut -d' ' -f1)"
