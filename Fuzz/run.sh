#!/usr/bin/env bash
# Builds the libFuzzer targets and runs each for a while.
#
#   Fuzz/run.sh [SECONDS_PER_TARGET] [TARGET…]      (default: 300 s; fuzz-csv fuzz-entry)
#
# Needs a Swift toolchain that ships libFuzzer (the Linux toolchains do).
# Builds in .build-fuzz, with the modules under test instrumented
# (-sanitize=fuzzer, see the end of Package.swift), so .build is untouched.
# Seeds: Fuzz/corpus/<target>/ (kept in git) plus, for fuzz-entry, the canonical
# entries of a fresh demo ledger. New interesting inputs go to
# .build-fuzz/corpus/<target>/; crashes to Fuzz/findings/<target>/.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-300}"
shift || true
targets=("$@")
[ "${#targets[@]}" -gt 0 ] || targets=(fuzz-csv fuzz-entry)

# libFuzzer without its main (the targets' main.swift calls LLVMFuzzerRunDriver).
resource_dir="$(dirname "$(dirname "$(command -v swiftc)")")/lib"
ACCORD_FUZZ="$(find -L "$resource_dir" -name 'libclang_rt.fuzzer_no_main-*.a' 2>/dev/null | grep "$(uname -m)" | head -n1)"
if [ -z "$ACCORD_FUZZ" ]; then
    echo "this toolchain has no libFuzzer (libclang_rt.fuzzer_no_main): nothing to fuzz with" >&2
    exit 2
fi
fuzz_build() { ACCORD_FUZZ="$ACCORD_FUZZ" swift build --build-path .build-fuzz "$@"; }
for target in "${targets[@]}"; do
    fuzz_build --product "$target"
done
bin="$(fuzz_build --show-bin-path)"

for target in "${targets[@]}"; do
    corpus=".build-fuzz/corpus/$target"
    findings="Fuzz/findings/$target"
    mkdir -p "$corpus" "$findings"
    cp -n Fuzz/corpus/"$target"/* "$corpus"/ 2>/dev/null || true
    if [ "$target" = fuzz-entry ]; then
        # Real entries of every kind the demo makes, as seeds.
        env -u ACCORD_FUZZ swift build --product accord >/dev/null
        scratch="$(mktemp -d)"
        ACCORD_NOW=2025-06-10T12:00:00Z .build/debug/accord demo --db "$scratch/demo.sqlite" --format json >/dev/null
        .build/debug/accord key generate --out "$scratch/monitor.key" >/dev/null 2>&1
        .build/debug/accord key register monitor --public "$scratch/monitor.key.pub" --db "$scratch/demo.sqlite" 2>/dev/null
        .build/debug/accord log UA-release --quantity 1 --observed 2025-06-01 --source Seed --sign-with "$scratch/monitor.key" \
            --db "$scratch/demo.sqlite" --note "signed seed" --lat 50.45 --lon 30.52 --evidence-sha256 "$(printf '%064d' 0)" 2>/dev/null
        .build/debug/accord correct icrc-2025-05-23-UA --reason recount --quantity 391 --db "$scratch/demo.sqlite" 2>/dev/null
        .build/debug/accord dispute hrmmu-2025-06-01 --by RU --reason denied --db "$scratch/demo.sqlite" 2>/dev/null
        .build/debug/accord adjudicate hrmmu-2025-06-01 --upheld --reason "imagery" --db "$scratch/demo.sqlite" 2>/dev/null
        .build/debug/accord retract wire-2025-06-04 --reason withdrawn --db "$scratch/demo.sqlite" 2>/dev/null
        .build/debug/accord commitment withdraw RU-summit --reason superseded --db "$scratch/demo.sqlite" 2>/dev/null
        .build/debug/accord key revoke monitor --reason rotated --db "$scratch/demo.sqlite" 2>/dev/null
        sqlite3 "$scratch/demo.sqlite" "SELECT seq, hex(entry) FROM journal" | while IFS='|' read -r seq hex; do
            printf '%s' "$hex" | xxd -r -p > "$corpus/demo-$seq"
        done
        rm -rf "$scratch"
    fi
    echo "== $target for ${seconds}s"
    # Swift's own crash backtracer would pre-empt libFuzzer's, which saves the input.
    SWIFT_BACKTRACE=enable=no "$bin/$target" "$corpus" -max_total_time="$seconds" -max_len=4096 -timeout=10 \
        -artifact_prefix="$findings/" -print_final_stats=1 2>&1 | tail -25
done
