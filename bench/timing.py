"""Wall-clock and CPU timing for benchmark steps (CPU time shows what a busy machine hides)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Timing:
    label: str
    wall: float
    cpu: float

    def line(self, floor: Timing | None = None) -> str:
        ratio = f"  x{self.wall / floor.wall:6.2f} of {floor.label}" if floor else ""
        return f"{self.label:<44} {self.wall:8.2f} s wall {self.cpu:8.2f} s cpu{ratio}"


def timed(label: str, work: Callable[[], T]) -> tuple[Timing, T]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()
    return Timing(label, time.perf_counter() - wall, time.process_time() - cpu), result
