#!/usr/bin/env bash
# Every performance target of issue 7, each measured as a ratio against a
# baseline run in the same invocation on the same data (absolute times do not
# transfer between machines; ratios do, roughly).
#
#   Benchmarks/run.sh              # the full run: 1,000,000 events (about 10 minutes)
#   EVENTS=100000 Benchmarks/run.sh   # a quicker look
#
# P1 import     accord import of N events  vs  sqlite3 '.import --csv' into a plain typed table
# P2 append     one `accord log` process   vs  one `sqlite3 DB "INSERT …"` process, same file size, FULL sync
# P3 report     accord report, 10,000 commitments: at N events vs at 10,000 events (and absolute ms)
# P4 audit      accord audit of N entries  vs  importing them
# P5 memory     peak RSS of the N-row import, and the 100k and N imports against each other
# P6 size       the ledger file after the import  vs  the plain sqlite3 table of the same CSV
#
# Needs: swift, python3, sqlite3, hyperfine and /usr/bin/time (apt-get install sqlite3 hyperfine time).
# Data is generated deterministically (Benchmarks/generate.py, seed 42) into Benchmarks/data/.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
data="${DATA:-$here/data}"
events="${EVENTS:-1000000}"
small=100000
seed=42
accord="$root/.build/release/accord"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export ACCORD_ACTOR=bench

for tool in sqlite3 hyperfine python3; do
    command -v "$tool" >/dev/null || { echo "needs $tool (apt-get install $tool)" >&2; exit 1; }
done
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 1; }

echo "Building the release binary…" >&2
(cd "$root" && swift build -c release --static-swift-stdlib --product accord >/dev/null)
mkdir -p "$data" "$data/p3"
[ -f "$data/events-$events.csv" ] || python3 "$here/generate.py" --seed "$seed" --events "$events" "$data" >/dev/null
[ -f "$data/events-$small.csv" ] || python3 "$here/generate.py" --seed "$seed" --events "$small" "$data" >/dev/null
[ -f "$data/p3/events-$events.csv" ] || python3 "$here/generate.py" --seed "$seed" --commitments 10000 --events "$events" "$data/p3" >/dev/null
[ -f "$data/p3/events-10000.csv" ] || python3 "$here/generate.py" --seed "$seed" --commitments 10000 --events 10000 "$data/p3" >/dev/null

plain_schema='CREATE TABLE t (id TEXT PRIMARY KEY, kind TEXT, commitment TEXT, quantity INTEGER, outcome TEXT,
  observed TEXT, precision TEXT, source TEXT, source_kind TEXT, confidence TEXT, party TEXT, severity TEXT,
  description TEXT, evidence_sha256 TEXT, evidence_uri TEXT, note TEXT, place TEXT, lat REAL, lon REAL, geo_precision TEXT);'

# timed COMMAND...: prints "wall_seconds peak_KiB".
timed() {
    local out="$work/time.txt"
    /usr/bin/time -v -o "$out" "$@" >/dev/null 2>"$work/stderr.txt" || { cat "$work/stderr.txt" >&2; exit 1; }
    awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); w = (n == 3) ? p[1]*3600 + p[2]*60 + p[3] : p[1]*60 + p[2] }
                /Maximum resident set size/ { r = $2 } END { print w, r }' "$out"
}

# ledger NAME STRUCTURE EVENTS: a ledger with the structure imported; prints the timed import of EVENTS.
ledger() {
    rm -f "$work/$1".sqlite*
    "$accord" init --db "$work/$1.sqlite" 2>/dev/null
    "$accord" import "$2" --db "$work/$1.sqlite" --quiet 2>/dev/null
    timed "$accord" import "$3" --db "$work/$1.sqlite" --quiet
}

plain() {
    rm -f "$work/$1".sqlite*
    sqlite3 "$work/$1.sqlite" "$plain_schema"
    timed sqlite3 "$work/$1.sqlite" ".import --csv --skip 1 $2 t"
}

# hyperfine_mean COMMAND: mean seconds over repeated runs.
hyperfine_mean() {
    hyperfine -N --warmup 3 --runs "${2:-30}" --export-json "$work/h.json" "$1" >/dev/null 2>&1
    python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["results"][0]["mean"])' "$work/h.json"
}

echo "P1, P5, P6: importing $events and $small events (accord and sqlite3)…" >&2
read -r import_s import_kib < <(ledger big "$data/structure.csv" "$data/events-$events.csv")
read -r plain_s plain_kib < <(plain plainbig "$data/events-$events.csv")
read -r small_s small_kib < <(ledger small "$data/structure.csv" "$data/events-$small.csv")
ledger_bytes=$(stat -c %s "$work/big.sqlite")
plain_bytes=$(stat -c %s "$work/plainbig.sqlite")

echo "P4: auditing $events entries…" >&2
read -r audit_s audit_kib < <(timed "$accord" audit --db "$work/big.sqlite")

echo "P3: reports over 10,000 commitments…" >&2
ledger p3small "$data/p3/structure.csv" "$data/p3/events-10000.csv" >/dev/null
ledger p3big "$data/p3/structure.csv" "$data/p3/events-$events.csv" >/dev/null
report_small=$(hyperfine_mean "$accord report --db $work/p3small.sqlite --format json" 20)
report_big=$(hyperfine_mean "$accord report --db $work/p3big.sqlite --format json" 20)
report_hist=$(hyperfine_mean "$accord report --db $work/p3big.sqlite --format json --at 2024-06-30" 5)

echo "P2: single appends…" >&2
cp "$work/small.sqlite" "$work/append.sqlite"
cp "$work/small.sqlite" "$work/append-plain.sqlite"
sqlite3 "$work/append-plain.sqlite" "CREATE TABLE bench_plain (id INTEGER PRIMARY KEY, commitment TEXT, quantity INTEGER, observed TEXT, source TEXT) STRICT;"
commitment=$(sqlite3 "$work/append.sqlite" "SELECT id FROM commitments WHERE kind = 'quantity' LIMIT 1")
append_s=$(hyperfine_mean "$accord log $commitment --quantity 1 --observed 2025-05-26 --source bench --db $work/append.sqlite")
insert_s=$(hyperfine_mean "sqlite3 $work/append-plain.sqlite \"PRAGMA synchronous=FULL; INSERT INTO bench_plain (commitment, quantity, observed, source) VALUES ('$commitment', 1, '2025-05-26', 'bench')\"")

python3 - "$events" "$small" "$import_s" "$plain_s" "$import_kib" "$small_kib" "$ledger_bytes" "$plain_bytes" \
    "$audit_s" "$report_small" "$report_big" "$report_hist" "$append_s" "$insert_s" "$small_s" <<'PY'
import sys
(events, small, import_s, plain_s, import_kib, small_kib, ledger_b, plain_b, audit_s, rep_small, rep_big, rep_hist,
 append_s, insert_s, small_s) = sys.argv[1:]
f = float
rows = [
    ("P1 import", f"{int(events):,} events: {f(import_s):.2f} s", f"sqlite3 .import: {f(plain_s):.2f} s", f(import_s) / f(plain_s), "≤ 2.0×"),
    ("P2 single append", f"accord log: {f(append_s)*1000:.1f} ms", f"sqlite3 INSERT: {f(insert_s)*1000:.1f} ms", f(append_s) / f(insert_s), "≤ 1.5×"),
    ("P3 report", f"10k commitments, {int(events):,} events: {f(rep_big)*1000:.0f} ms", f"10k events: {f(rep_small)*1000:.0f} ms", f(rep_big) / f(rep_small), "≤ 1.3×, < 100 ms"),
    ("P3 historical --at", f"{int(events):,} events, --at mid-way: {f(rep_hist)*1000:.0f} ms", "(absolute)", None, "< 1 s"),
    ("P4 audit", f"{int(events):,} entries: {f(audit_s):.2f} s", f"importing them: {f(import_s):.2f} s", f(audit_s) / f(import_s), "≤ 1.0×"),
    ("P5 memory", f"peak RSS, {int(events):,} rows: {int(import_kib)/1024:.1f} MiB", f"{int(small):,} rows: {int(small_kib)/1024:.1f} MiB", int(import_kib) / int(small_kib), "≤ 64 MiB, within 1.10×"),
    ("P6 size", f"ledger: {int(ledger_b)/1e6:.1f} MB", f"plain table: {int(plain_b)/1e6:.1f} MB", int(ledger_b) / int(plain_b), "≤ 2.5×"),
]
print("| target | accord | baseline | ratio | goal |")
print("| --- | --- | --- | --- | --- |")
for name, a, b, r, goal in rows:
    print(f"| {name} | {a} | {b} | {'' if r is None else f'{r:.2f}×'} | {goal} |")
print()
print(f"Growth: importing {int(small):,} events took {f(small_s):.2f} s ({f(small_s) / int(small) * 1e6:.1f} µs each), "
      f"{int(events):,} events {f(import_s):.2f} s ({f(import_s) / int(events) * 1e6:.1f} µs each).")
PY
echo
echo "$(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(uname -m), SQLite $(sqlite3 --version | cut -d' ' -f1), $("$accord" --version)"
