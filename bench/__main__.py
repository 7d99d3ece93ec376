"""``make bench``: run every benchmark, or those named on the command line."""

from __future__ import annotations

import sys

from bench import cli, posting, practice, queue, scrub, web, x12

BENCHMARKS = {
    "cli": cli.run,
    "practice": practice.run,
    "queue": queue.run,
    "x12": x12.run,
    "scrub": scrub.run,
    "posting": posting.run,
    "web": web.run,
}


def main(names: list[str]) -> None:
    for name in names or list(BENCHMARKS):
        BENCHMARKS[name]()


if __name__ == "__main__":
    main(sys.argv[1:])
