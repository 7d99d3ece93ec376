"""``python -m bench cli``: what a user waits for, as whole processes, against ``python -c pass``.

Each command runs ``RUNS`` times, interleaved with its floor so both see the same machine; the
figures are min / median / max of wall time. Ratios are against the floor measured in the run.

- ``claimdesk --help`` and ``claimdesk queue list --json`` on an empty home (floor: ``python -c
  pass``);
- ``claimdesk x12 inspect`` of a 20,000-claim 835 (floor: a fresh ``python3`` that reads the file
  and splits it into segments);
- ``claimdesk submit`` of 1,000 claims (each run on a fresh copy of one imported home), and the
  part of it that is code-set loading (``load_reference`` plus the first ICD-10-CM lookup, with
  the compiled cache warm, and once cold).
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bench.x12_data import claim_inputs, write_remittance
from claimdesk.domain.clock import practice_today
from claimdesk.synth import catalog, write_practice

RUNS = 7
SUBMIT_RUNS = 3
CLAIMS_835 = 20_000
CLAIMS_SUBMIT = 1_000
BIN = Path(sys.executable).parent
CLAIMDESK = str(BIN / "claimdesk")
PASS = (sys.executable, "-c", "pass")
CODE_SETS = (
    "from datetime import date\n"
    "from pathlib import Path\n"
    "from claimdesk.codes.reference import load_reference\n"
    "reference = load_reference(Path('{codes}'))\n"
    "reference.diagnoses.facts('I10', date.today())\n"
)


def _wall(command: Sequence[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, timeout=900)
    elapsed = time.perf_counter() - started
    if done.returncode not in (0, 1):  # 1: the command ran and reported findings
        raise RuntimeError(f"{' '.join(command)}: {done.stderr.decode()[-2000:]}")
    return elapsed


def _figures(samples: list[float]) -> str:
    return (
        f"min {min(samples):6.3f} s  median {statistics.median(samples):6.3f} s  "
        f"max {max(samples):6.3f} s"
    )


def _paired(
    label: str, command: Sequence[str], floor_label: str, floor: Sequence[str], env: dict[str, str]
) -> None:
    ours: list[float] = []
    base: list[float] = []
    _wall(command, env)  # warm the file cache and the compiled code-set cache
    for _ in range(RUNS):
        base.append(_wall(floor, env))
        ours.append(_wall(command, env))
    ratio = statistics.median(ours) / statistics.median(base)
    print(f"  {label:<38} {_figures(ours)}")
    print(f"  {floor_label:<38} {_figures(base)}")
    print(f"  {'':<38} median ratio x{ratio:.1f}")


def _submit_home(root: Path, env: dict[str, str]) -> Path:
    """One home with 1,000 unbilled claims dated in the 30 days to today."""
    bundle, home = root / "bundle", root / "home"
    today = practice_today(datetime.now(UTC), ZoneInfo(catalog.TIME_ZONE))
    write_practice(bundle, patients=300, encounters=CLAIMS_SUBMIT, seed=3, as_of=today, days=30)
    for step in (["init"], ["import", str(bundle)]):
        subprocess.run(
            [CLAIMDESK, "--home", str(home), *step], env=env, check=True, capture_output=True
        )
    return home


def _submit(root: Path, env: dict[str, str]) -> None:
    home = _submit_home(root, env)
    runs: list[float] = []
    for number in range(SUBMIT_RUNS):
        copy = root / f"run{number}"
        shutil.copytree(home, copy)
        started = time.perf_counter()
        done = subprocess.run(
            [CLAIMDESK, "--home", str(copy), "submit", "--json"],
            env=env,
            capture_output=True,
            timeout=900,
        )
        runs.append(time.perf_counter() - started)
        if done.returncode not in (0, 1):
            raise RuntimeError(f"submit failed: {done.stderr.decode()[-2000:]}")
    codes = CODE_SETS.format(codes=home / "codes")
    warm = [_wall((sys.executable, "-c", codes), env) for _ in range(RUNS)]
    floor = [_wall(PASS, env) for _ in range(RUNS)]
    cold_env = {**env, "CLAIMDESK_CACHE_DIR": str(root / "cold-cache")}
    cold = _wall((sys.executable, "-c", codes), cold_env)
    print(f"  {f'claimdesk submit ({CLAIMS_SUBMIT} claims)':<38} {_figures(runs)}")
    loading = statistics.median(warm) - statistics.median(floor)
    print(
        f"  {'of which code-set loading (warm cache)':<38} {loading:6.3f} s "
        f"({loading / statistics.median(runs):.1%} of the median submit)"
    )
    print(
        f"  code-set loading, cache built cold      {cold - statistics.median(floor):6.3f} s once"
    )


def run() -> None:
    print(f"cli: whole processes, {RUNS} runs each (min / median / max wall time)")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        env = {**os.environ, "CLAIMDESK_HOME": str(root / "empty")}
        subprocess.run([CLAIMDESK, "init"], env=env, check=True, capture_output=True)
        _paired("claimdesk --help", (CLAIMDESK, "--help"), "python -c pass", PASS, env)
        _paired(
            "claimdesk queue list --json (empty)",
            (CLAIMDESK, "queue", "list", "--json"),
            "python -c pass",
            PASS,
            env,
        )
        remit = root / "remit-20000.835"
        remit.write_text(write_remittance(claim_inputs(CLAIMS_835)))
        naive = (sys.executable, "-c", f"open({str(remit)!r}).read().split('~')")
        _paired(
            f"claimdesk x12 inspect ({CLAIMS_835} claims)",
            (CLAIMDESK, "x12", "inspect", str(remit), "--json"),
            "python3: read and split on ~",
            naive,
            env,
        )
        _submit(root, env)
