"""Time LinuxForHealth x12 model parsing of one file (run by the X12 benchmark in its own venv).

linuxforhealth-x12 needs pydantic < 2, which claimdesk's environment cannot hold, so the benchmark
runs this script with the interpreter of ``bench/.venv-peers``. It imports nothing from claimdesk
and prints one JSON line: wall and CPU seconds and the number of transaction models parsed.
"""

from __future__ import annotations

import json
import sys
import time

from linuxforhealth.x12.io import X12ModelReader  # type: ignore[import-not-found]


def main(path: str) -> None:
    wall, cpu = time.perf_counter(), time.process_time()
    models = 0
    with X12ModelReader(path) as reader:
        for _ in reader.models():
            models += 1
    result = {
        "wall": time.perf_counter() - wall,
        "cpu": time.process_time() - cpu,
        "models": models,
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1])
