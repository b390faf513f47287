"""Timing shared by the benchmarks (run them from the repository root:
``python benchmarks/bench_NAME.py``, which puts this folder on the import path)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def best_of(rounds: int, call: Callable[[], T]) -> tuple[float, T]:
    """The fastest of ``rounds`` calls (seconds) and the last call's result: on a noisy machine
    the minimum is the most repeatable figure."""
    best, value = float("inf"), None
    for _ in range(rounds):
        started = time.perf_counter()
        value = call()
        best = min(best, time.perf_counter() - started)
    return best, value  # type: ignore[return-value]
