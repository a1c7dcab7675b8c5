"""The table the generated-data loads print when they finish (bench_demo_generator,
bench_occupancy_generated, bench_referrals_generated): rows and write time per model."""

from __future__ import annotations

from collections import Counter


def print_rows_written(counts: Counter[str], timings: dict[str, float], elapsed: float) -> int:
    """Print rows, write seconds and rows/s per model (largest first), then the timed steps that
    wrote no rows, then the total; return the total number of rows."""
    total = sum(counts.values())
    print(f"\n{'model':<40} {'rows':>10} {'write s':>9} {'rows/s':>10}")
    for label, rows in sorted(counts.items(), key=lambda item: -item[1]):
        seconds = timings.get(label, 0.0)
        rate = f"{rows / seconds:10.0f}" if seconds else f"{'-':>10}"
        print(f"{label:<40} {rows:>10,} {seconds:9.1f} {rate}")
    for label in sorted(set(timings) - set(counts)):
        print(f"{label:<40} {'':>10} {timings[label]:9.1f}")
    print(f"{'total':<40} {total:>10,} {elapsed:9.1f} {total / elapsed:10.0f}")
    return total
