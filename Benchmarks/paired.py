#!/usr/bin/env python3
"""Two commands timed in alternating pairs, for a machine whose speed drifts.

    python3 Benchmarks/paired.py N "COMMAND A" "COMMAND B"

Runs each command twice to warm up, then N pairs (A then B, B then A, in
turn) and prints both medians, the median of the pairs' differences (B - A)
and how many pairs B won. A slow minute slows both runs of a pair, so the
differences stay comparable when the absolute times do not
(docs/PERFORMANCE.md, "P3: the report's first thread").
"""
import statistics
import subprocess
import sys
import time


def run(command):
    start = time.perf_counter()
    subprocess.run(command, shell=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    pairs, a, b = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    for command in (a, b):
        run(command)
        run(command)
    times_a, times_b = [], []
    for index in range(pairs):
        if index % 2:
            x, y = run(a), run(b)
        else:
            y, x = run(b), run(a)
        times_a.append(x)
        times_b.append(y)
    differences = [y - x for x, y in zip(times_a, times_b)]
    print(f"A median {1000 * statistics.median(times_a):.1f} ms, B median {1000 * statistics.median(times_b):.1f} ms, "
          f"median(B-A) {1000 * statistics.median(differences):+.1f} ms, "
          f"B faster in {sum(1 for d in differences if d < 0)}/{pairs} pairs")


if __name__ == "__main__":
    main()
