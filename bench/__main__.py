"""``make bench``: run every benchmark, or those named on the command line."""

from __future__ import annotations

import importlib
import sys

# Each benchmark's module is imported when it runs, so one benchmark pays for no other's imports.
BENCHMARKS = (
    "cli",
    "practice",
    "queue",
    "x12",
    "acks",
    "scrub",
    "posting",
    "web",
    "analytics",
    "tenancy",
    "mllp",
)


def main(names: list[str]) -> None:
    unknown = sorted(set(names) - set(BENCHMARKS))
    if unknown:
        raise SystemExit(
            f"unknown benchmark(s) {', '.join(unknown)}; known: {', '.join(BENCHMARKS)}"
        )
    for name in names or BENCHMARKS:
        importlib.import_module(f"bench.{name}").run()


if __name__ == "__main__":
    main(sys.argv[1:])
