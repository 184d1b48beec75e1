"""What a benchmark hands to ``run_all.py``: one machine-readable line per goal on stdout.

Each ``bench_*.py`` still prints its own figures for a person reading them; beside them it
calls ``emit`` once per goal, which prints ``BENCH-RESULT {json}``. The runner collects those
lines from every benchmark into one table, so a benchmark run alone and one run by the runner
measure exactly the same thing.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

PREFIX = "BENCH-RESULT "


def quick() -> bool:
    """``BENCH_QUICK=1``: small sizes, a smoke test of the benchmark and the runner only."""
    return os.environ.get("BENCH_QUICK", "") not in ("", "0")


def size(name: str, full: int, small: int) -> int:
    """The size a benchmark runs at: ``$name`` if set, else ``small`` in quick mode, else ``full``."""
    value = os.environ.get(name)
    if value:
        return int(value)
    return small if quick() else full


def emit(
    benchmark: str,
    *,
    goal: str,
    measured: str,
    ratio: float | None = None,
    met: bool | None = None,
) -> None:
    """One row of the table: what was measured against which goal, and whether it was met.

    ``met`` is None when the row has no goal (a figure printed to follow, not to judge).
    """
    row = {"benchmark": benchmark, "goal": goal, "measured": measured, "ratio": ratio, "met": met,
           "quick": quick()}
    print(PREFIX + json.dumps(row, ensure_ascii=False), flush=True)


def rss_mb(pid: int) -> float:
    """A process's resident memory now (``VmRSS``), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")
